//! The headline numbers of a record-level run as one notebook output, with the
//! files and filters that produced them, so a check can re-run `detainers
//! records` and compare.

use crate::records::decide::summary::RecordResults;
use crate::render::format::{fmt_count, fmt_percent};
use crate::render::notebook::key_numbers_display;
use serde::Serialize;

/// The headline numbers of a record-level run, with the files and filters
/// that produced them, so a check can re-run `detainers records` and compare.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordKeyNumbers {
    /// Always `"detainers.record_key_numbers"`.
    pub kind: &'static str,
    /// Files read.
    pub files: Vec<String>,
    /// Area code filter.
    pub aor: Option<String>,
    /// State filter.
    pub state: Option<String>,
    /// First day (inclusive).
    pub from: Option<String>,
    /// Last day (inclusive).
    pub to: Option<String>,
    /// The duplicates policy: `exclude`, `keep_first` or `include`, as in
    /// `results.json` (the command line takes either spelling).
    pub duplicates: String,
    /// `--request-type` as asked: `auto`, `hold`, `notification` or `all`.
    pub request_type: String,
    /// The request types read: `hold`, `notification` or `all`.
    pub request_types_read: String,
    /// Rows read.
    pub rows_read: u64,
    /// Rows used.
    pub rows_used: u64,
    /// Detainers declined by the law-enforcement agency.
    pub declined_by_lea: u64,
    /// declined_by_lea / rows_used.
    pub declined_share: Option<f64>,
    /// custody / (custody + declined) among the detainers used.
    pub honored_share: Option<f64>,
}

/// Collect the key numbers of a record-level run. Paths are relative to the
/// repository root when they are inside it.
pub fn record_key_numbers(r: &RecordResults) -> RecordKeyNumbers {
    let f = &r.filters;
    RecordKeyNumbers {
        kind: "detainers.record_key_numbers",
        files: r
            .files
            .iter()
            .map(|f| crate::paths::shown(std::path::Path::new(&f.path)))
            .collect(),
        aor: f.aor.as_ref().map(|a| a.code.clone()),
        state: f.state.clone(),
        from: f.from.map(|d| d.to_string()),
        to: f.to.map(|d| d.to_string()),
        duplicates: f.duplicates.name().replace('-', "_"),
        request_type: f.request_type.name().to_string(),
        request_types_read: r.request_types.applied.name().to_string(),
        rows_read: r.rows_read,
        rows_used: r.rows_used,
        declined_by_lea: r.declined_by_lea.count,
        declined_share: r.declined_by_lea.share,
        honored_share: r.outcomes.honored_share.share,
    }
}

impl RecordKeyNumbers {
    /// One sentence for people.
    pub fn sentence(&self) -> String {
        let share = self
            .declined_share
            .map_or_else(|| "no rows used".to_string(), |s| fmt_percent(s, 1));
        let honored = self.honored_share.map_or_else(String::new, |h| {
            format!(
                " Honored share among detainers resolved either way: {}.",
                fmt_percent(h, 1)
            )
        });
        let read = match self.request_types_read.as_str() {
            "hold" => " (hold requests)",
            "notification" => " (requests for notification)",
            _ => "",
        };
        format!(
            "{} rows read, {} used{read}; {} declined by the law-enforcement agency ({}).{honored}",
            fmt_count(self.rows_read),
            fmt_count(self.rows_used),
            fmt_count(self.declined_by_lea),
            share
        )
    }

    /// Show as JSON (for checks and tools) and as a sentence (for people).
    pub fn evcxr_display(&self) {
        let rows = vec![
            ("rows read", fmt_count(self.rows_read)),
            ("rows used", fmt_count(self.rows_used)),
            ("requests read", self.request_types_read.clone()),
            ("declined by LEA", fmt_count(self.declined_by_lea)),
            (
                "declined share",
                self.declined_share
                    .map_or_else(|| "\u{2014}".to_string(), |s| fmt_percent(s, 1)),
            ),
            (
                "honored share",
                self.honored_share
                    .map_or_else(|| "\u{2014}".to_string(), |s| fmt_percent(s, 1)),
            ),
        ];
        print!("{}", key_numbers_display(self, &self.sentence(), &rows));
    }
}
