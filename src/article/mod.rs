//! The article's pipeline: a dataset folder transcribed from the article in,
//! a checked reproduction out.
//!
//! ```text
//! dataset folder ──load──▶ Dataset ──analyse──▶ Analysis ──check_claims──▶ claims ledger
//!   (datapackage.json,      (model,    (analysis,             (measures, claims)
//!    status.csv, ...)       validate)   stats)
//!                                         │
//!                                         ▼
//!                     tables, charts, figures, key numbers ──write_report──▶ out/<dataset>/
//! ```
//!
//! Takes in: a folder following the README's dataset contract. Gives out:
//! [`Dataset`], [`Analysis`], the claims ledger ([`ClaimCheck`]), tables and
//! figures, and a report folder (`results.json`, `report.html`, figures and
//! tables). Uses what is below both pipelines (CSV reading, statistics,
//! rendering); knows nothing of the record-level pipeline.

pub(crate) mod analysis;
pub(crate) mod charts;
pub(crate) mod claims;
pub(crate) mod figures;
pub(crate) mod key_numbers;
pub(crate) mod load;
pub(crate) mod measures;
pub(crate) mod model;
pub(crate) mod report;
pub(crate) mod tables;
pub(crate) mod validate;

pub use analysis::{
    analyse, case_in_window, custody_estimate, honored_share_for_custody_share, period_stats,
    printed_decimals, round_to, rounds_to, Analysis, CaseInWindow, Custody, GroupRate,
    OutcomeShare, PeriodStats, Totals, WindowFit, SENSITIVITY_STEP,
};
pub use charts::{
    draw_case_timeline, draw_custody_sensitivity, draw_dispositions, draw_hits_by_status,
    draw_rate_by_status,
};
pub use claims::{check_claims, select_claims, ClaimCheck, Verdict, APPROXIMATE_TOLERANCE};
pub use figures::{
    all_figures, figure_case_timeline, figure_custody_sensitivity, figure_dispositions,
    figure_hits_by_status, figure_rate_by_status,
};
pub use key_numbers::{key_numbers, KeyNumbers};
pub use load::load_dataset;
pub use measures::{measure, Measure};
pub use model::{
    Assumption, Assumptions, CaseExample, ClaimSpec, Dataset, DatasetMeta, Disposition,
    Dispositions, Outcome, Period, PrintedTotal, Resource, Rule, Source, StatusRow, StatusTable,
    Unit,
};
pub use report::{
    build_results, report_tables, write_report, CustodyResult, DatasetInfo, Results, VerdictCount,
};
pub use tables::{
    cases_table, claims_table, dispositions_table, independence_table, precision_table,
    sensitivity_table, status_table, verdict_counts_table,
};
