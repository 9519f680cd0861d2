//! # detainers
//!
//! Reproduce, check and extend a published analysis of ICE "Secure
//! Communities" fingerprint hits and immigration detainers in Massachusetts
//! (March 19 to May 30, 2018).
//!
//! The modules follow the pipeline: [`load`] reads files, [`validate`] and
//! [`dataset`] turn them into checked tables, [`stats`], [`analysis`] and
//! [`claims`] compute, [`tables`], [`chart`] and [`display`] show, and
//! [`report`] writes everything to a folder. Record-level detainer files take
//! a parallel path: [`records`] scans them lazily, [`crosswalk`] maps them to
//! the article's groups, [`population`] adds context and [`records_report`]
//! shows and writes the results; [`generate`] makes synthetic files of any size.
//!
//! ```no_run
//! let dataset = detainers::load_dataset("data/boston-2018")?;
//! let analysis = detainers::analyse(&dataset, 0.5)?;
//! assert_eq!(analysis.custody.in_custody, 218.0);
//! # Ok::<(), detainers::Error>(())
//! ```
//!
//! Notebooks need only this crate: polars, plotters, serde and serde_json are
//! re-exported.

#![warn(missing_docs)]

pub mod analysis;
pub mod chart;
pub mod claims;
pub mod crosswalk;
pub mod dataset;
pub mod display;
pub mod error;
pub mod generate;
pub mod load;
pub mod notebook;
pub mod paths;
pub mod population;
pub mod progress;
pub mod records;
pub mod records_report;
pub mod records_scan;
pub mod report;
pub mod stats;
pub mod tables;
pub mod validate;

pub use analysis::{analyse, Analysis};
pub use claims::{check_claims, ClaimCheck, Verdict};
pub use dataset::{load_dataset, Dataset};
pub use error::{Error, Result};
pub use report::{build_results, write_report, Results};

/// Everything a notebook needs, in one `use detainers::prelude::*;`.
pub mod prelude {
    pub use crate::analysis::{analyse, custody_estimate, Analysis, CONFIDENCE};
    pub use crate::chart::{
        all_figures, figure_case_timeline, figure_custody_sensitivity, figure_dispositions,
        figure_hits_by_status, figure_rate_by_status, Figure,
    };
    pub use crate::claims::{check_claims, select_claims, ClaimCheck, Verdict};
    pub use crate::crosswalk::{resolve_aor, StatusCrosswalk};
    pub use crate::dataset::{load_dataset, Dataset};
    pub use crate::display::ShowTable;
    pub use crate::error::{Error, Result};
    pub use crate::generate::{generate_file, Size};
    pub use crate::notebook::{
        key_numbers, record_key_numbers, KeyNumbers, RecordKeyNumbers, ShowAsText,
    };
    pub use crate::paths::{dataset_dir, output_dir, repo_root};
    pub use crate::population::PopulationTable;
    pub use crate::records::{parse_day, Filters, RecordResults};
    pub use crate::records_report::{
        case_category_table, context_table, figure_lift_reasons, figure_monthly_declined_share,
        figure_monthly_detainers, figure_status_groups, lift_reason_table, month_table,
        record_figures, record_tables, run_records, status_group_table, summary_table,
        write_records_report,
    };
    pub use crate::report::{build_results, write_report, Written};
    pub use crate::tables::{
        cases_table, claims_table, dispositions_table, independence_table, precision_table,
        sensitivity_table, status_table, verdict_counts_table,
    };
    pub use std::path::PathBuf;
}

pub use plotters;
pub use polars;
pub use serde;
pub use serde_json;
