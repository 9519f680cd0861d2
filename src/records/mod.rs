//! The record-level pipeline: ICE's detainer records (the Deportation Data
//! Project's release, one row per detainer) through the article's analysis.
//!
//! ```text
//! select ─▶ read ─▶ count ─▶ decide ─▶ show
//! (filters,  (formats,  (engines:   (duplicates,   (tables, figures,
//!  grouping,  layout,    blocks |    outcomes,      key numbers,
//!  policy)    dates)     polars)     areas, events,  the page)
//!                                    population,
//!                                    summary)
//! synthetic: the generator and its export to every format
//! ```
//!
//! Each stage imports only the stages before it. [`run::run_records_with`]
//! runs read, count and decide; [`show::report::write_records_report`]
//! writes what decide gives out. Takes in: record files, `select`'s
//! choices and the [`decide::Inputs`] (crosswalks, events, population, each
//! with a bundled default). Gives out: [`decide::summary::RecordResults`]
//! (written as `results.json`), tables, figures and a report folder. Knows
//! nothing of the article's pipeline.

pub(crate) mod count;
pub(crate) mod decide;
pub(crate) mod read;
pub(crate) mod run;
pub(crate) mod select;
pub(crate) mod show;
pub(crate) mod synthetic;

// The public surface of the record-level pipeline, by stage.
pub use count::reasons::Exclusion;
pub use count::ScanEngine;
pub use decide::areas::AreaOutcomes;
pub use decide::duplicates::{DuplicateCounts, PolicyRows};
pub use decide::events::{
    bundled_events, parse_events, read_events, Event, EventSplit, MonthsOutcomes, EVENTS_PATH,
};
pub use decide::lift_times::LiftTime;
pub use decide::outcomes::{
    Denominator, FollowUp, LiftOutcome, LiftOutcomes, OutcomeClass, Outcomes, Share,
    LIFT_OUTCOMES_PATH,
};
pub use decide::population::{PopulationContext, PopulationRow, PopulationTable};
pub use decide::status::{StatusCrosswalk, ARTICLE_GROUPS, NOT_MAPPED, UNKNOWN_STATUS};
pub use decide::summary::{
    record_period, CategoryCount, Declined, GroupCount, RecordResults, RequestTypeOutcomes,
    RequestTypeSummary, ValueCount,
};
pub use decide::tally::{MonthCount, ReasonCount};
pub use decide::Inputs;
pub use read::blocks::{BLOCK_BYTES, MAX_ROW_BYTES};
pub use read::formats::{detect_format, FileFormat};
pub use read::layouts::clean_name;
pub use read::layouts::{
    bundled_layout, bundled_layouts, ColumnNames, Layout, LAYOUTS_PATH, LAYOUT_COLUMNS_PATH,
};
pub use read::progress::estimate_rows;
pub use read::schema::{FileInfo, SheetRead, COLUMNS, DECLINED_BY_LEA};
pub use run::{run_records, run_records_with, RunOptions};
pub use select::aor::{aor_table, normalise_label, resolve_aor, Aor};
pub use select::duplicates::Duplicates;
pub use select::filters::{parse_day, AorFilter, Filters};
pub use select::follow_up::{FollowUpOptions, FOLLOW_UP_DAYS};
pub use select::grouping::{By, GroupBy, MIN_RESOLVED};
pub use select::request_type::RequestChoice;
pub use select::request_types::{RequestKind, RequestTypes, REQUEST_TYPES_PATH};
pub use show::figures::{
    figure_by_area, figure_lift_reasons, figure_monthly_declined_share, figure_monthly_detainers,
    figure_status_groups, figure_time_to_lift, record_figures,
};
pub use show::key_numbers::{record_key_numbers, RecordKeyNumbers};
pub use show::report::{write_records_report, write_records_report_with, ReportAddition};
pub use show::tables::{
    area_table, case_category_table, context_table, duplicates_table, event_table, files_table,
    lift_reason_table, lift_time_table, missing_columns_table, month_table, outcome_table,
    record_scope, record_tables, request_type_table, status_group_table, summary_table, MISSING,
};
pub use synthetic::export::{convert_records, record_text_frame, title_case, PREAMBLE_ROWS};
pub use synthetic::generate::{
    generate_extended_with_truth, generate_file, generate_file_as, generate_layout_file,
    generate_records, generate_records_with_truth, parse_bytes, GeneratedFile, LiftTruth, RowTruth,
    Size, FORMS,
};
pub use synthetic::layouts::canonical_layout;
