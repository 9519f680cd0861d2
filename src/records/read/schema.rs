//! The release's record files as the analysis reads them: the nine columns
//! it uses and the header check every file must pass.

use serde::{Deserialize, Serialize};

/// `detainer_prepare_date`: when the detainer was prepared (`YYYY-MM-DD`).
pub(crate) const DATE: &str = "detainer_prepare_date";

/// `facility_aor`: the area of responsibility, e.g. `St. Paul Area of Responsibility`.
pub(crate) const AOR: &str = "facility_aor";

/// `facility_state`: the state of the holding facility, e.g. `MINNESOTA`.
pub(crate) const STATE: &str = "facility_state";

/// `case_category`.
pub(crate) const CASE_CATEGORY: &str = "case_category";

/// `entry_status`.
pub(crate) const ENTRY_STATUS: &str = "entry_status";

/// `final_order_yes_no`.
pub(crate) const FINAL_ORDER: &str = "final_order_yes_no";

/// `illegal_reentry_yes_no`.
pub(crate) const ILLEGAL_REENTRY: &str = "illegal_reentry_yes_no";

/// `detainer_lift_reason`.
pub(crate) const LIFT_REASON: &str = "detainer_lift_reason";

/// `duplicate_likely`: `TRUE` when the release flags the row as a likely duplicate.
pub(crate) const DUPLICATE: &str = "duplicate_likely";

/// `detention_facility`: the facility holding the person. Optional: only
/// `--by facility` needs it.
pub(crate) const FACILITY: &str = "detention_facility";

/// `unique_identifier`: the release's anonymised person. Optional: only the
/// `keep-first` duplicates policy needs it.
pub(crate) const ID: &str = "unique_identifier";

/// The columns the analysis reads; every file must have them.
pub const USED_COLUMNS: [&str; 9] = [
    DATE,
    AOR,
    STATE,
    CASE_CATEGORY,
    ENTRY_STATUS,
    FINAL_ORDER,
    ILLEGAL_REENTRY,
    LIFT_REASON,
    DUPLICATE,
];

/// How `duplicate_likely` is written when it flags a row: R writes `TRUE`,
/// Python `True`, JSON and Arrow's text `true`. Anything else, missing
/// included, is not a flag.
pub(crate) const FLAGGED: [&str; 3] = ["TRUE", "True", "true"];

/// Whether a `duplicate_likely` value flags its row ([`FLAGGED`]).
pub(crate) fn is_flagged(value: &str) -> bool {
    FLAGGED.contains(&value)
}

/// The lift reason counted as a declined detainer.
pub const DECLINED_BY_LEA: &str = "Detainer Declined by LEA";

/// One input file as read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileInfo {
    /// The path as given.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// The format, told by the file's first bytes: `CSV`, `Parquet`,
    /// `Arrow IPC (Feather v2)` or `xlsx`.
    #[serde(default)]
    pub format: String,
    /// For a workbook, the sheets read (each with a header), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sheets: Vec<SheetRead>,
    /// Columns the file lacks that were derived, each with its rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub derived: Vec<String>,
}

/// One sheet of a workbook as read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SheetRead {
    /// The sheet's name.
    pub sheet: String,
    /// The header's row as Excel numbers it (the rows above are the
    /// release's preamble).
    pub header_row: u32,
}

/// What a file without one of [`USED_COLUMNS`] is told, in every format.
pub(crate) const MISSING_COLUMN: &str = "required column is missing; is this a detainer file from the Deportation Data Project release?";

/// The first of `wanted` that `names` lacks.
pub(crate) fn first_missing<'a>(
    names: &[String],
    wanted: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    wanted.into_iter().find(|w| !names.iter().any(|n| n == w))
}
