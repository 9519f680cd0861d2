//! The headline numbers of an analysis as one notebook output: JSON that the
//! notebook checks compare with `results.json`, and a sentence.

use super::analysis::Analysis;
use super::model::Dataset;
use crate::render::format::{fmt_count, fmt_number, fmt_percent};
use crate::render::notebook::json_and_sentence;
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
