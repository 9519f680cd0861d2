//! Where the two pipelines meet: the article's custody estimate,
//! `(CAP + p x detainers) / hits`, at the honored share `p` the article
//! assumed and at the one measured from ICE's records
//! ([`crate::Outcomes::honored_share`]), with a plain statement of whether
//! the records cover the article's period and area.
//!
//! Takes an [`Analysis`] of the article's dataset and [`RecordResults`];
//! gives an [`ArticleComparison`]. Nothing is borrowed silently: when the
//! records are from another period or area, the comparison says so, and the
//! measured share is a what-if, not a check of the article.

use crate::article::analysis::{custody_estimate, Analysis};
use crate::article::model::Outcome;
use crate::error::Result;
use crate::records::{
    record_period, run_records_with, write_records_report_with, Filters, Inputs, RecordResults,
    ReportAddition, RunOptions,
};
use crate::render::format::{fmt_interval, fmt_percent};
use crate::render::output::Written;
use crate::render::table::ShowTable;
use crate::stats::Interval;
use polars::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// A records run with the article's custody estimate beside it: what
/// `detainers records` computes and writes, for the command line and the
/// notebooks alike.
#[derive(Debug, Clone)]
pub struct RecordRun {
    /// The records' results.
    pub results: RecordResults,
    /// The article's estimate at its assumed and the measured honored share;
    /// `None` when no article analysis was given.
    pub comparison: Option<ArticleComparison>,
}

impl RecordRun {
    /// Run `files` through the records pipeline ([`run_records_with`]) and,
    /// when `article` is given, put its custody estimate beside the honored
    /// share measured ([`compare_with_article`]).
    ///
    /// # Errors
    /// As [`run_records_with`].
    pub fn run(
        files: &[PathBuf],
        filters: &Filters,
        inputs: &Inputs,
        options: &RunOptions,
        article: Option<&Analysis>,
    ) -> Result<RecordRun> {
        let results = run_records_with(files, filters, inputs, options)?;
        let comparison = article.map(|a| compare_with_article(a, &results));
        Ok(RecordRun {
            results,
            comparison,
        })
    }

    /// Write `results.json` (with `article_comparison` when there is one),
    /// `report.html`, figures and tables to `out_dir`.
    ///
    /// # Errors
    /// As [`write_records_report_with`].
    pub fn write(&self, out_dir: &Path) -> Result<Written> {
        let addition = match &self.comparison {
            Some(c) => article_addition(c)?,
            None => ReportAddition::default(),
        };
        write_records_report_with(&self.results, &addition, out_dir)
    }
}

/// The article's custody estimate at the assumed and the measured honored share.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ArticleComparison {
    /// The article's period, `start` to `end`.
    pub article_period: (String, String),
    /// The period the records cover (filters, or the months seen).
    pub records_period: Option<(String, String)>,
    /// Whether the records' period contains the article's whole period.
    pub covers_article_period: bool,
    /// The area the records were filtered to, if any.
    pub records_area: Option<String>,
    /// The honored share the article assumed.
    pub assumed_honored_share: f64,
    /// The article's custody share at the assumed honored share.
    pub custody_share_assumed: f64,
    /// custody / (custody + declined) from the records; `None` when no
    /// detainer in them is resolved either way.
    pub measured_honored_share: Option<f64>,
    /// Its 95% Wilson interval.
    pub measured_interval: Option<Interval>,
    /// The article's custody share at the measured honored share.
    pub custody_share_measured: Option<f64>,
    /// The same at the ends of the measured share's interval (the estimate
    /// rises with the share, so the ends map to ends).
    pub custody_share_measured_interval: Option<Interval>,
    /// What the comparison can and cannot say, in words.
    pub note: String,
}

/// Put the article's estimate beside the records' measured honored share.
pub fn compare_with_article(article: &Analysis, records: &RecordResults) -> ArticleComparison {
    let cap = article
        .dispositions
        .iter()
        .find(|d| d.outcome == Outcome::ReferredToCap)
        .map_or(0, |d| d.count);
    let (hits, detainers) = (article.totals.hits, article.totals.detainers);
    let at = |p: f64| custody_estimate(cap, detainers, hits, p).share;
    let (start, end) = (article.period.start, article.period.end);
    let period = record_period(records);
    let covers = period.is_some_and(|(a, b)| a <= start && end <= b);
    let measured = &records.outcomes.honored_share;
    let area = match (&records.filters.aor, &records.filters.state) {
        (Some(a), _) => Some(a.label.clone()),
        (None, Some(s)) => Some(format!("facility state {s}")),
        (None, None) => None,
    };
    let mut note = String::new();
    if !covers {
        note.push_str(&match period {
            Some((a, b)) => format!(
                "The records run from {a} to {b} and do not cover the article's period ({start} to {end}): the measured share is a what-if from another period, not a check of the article's assumption. "
            ),
            None => "The records hold no dated detainers. ".to_string(),
        });
    } else if let Some((a, b)) = period.filter(|(a, b)| *a < start || end < *b) {
        note.push_str(&format!(
            "The records run from {a} to {b}, longer than the article's period ({start} to {end}): the measured share is over all of it, not over the article's weeks alone. "
        ));
    }
    match &area {
        Some(label) if !label.to_lowercase().contains("boston") => {
            note.push_str(&format!("They are from {label}, not Boston. "))
        }
        None => note.push_str("They are not filtered to one area. "),
        _ => {}
    }
    if measured.of > 0 {
        note.push_str(&format!(
            "Measured from {} detainers resolved either way (custody or declined), reading ICE's lift reasons through {}.",
            measured.of, records.outcomes.crosswalk
        ));
    } else {
        note.push_str(
            "No detainer in the records is resolved either way, so no share is measured.",
        );
    }
    ArticleComparison {
        article_period: (start.to_string(), end.to_string()),
        records_period: period.map(|(a, b)| (a.to_string(), b.to_string())),
        covers_article_period: covers,
        records_area: area,
        assumed_honored_share: article.custody.honored_share,
        custody_share_assumed: article.custody.share,
        measured_honored_share: measured.share,
        measured_interval: measured.interval,
        custody_share_measured: measured.share.map(at),
        custody_share_measured_interval: measured.interval.map(|i| Interval {
            low: at(i.low),
            high: at(i.high),
        }),
        note: note.trim_end().to_string(),
    }
}

/// The comparison as an addition to a records report: the key
/// `article_comparison` in `results.json`, a sentence among the key figures
/// and the table `article_comparison`.
///
/// # Errors
/// [`crate::error::Error::Output`] if the comparison cannot be serialised or tabled.
pub fn article_addition(c: &ArticleComparison) -> Result<ReportAddition> {
    let value = serde_json::to_value(c)?;
    let measured = match (c.custody_share_measured, c.measured_honored_share) {
        (Some(custody), Some(p)) => {
            let range = |i: Option<Interval>| match i {
                Some(_) => format!(" ({})", fmt_interval(i)),
                None => String::new(),
            };
            format!(
                "; at the honored share measured from these records, p = {}{}, it is {}{}",
                fmt_percent(p, 1),
                range(c.measured_interval),
                fmt_percent(custody, 1),
                range(c.custody_share_measured_interval)
            )
        }
        _ => String::new(),
    };
    let sentence = format!(
        "The article's custody estimate, (CAP + p x detainers) / hits for {} to {}, is {} at its assumed p = {}{measured}. {}",
        c.article_period.0,
        c.article_period.1,
        fmt_percent(c.custody_share_assumed, 1),
        c.assumed_honored_share,
        c.note
    );
    Ok(ReportAddition {
        json: vec![("article_comparison".to_string(), value)],
        key_figures: vec![sentence],
        tables: vec![("article_comparison", comparison_table(c)?)],
    })
}

/// The comparison as a table: the honored share and the custody share of
/// hits, assumed and measured, each measured one with its 95% interval
/// (`_low`, `_high`), and the note as caption.
pub fn comparison_table(c: &ArticleComparison) -> Result<ShowTable> {
    let low = |i: Option<Interval>| i.map(|i| i.low);
    let high = |i: Option<Interval>| i.map(|i| i.high);
    let df = df!(
        "honored share" => ["assumed by the article", "measured from the records"],
        "p" => [Some(c.assumed_honored_share), c.measured_honored_share],
        "p_low" => [None, low(c.measured_interval)],
        "p_high" => [None, high(c.measured_interval)],
        "custody share" => [Some(c.custody_share_assumed), c.custody_share_measured],
        "custody_low" => [None, low(c.custody_share_measured_interval)],
        "custody_high" => [None, high(c.custody_share_measured_interval)],
    )?;
    Ok(ShowTable::new(
        df,
        format!(
            "The article's custody estimate (CAP + p x detainers) / hits, {} to {}, at the assumed and the measured honored share. {}",
            c.article_period.0, c.article_period.1, c.note
        ),
    )
    .with_percent(&[
        "p",
        "p_low",
        "p_high",
        "custody share",
        "custody_low",
        "custody_high",
    ]))
}
