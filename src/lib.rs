//! # detainers
//!
//! Reproduce, check and extend a published analysis of ICE "Secure
//! Communities" fingerprint hits and immigration detainers in Massachusetts
//! (March 19 to May 30, 2018).
//!
//! Two pipelines, and what they share below them (see `ARCHITECTURE.md`):
//!
//! - **the article's**: a dataset folder transcribed from the article is
//!   loaded and validated ([`load_dataset`]), analysed ([`analyse`]), its
//!   claims checked ([`check_claims`]) and written as a report
//!   ([`write_report`]);
//! - **ICE's records**: record-level detainer files are read, counted and
//!   summarised through the same groups ([`run_records`]) and written as a
//!   report ([`write_records_report`]); [`generate_file`] makes synthetic
//!   files of any size;
//! - **where they meet**: the article's custody estimate at the honored
//!   share measured from the records ([`compare_with_article`]);
//! - **below both**: CSV reading with exact line numbers, statistics
//!   ([`stats`]), and rendering ([`render`]): tables ([`ShowTable`]),
//!   figures ([`Figure`]), pages and notebook displays.
//!
//! The crate root holds the entry points; [`article`], [`records`],
//! [`render`] and [`stats`] hold the rest, each grouped by what it is for.
//!
//! ```no_run
//! let dataset = detainers::load_dataset("data/boston-2018")?;
//! let analysis = detainers::analyse(&dataset, 0.5)?;
//! assert_eq!(analysis.custody.in_custody, 218.0);
//! # Ok::<(), detainers::Error>(())
//! ```
//!
//! Notebooks need only this crate: `use detainers::prelude::*;` brings in
//! what they call, and polars, plotters, serde and serde_json are re-exported.
//! [`set_param`] sets a notebook's declared parameters from outside it
//! (papermill's `-p NAME VALUE`; see `notebooks/papermill/`).

#![warn(missing_docs)]
#![warn(unreachable_pub)]

pub mod article;
mod compare;
mod csv_table;
mod error;
mod params;
mod paths;
pub mod records;
pub mod render;
pub mod stats;

// The crate root: the entry points of both pipelines and what their
// results are made of. Everything else is in `article`, `records`,
// `render` and `stats`.

pub use error::{Error, Result};
pub use params::{set_param, set_params, Param, ParamsSet};
pub use paths::{dataset_dir, output_dir, repo_root, shared_real_data};

pub use article::{
    analyse, check_claims, load_dataset, write_report, Analysis, ClaimCheck, Dataset, Verdict,
};
pub use records::{
    generate_file, generate_file_as, run_records, run_records_with, write_records_report,
    write_records_report_with, By, Duplicates, FileFormat, Filters, GroupBy, Inputs, RecordResults,
    RunOptions, ScanEngine, Size,
};

pub use compare::{
    article_addition, compare_with_article, comparison_table, ArticleComparison, RecordRun,
};
pub use render::{Figure, ShowTable, Written};

/// Everything a notebook calls, in one `use detainers::prelude::*;`.
pub mod prelude {
    pub use crate::article::{
        all_figures, cases_table, claims_table, dispositions_table, figure_case_timeline,
        figure_custody_sensitivity, figure_dispositions, figure_hits_by_status,
        figure_rate_by_status, independence_table, key_numbers, precision_table, select_claims,
        sensitivity_table, status_table, verdict_counts_table,
    };
    pub use crate::records::{
        area_table, bundled_layout, context_table, duplicates_table, event_table, figure_by_area,
        figure_monthly_declined_share, figure_monthly_detainers, figure_status_groups,
        figure_time_to_lift, files_table, generate_layout_file, lift_reason_table, lift_time_table,
        missing_columns_table, outcome_table, parse_day, record_key_numbers, request_type_table,
        resolve_aor, status_group_table, summary_table, FollowUpOptions, Layout, RequestChoice,
        MIN_RESOLVED,
    };
    // Not named by a notebook, but what makes every cell's last value show
    // after one compile (see `render::notebook`).
    pub use crate::render::ShowAsText;
    pub use crate::{
        analyse, check_claims, compare_with_article, comparison_table, dataset_dir, generate_file,
        generate_file_as, load_dataset, output_dir, repo_root, run_records, run_records_with,
        write_report, Analysis, By, ClaimCheck, Dataset, Duplicates, Error, FileFormat, Filters,
        GroupBy, Inputs, RecordResults, Result, RunOptions, Size, Written,
    };
    pub use chrono::NaiveDate;
    pub use std::path::PathBuf;
}

pub use plotters;
pub use polars;
pub use serde;
pub use serde_json;

#[cfg(test)]
mod tests {
    /// A notebook's last value shows after one compile only if the prelude
    /// brings `ShowAsText` (evcxr stops at "trait not in scope" otherwise);
    /// this does not compile without it.
    #[test]
    fn the_prelude_gives_every_value_a_display() {
        use crate::prelude::*;
        fn shows<T: ShowAsText + ?Sized>(_: &T) -> bool {
            true
        }
        assert!(shows(&String::from("a build folder")) && shows(&(3_u64, 0.5_f64)));
    }
}
