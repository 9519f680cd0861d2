//! The release's record files as the analysis reads them: the nine columns
//! it uses and the header check every file must pass.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::Path;

/// `detainer_prepare_date`: when the detainer was prepared (`YYYY-MM-DD`).
pub const DATE: &str = "detainer_prepare_date";

/// `facility_aor`: the area of responsibility, e.g. `St. Paul Area of Responsibility`.
pub const AOR: &str = "facility_aor";

/// `facility_state`: the state of the holding facility, e.g. `MINNESOTA`.
pub const STATE: &str = "facility_state";

/// `case_category`.
pub const CASE_CATEGORY: &str = "case_category";

/// `entry_status`.
pub const ENTRY_STATUS: &str = "entry_status";

/// `final_order_yes_no`.
pub const FINAL_ORDER: &str = "final_order_yes_no";

/// `illegal_reentry_yes_no`.
pub const ILLEGAL_REENTRY: &str = "illegal_reentry_yes_no";

/// `detainer_lift_reason`.
pub const LIFT_REASON: &str = "detainer_lift_reason";

/// `duplicate_likely`: `TRUE` when the release flags the row as a likely duplicate.
pub const DUPLICATE: &str = "duplicate_likely";

/// `detention_facility`: the facility holding the person. Optional: only
/// `--by facility` needs it.
pub const FACILITY: &str = "detention_facility";

/// `unique_identifier`: the release's anonymised person. Optional: only the
/// `keep-first` duplicates policy needs it.
pub const ID: &str = "unique_identifier";

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

/// Read the header line of a detainer file and check it has every column in
/// [`USED_COLUMNS`]. Returns the column names, with an unnamed column named
/// `_index` and a repeated name suffixed by its position.
///
/// # Errors
/// [`Error::Input`] naming the file for an empty file, a UTF-16 file, a header
/// that is not UTF-8 or a missing column.
pub fn read_header(path: &Path) -> Result<Vec<String>> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut head = Vec::with_capacity(64 * 1024);
    file.by_ref()
        .take(1024 * 1024)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(path, e))?;
    if head.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::input(path, None, None, "file is empty"));
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::input(
            path,
            None,
            None,
            "file is UTF-16; save it as UTF-8 (CSV UTF-8) and try again",
        ));
    }
    let end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = &head[..end];
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    let without_cr = line.strip_suffix(b"\r").unwrap_or(line);
    if let Some((_, what)) = crate::records::engines::blocks::first_malformed(without_cr) {
        return Err(Error::input(
            path,
            Some(1),
            None,
            format!("malformed CSV header: {what}"),
        ));
    }
    let text = std::str::from_utf8(line)
        .map_err(|_| Error::input(path, Some(1), None, "the header is not valid UTF-8"))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let record = reader
        .records()
        .next()
        .transpose()
        .map_err(|e| Error::input(path, Some(1), None, format!("malformed header: {e}")))?
        .ok_or_else(|| Error::input(path, None, None, "file is empty"))?;
    let mut names: Vec<String> = Vec::with_capacity(record.len());
    for (i, raw) in record.iter().enumerate() {
        let name = raw.trim();
        let mut name = if name.is_empty() {
            "_index".to_string()
        } else {
            name.to_string()
        };
        if names.contains(&name) {
            name = format!("{name}_{}", i + 1);
        }
        names.push(name);
    }
    if let Some(wanted) = first_missing(&names, USED_COLUMNS) {
        return Err(Error::input(path, Some(1), Some(wanted), MISSING_COLUMN));
    }
    Ok(names)
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
