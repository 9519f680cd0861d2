//! Display stage for notebooks: the key numbers of an analysis as one
//! machine-readable output (`application/json`) that the notebook checks
//! compare with `results.json`, and the `prelude` imported by every notebook.

use crate::analysis::Analysis;
use crate::dataset::Dataset;
use crate::display::{fmt_count, fmt_number, fmt_percent};
use crate::records::RecordResults;
use serde::Serialize;

/// The headline numbers a notebook shows, tagged with their dataset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyNumbers {
    /// Always `"detainers.key_numbers"`, so checks can find this output.
    pub kind: &'static str,
    /// Dataset folder name.
    pub dataset: String,
    /// Total hits.
    pub hits: u64,
    /// Total detainers.
    pub detainers: u64,
    /// Detainers / hits.
    pub detainer_rate: f64,
    /// Honored share used.
    pub honored_share: f64,
    /// Estimated hits taken into custody.
    pub in_custody: f64,
    /// in_custody / hits.
    pub custody_share: f64,
    /// hits - in_custody.
    pub not_in_custody: f64,
    /// Chi-square statistic (status x detainer).
    pub chi2: Option<f64>,
    /// Its degrees of freedom.
    pub df: Option<u64>,
}

/// Collect the key numbers of an analysis.
pub fn key_numbers(dataset: &Dataset, a: &Analysis) -> KeyNumbers {
    KeyNumbers {
        kind: "detainers.key_numbers",
        dataset: dataset.folder_name(),
        hits: a.totals.hits,
        detainers: a.totals.detainers,
        detainer_rate: a.totals.detainer_rate,
        honored_share: a.custody.honored_share,
        in_custody: a.custody.in_custody,
        custody_share: a.custody.share,
        not_in_custody: a.custody.not_in_custody,
        chi2: a.independence.as_ref().map(|t| t.chi2),
        df: a.independence.as_ref().map(|t| t.df),
    }
}

/// The evcxr display of a key-numbers value: its JSON (read by
/// scripts/check_notebooks.py) and one sentence as plain text.
fn json_and_sentence<T: Serialize>(value: &T, sentence: &str) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "{}".into());
    format!(
        "EVCXR_BEGIN_CONTENT application/json\n{json}\nEVCXR_END_CONTENT\n\
         EVCXR_BEGIN_CONTENT text/plain\n{sentence}\nEVCXR_END_CONTENT\n"
    )
}

impl KeyNumbers {
    /// One sentence for people.
    pub fn sentence(&self) -> String {
        format!(
            "{}: {} hits, {} detainers ({}); at an honored share of {}, {} in custody ({}) and {} not.",
            self.dataset,
            fmt_count(self.hits),
            fmt_count(self.detainers),
            fmt_percent(self.detainer_rate, 1),
            fmt_number(self.honored_share),
            fmt_number(self.in_custody),
            fmt_percent(self.custody_share, 1),
            fmt_number(self.not_in_custody)
        )
    }

    /// Show as JSON (for checks and tools) and as a sentence (for people).
    pub fn evcxr_display(&self) {
        print!("{}", json_and_sentence(self, &self.sentence()));
    }
}

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
    /// Whether likely duplicates were used.
    pub include_duplicates: bool,
    /// Rows read.
    pub rows_read: u64,
    /// Rows used.
    pub rows_used: u64,
    /// Detainers declined by the law-enforcement agency.
    pub declined_by_lea: u64,
    /// declined_by_lea / rows_used.
    pub declined_share: Option<f64>,
}

/// A path inside (or beside) the repository, relative to its root, so key
/// numbers read the same in every clone; other paths are kept as given.
fn repo_relative(path: &str) -> String {
    let root = crate::paths::repo_root();
    match std::path::Path::new(path).strip_prefix(&root) {
        Ok(rel) => rel.display().to_string(),
        Err(_) => path.to_string(),
    }
}

/// Collect the key numbers of a record-level run. Paths are relative to the
/// repository root when they are inside it.
pub fn record_key_numbers(r: &RecordResults) -> RecordKeyNumbers {
    let f = &r.filters;
    RecordKeyNumbers {
        kind: "detainers.record_key_numbers",
        files: r.files.iter().map(|f| repo_relative(&f.path)).collect(),
        aor: f.aor.as_ref().map(|a| a.code.clone()),
        state: f.state.clone(),
        from: f.from.map(|d| d.to_string()),
        to: f.to.map(|d| d.to_string()),
        include_duplicates: f.include_duplicates,
        rows_read: r.rows_read,
        rows_used: r.rows_used,
        declined_by_lea: r.declined_by_lea.count,
        declined_share: r.declined_by_lea.share,
    }
}

impl RecordKeyNumbers {
    /// One sentence for people.
    pub fn sentence(&self) -> String {
        let share = self
            .declined_share
            .map_or_else(|| "no rows used".to_string(), |s| fmt_percent(s, 1));
        format!(
            "{} rows read, {} used; {} declined by the law-enforcement agency ({}).",
            fmt_count(self.rows_read),
            fmt_count(self.rows_used),
            fmt_count(self.declined_by_lea),
            share
        )
    }

    /// Show as JSON (for checks and tools) and as a sentence (for people).
    pub fn evcxr_display(&self) {
        print!("{}", json_and_sentence(self, &self.sentence()));
    }
}

/// Shows any value without a display of its own as its `Debug` text.
///
/// evcxr shows a cell's last value by first compiling the cell with a call to
/// the value's `evcxr_display` method, and compiling it a second time with
/// `Debug` output when the type has none: a count or a tuple cost two
/// compiles. With this trait in scope (it is in the prelude), every `Debug`
/// value has the method, so every cell compiles once. Types with their own
/// `evcxr_display` (figures, tables, key numbers) keep it: an inherent method
/// is found before a trait's.
pub trait ShowAsText {
    /// Print the value's `Debug` text as the cell's plain-text output.
    fn evcxr_display(&self);
}

impl<T: std::fmt::Debug + ?Sized> ShowAsText for T {
    fn evcxr_display(&self) {
        println!("EVCXR_BEGIN_CONTENT text/plain\n{self:?}\nEVCXR_END_CONTENT");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_numbers_read_as_a_sentence() {
        let d = crate::load_dataset(crate::paths::dataset_dir("boston-2018")).unwrap();
        let a = crate::analyse(&d, 0.5).unwrap();
        let k = key_numbers(&d, &a);
        assert_eq!(
            k.sentence(),
            "boston-2018: 456 hits, 216 detainers (47.4%); at an honored share of 0.5, 218 in custody (47.8%) and 238 not."
        );
        assert_eq!(k.df, Some(5));
    }

    #[test]
    fn display_is_one_json_block_then_the_sentence() {
        let d = crate::load_dataset(crate::paths::dataset_dir("boston-2018")).unwrap();
        let a = crate::analyse(&d, 0.5).unwrap();
        let k = key_numbers(&d, &a);
        let shown = json_and_sentence(&k, &k.sentence());
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines.len(), 6);
        assert_eq!(lines[0], "EVCXR_BEGIN_CONTENT application/json");
        let json: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(json["kind"], "detainers.key_numbers");
        assert_eq!(json["hits"], 456);
        assert_eq!(json["detainers"], 216);
        assert_eq!(lines[2], "EVCXR_END_CONTENT");
        assert_eq!(lines[3], "EVCXR_BEGIN_CONTENT text/plain");
        assert_eq!(lines[4], k.sentence());
        assert_eq!(lines[5], "EVCXR_END_CONTENT");
    }
}
