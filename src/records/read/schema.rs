//! The record files as the analysis reads them: the twelve columns it can
//! use, by their canonical names (the Deportation Data Project's 2025
//! names), of which only the prepare date is required. Each published
//! layout names them its own way (`data/crosswalk/layout_columns.csv`).

use crate::records::select::filters::Place;
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

/// `facility_city`: the city of the holding facility.
pub(crate) const CITY: &str = "facility_city";

/// `detention_facility`: the facility holding the person.
pub(crate) const FACILITY: &str = "detention_facility";

/// The column a place filter reads or `by_area` groups on, by its canonical name.
pub(crate) fn place_column(place: Place) -> &'static str {
    match place {
        Place::Aor => AOR,
        Place::State => STATE,
        Place::City => CITY,
        Place::Facility => FACILITY,
    }
}

/// `unique_identifier`: the release's anonymised person; the `keep-first`
/// duplicates policy needs it.
pub(crate) const ID: &str = "unique_identifier";

/// `request_type`: the Deportation Data Project's class of the form
/// (August 2026 release on), derived by DDP from `detainer_type`.
pub(crate) const REQUEST_TYPE: &str = "request_type";

/// `detainer_type`: ICE's form, e.g. `I247A - Immigration Detainer - Notice
/// of Action`.
pub(crate) const DETAINER_TYPE: &str = "detainer_type";

/// `detainer_lift_date`: when the detainer was lifted (TRAC's FOIA rows).
pub(crate) const LIFT_DATE: &str = "detainer_lift_date";

/// `duplicate_drop_row`: `TRUE` on a row DDP's episode rule would drop (a
/// flagged row that is not its episode's first).
pub(crate) const DROP_ROW: &str = "duplicate_drop_row";

/// `duplicate_episode_id`: the file's own episode of a person's rows (DDP's
/// `duplicate_episode_identifier`, or the historical file's
/// `duplicate_episode_id`): a number per person.
pub(crate) const EPISODE: &str = "duplicate_episode_id";

/// Every column the analysis can read, by its canonical name, in the order
/// the engines keep them. Only the prepare date is required; what each
/// other column's absence costs is stated in `results.json`
/// (`missing_columns`).
pub const COLUMNS: [&str; 17] = [
    DATE,
    AOR,
    STATE,
    CITY,
    FACILITY,
    CASE_CATEGORY,
    ENTRY_STATUS,
    FINAL_ORDER,
    ILLEGAL_REENTRY,
    LIFT_REASON,
    DUPLICATE,
    ID,
    REQUEST_TYPE,
    DETAINER_TYPE,
    LIFT_DATE,
    DROP_ROW,
    EPISODE,
];

/// The file's own answers on duplicates, read only for `--duplicates
/// file`: a file without them is not short of anything else.
pub(crate) const FILE_FLAGS: [&str; 2] = [DROP_ROW, EPISODE];

/// The labels counted for a used row, by their place in [`COLUMNS`]: the
/// four status columns, the lift reason and the duplicate flag.
pub(crate) const LABELS: [usize; 6] = [
    at::CASE_CATEGORY,
    at::ENTRY_STATUS,
    at::FINAL_ORDER,
    at::ILLEGAL_REENTRY,
    at::LIFT_REASON,
    at::DUPLICATE,
];

/// The place of a column in [`COLUMNS`].
pub(crate) fn column_index(name: &str) -> Option<usize> {
    COLUMNS.iter().position(|c| *c == name)
}

/// Where each of [`COLUMNS`] sits in [`COLUMNS`], by name.
pub(crate) mod at {
    pub(crate) const DATE: usize = 0;
    #[allow(dead_code)]
    pub(crate) const AOR: usize = 1;
    #[allow(dead_code)]
    pub(crate) const STATE: usize = 2;
    #[allow(dead_code)]
    pub(crate) const CITY: usize = 3;
    #[allow(dead_code)]
    pub(crate) const FACILITY: usize = 4;
    pub(crate) const CASE_CATEGORY: usize = 5;
    pub(crate) const ENTRY_STATUS: usize = 6;
    pub(crate) const FINAL_ORDER: usize = 7;
    pub(crate) const ILLEGAL_REENTRY: usize = 8;
    pub(crate) const LIFT_REASON: usize = 9;
    pub(crate) const DUPLICATE: usize = 10;
    pub(crate) const ID: usize = 11;
    pub(crate) const REQUEST_TYPE: usize = 12;
    pub(crate) const DETAINER_TYPE: usize = 13;
    pub(crate) const LIFT_DATE: usize = 14;
    pub(crate) const DROP_ROW: usize = 15;
    pub(crate) const EPISODE: usize = 16;
}

/// What a file without a column loses, in words (for `results.json` and
/// the page).
pub(crate) fn missing_effect(column: &str) -> &'static str {
    match column {
        AOR => "no area of responsibility: --aor and --by aor cannot be used, and no detainers per resident are computed",
        STATE => "no facility state: --state and --by state cannot be used",
        CITY => "no facility city: --city and --by city cannot be used",
        FACILITY => "no facility: --facility and --by facility cannot be used",
        CASE_CATEGORY | ENTRY_STATUS | FINAL_ORDER | ILLEGAL_REENTRY => "the status crosswalk's rules on this column cannot apply; a row with none of the four status columns filled is counted under 'Unknown status'",
        LIFT_REASON => "no outcomes: these rows are counted, but not among declined, custody, open or any outcome share (outcomes.no_lift_reason_column)",
        DUPLICATE => "no row is flagged as a likely duplicate, so every row is used whatever the duplicates policy",
        ID => "no person: --duplicates keep-first and episode cannot be used and flagged rows are not grouped",
        REQUEST_TYPE | DETAINER_TYPE => "no request type: hold requests cannot be told from requests for notification, so every request is read as one (--request-type hold cannot be used)",
        LIFT_DATE => "no lift date: no time from prepare date to lift (time_to_lift is empty)",
        _ => "",
    }
}

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
    /// The published layout found from the header
    /// (`data/crosswalk/layouts.csv`), with `+ --columns` when names were
    /// given on the command line.
    #[serde(default)]
    pub layout: String,
    /// For a text file, the field delimiter found from the header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// Each column the analysis reads (canonical name) and the file's
    /// column or columns it is read from (several: the first a row fills).
    #[serde(default)]
    pub columns: std::collections::BTreeMap<String, Vec<String>>,
    /// The columns the analysis could read that the file lacks.
    #[serde(default)]
    pub missing: Vec<String>,
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
