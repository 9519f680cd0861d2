//! The headline numbers of an analysis as one notebook output: JSON that the
//! notebook checks compare with `results.json`, and a sentence.

use super::analysis::Analysis;
use super::model::Dataset;
use crate::render::format::{fmt_count, fmt_number, fmt_percent};
use crate::render::notebook::key_numbers_display;
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

    /// The numbers as (label, value) rows for people.
    fn rows(&self) -> Vec<(&'static str, String)> {
        let mut rows = vec![
            ("hits", fmt_count(self.hits)),
            ("detainers", fmt_count(self.detainers)),
            ("detainer rate", fmt_percent(self.detainer_rate, 1)),
            ("honored share (assumed)", fmt_number(self.honored_share)),
            ("in custody (estimate)", fmt_number(self.in_custody)),
            ("custody share", fmt_percent(self.custody_share, 1)),
            ("not in custody", fmt_number(self.not_in_custody)),
        ];
        if let (Some(chi2), Some(df)) = (self.chi2, self.df) {
            rows.push((
                "chi-square (status x detainer)",
                format!("{} ({df} df)", fmt_number(chi2)),
            ));
        }
        rows
    }

    /// Show as JSON (for checks and tools) and as a sentence with a small
    /// table (for people).
    pub fn evcxr_display(&self) {
        print!(
            "{}",
            key_numbers_display(self, &self.sentence(), &self.rows())
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::notebook::KEY_NUMBERS_MIME;

    #[test]
    fn key_numbers_read_as_a_sentence() {
        let d = crate::load_dataset(crate::paths::dataset_dir("boston-2018")).unwrap();
        let a = crate::article::analyse(&d, 0.5).unwrap();
        let k = key_numbers(&d, &a);
        assert_eq!(
            k.sentence(),
            "boston-2018: 456 hits, 216 detainers (47.4%); at an honored share of 0.5, 218 in custody (47.8%) and 238 not."
        );
        assert_eq!(k.df, Some(5));
    }

    #[test]
    fn display_is_json_for_tools_then_html_and_the_sentence_for_people() {
        let d = crate::load_dataset(crate::paths::dataset_dir("boston-2018")).unwrap();
        let a = crate::article::analyse(&d, 0.5).unwrap();
        let k = key_numbers(&d, &a);
        let shown = key_numbers_display(&k, &k.sentence(), &k.rows());
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines.len(), 9);
        assert_eq!(lines[0], format!("EVCXR_BEGIN_CONTENT {KEY_NUMBERS_MIME}"));
        let json: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(json["kind"], "detainers.key_numbers");
        assert_eq!(json["hits"], 456);
        assert_eq!(json["detainers"], 216);
        assert_eq!(lines[3], "EVCXR_BEGIN_CONTENT text/html");
        assert!(lines[4].contains(&format!(
            "<p style=\"margin:0 0 .4em 0\">{}</p>",
            k.sentence()
        )));
        assert!(lines[4].contains(">218<"), "{}", lines[4]);
        assert_eq!(lines[6], "EVCXR_BEGIN_CONTENT text/plain");
        assert_eq!(lines[7], k.sentence());
        assert!(
            !shown.contains("application/json"),
            "JupyterLab would show a JSON tree"
        );
    }
}
