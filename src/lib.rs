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
//! - **ICE's records**: record-level detainer files are scanned, counted and
//!   summarised through the same groups ([`run_records`]) and written as a
//!   report ([`write_records_report`]); [`generate_file`] makes synthetic
//!   files of any size;
//! - **below both**: CSV reading with exact line numbers, statistics
//!   ([`wilson_interval`], [`chi_square_independence`]), and rendering:
//!   tables ([`ShowTable`]), figures ([`Figure`]), pages and notebook
//!   displays.
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

#![warn(missing_docs)]

mod article;
mod compare;
mod csv_table;
mod error;
mod paths;
mod records;
mod render;
mod stats;

// The public surface, in one place. Every module is private; what is not
// listed here is internal.

pub use error::{Error, Result};
pub use paths::{dataset_dir, output_dir, repo_root, shared_real_data};
pub use stats::{
    chi_square_independence, wilson_interval, z_for_confidence, ChiSquareTest, Interval, CONFIDENCE,
};

// The article's pipeline.
pub use article::analysis::{
    analyse, case_in_window, custody_estimate, honored_share_for_custody_share, period_stats,
    printed_decimals, round_to, rounds_to, Analysis, CaseInWindow, Custody, GroupRate,
    OutcomeShare, PeriodStats, Totals, WindowFit, SENSITIVITY_STEP,
};
pub use article::charts::{
    draw_case_timeline, draw_custody_sensitivity, draw_dispositions, draw_hits_by_status,
    draw_rate_by_status,
};
pub use article::claims::{
    check_claims, select_claims, ClaimCheck, Verdict, APPROXIMATE_TOLERANCE,
};
pub use article::figures::{
    all_figures, figure_case_timeline, figure_custody_sensitivity, figure_dispositions,
    figure_hits_by_status, figure_rate_by_status,
};
pub use article::key_numbers::{key_numbers, KeyNumbers};
pub use article::load::load_dataset;
pub use article::measures::{measure, Measure};
pub use article::model::{
    Assumption, Assumptions, CaseExample, ClaimSpec, Dataset, DatasetMeta, Disposition,
    Dispositions, Outcome, Period, PrintedTotal, Resource, Rule, Source, StatusRow, StatusTable,
    Unit,
};
pub use article::report::{
    build_results, report_tables, write_report, CustodyResult, DatasetInfo, Results, VerdictCount,
};
pub use article::tables::{
    cases_table, claims_table, dispositions_table, independence_table, precision_table,
    sensitivity_table, status_table, verdict_counts_table,
};

// ICE's records.
pub use records::areas::{AreaOutcomes, By, GroupBy, MIN_RESOLVED};
pub use records::counts::Combination;
pub use records::counts::Pending;
pub use records::crosswalk::{
    aor_table, normalise_label, resolve_aor, Aor, StatusCrosswalk, StatusFields, ARTICLE_GROUPS,
    NOT_MAPPED,
};
pub use records::duplicates::{resolve_duplicates, DuplicateCounts, Duplicates, PolicyRows};
pub use records::engines::blocks::BLOCK_BYTES;
pub use records::engines::ScanEngine;
pub use records::events::{
    bundled_events, event_splits, parse_events, Event, EventSplit, MonthsOutcomes, EVENTS_PATH,
};
pub use records::export::{convert_records, record_text_frame, title_case, PREAMBLE_ROWS};
pub use records::figures::{
    figure_by_area, figure_lift_reasons, figure_monthly_declined_share, figure_monthly_detainers,
    figure_status_groups, record_figures,
};
pub use records::filters::{parse_day, AorFilter, Filters};
pub use records::formats::{detect_format, FileFormat};
pub use records::generate::{
    generate_file, generate_file_as, generate_records, generate_records_with_truth, parse_bytes,
    GeneratedFile, RowTruth, Size,
};
pub use records::key_numbers::{record_key_numbers, RecordKeyNumbers};
pub use records::outcomes::{
    classify_outcomes, Denominator, FollowUp, FollowUpOptions, LiftOutcome, LiftOutcomes,
    OutcomeClass, Outcomes, Share, FOLLOW_UP_DAYS, LIFT_OUTCOMES_PATH,
};
pub use records::population::{PopulationRow, PopulationTable};
pub use records::progress::estimate_rows;
pub use records::reasons::Exclusion;
pub use records::report::{
    run_records, run_records_with, write_records_report, write_records_report_with, ReportAddition,
    RunOptions,
};
pub use records::scan::{scan_files, Scan};
pub use records::schema::{read_header, FileInfo, SheetRead, DECLINED_BY_LEA, USED_COLUMNS};
pub use records::summary::{
    record_period, summarise, CategoryCount, Declined, GroupCount, MonthCount, PopulationContext,
    ReasonCount, RecordResults,
};
pub use records::tables::{
    area_table, case_category_table, context_table, duplicates_table, event_table, files_table,
    lift_reason_table, month_table, outcome_table, record_scope, record_tables, status_group_table,
    summary_table, MISSING,
};
pub use records::xlsx::clean_name;

// Where the two pipelines meet.
pub use compare::{article_addition, compare_with_article, comparison_table, ArticleComparison};

// Rendering, below both.
pub use render::draw::{
    draw_bars, draw_dot_intervals, draw_monthly, DotInterval, KeyedAxis, Marker,
};
pub use render::figure::{
    render_svg, svg_to_png, Figure, BLUE, GREEN, GREY, ORANGE, SIZE, SKY, VERMILLION,
};
pub use render::format::{fmt_count, fmt_number, fmt_p_clause, fmt_p_value, fmt_percent};
pub use render::html::{escape_html, http_url};
pub use render::notebook::{ShowAsText, Text};
pub use render::output::{frame_to_csv, Written};
pub use render::table::{format_value, ColumnFormat, ShowTable};

/// Everything a notebook calls, in one `use detainers::prelude::*;`.
pub mod prelude {
    pub use crate::{
        all_figures, analyse, area_table, build_results, case_category_table, cases_table,
        check_claims, claims_table, compare_with_article, comparison_table, context_table,
        custody_estimate, dataset_dir, dispositions_table, duplicates_table, event_table,
        figure_by_area, figure_case_timeline, figure_custody_sensitivity, figure_dispositions,
        figure_hits_by_status, figure_lift_reasons, figure_monthly_declined_share,
        figure_monthly_detainers, figure_rate_by_status, figure_status_groups, files_table,
        generate_file, generate_file_as, independence_table, key_numbers, lift_reason_table,
        load_dataset, month_table, outcome_table, output_dir, parse_day, precision_table,
        record_figures, record_key_numbers, record_tables, repo_root, resolve_aor, run_records,
        run_records_with, select_claims, sensitivity_table, status_group_table, status_table,
        summary_table, verdict_counts_table, write_records_report, write_report, Analysis, By,
        ClaimCheck, Dataset, Duplicates, Error, Figure, FileFormat, Filters, FollowUpOptions,
        GeneratedFile, GroupBy, KeyNumbers, PopulationTable, RecordKeyNumbers, RecordResults,
        Result, RunOptions, ShowAsText, ShowTable, Size, StatusCrosswalk, Verdict, Written,
        CONFIDENCE, MIN_RESOLVED,
    };
    pub use std::path::PathBuf;
}

pub use plotters;
pub use polars;
pub use serde;
pub use serde_json;
