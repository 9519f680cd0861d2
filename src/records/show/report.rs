//! The record-level path end to end: [`run_records`] scans and summarises,
//! [`record_tables`] and [`record_figures`] show the results, and
//! [`write_records_report`] writes `results.json`, `report.html`, figures and
//! tables, in the same layout as the summary report.

use crate::error::{Error, Result};
use crate::records::decide::summary::RecordResults;
use crate::records::show::figures::record_figures;
use crate::records::show::tables::{record_scope, record_tables};
use crate::render::figure::Figure;
use crate::render::format::{fmt_count, fmt_interval, fmt_number, fmt_percent};
use crate::render::output::{OutputFiles, Written};
use crate::render::page::render_page;
use crate::render::table::ShowTable;
use crate::stats::Interval;
use serde::Serialize;
use std::path::Path;

/// What another part of the crate adds to a records report, without the
/// records pipeline knowing what it is: top-level keys of `results.json`,
/// sentences among the key figures, and tables (written to `tables/` and
/// shown on the page after the records' own).
#[derive(Debug, Clone, Default)]
pub struct ReportAddition {
    /// Keys added to `results.json`; a key the results already have is refused.
    pub json: Vec<(String, serde_json::Value)>,
    /// Sentences added to the key figures.
    pub key_figures: Vec<String>,
    /// Tables, by file stem.
    pub tables: Vec<(&'static str, ShowTable)>,
}

/// Write `results.json`, `report.html`, `figures/` and `tables/` to `out_dir`.
///
/// # Errors
/// [`Error::Argument`] when `out_dir` holds one of the input files.
pub fn write_records_report(r: &RecordResults, out_dir: &Path) -> Result<Written> {
    write_records_report_with(r, &ReportAddition::default(), out_dir)
}

/// [`write_records_report`] with `addition` in the files and on the page.
///
/// # Errors
/// As [`write_records_report`]; [`Error::Output`] when an added key is
/// already a key of the results.
pub fn write_records_report_with(
    r: &RecordResults,
    addition: &ReportAddition,
    out_dir: &Path,
) -> Result<Written> {
    let out_canon = out_dir.canonicalize().ok();
    for f in &r.files {
        let parent = Path::new(&f.path)
            .canonicalize()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        if out_canon.is_some() && parent == out_canon {
            return Err(Error::Argument(format!(
                "output folder {} holds the input file {}; input files are never overwritten",
                out_dir.display(),
                f.path
            )));
        }
    }
    let mut tables = record_tables(r)?;
    tables.extend(addition.tables.iter().cloned());
    let figures = record_figures(r)?;
    let own = serde_json::to_value(r)?;
    for (key, _) in &addition.json {
        if own.get(key).is_some() {
            return Err(Error::output(format!(
                "results.json already has a key '{key}'"
            )));
        }
    }
    let json = WithAddition {
        results: r,
        added: addition.json.iter().map(|(k, v)| (k.as_str(), v)).collect(),
    };
    let mut files = OutputFiles::default();
    files.add_results_tables_figures(&json, &tables, &figures)?;
    files.add(
        "report.html",
        render_html(r, &addition.key_figures, &figures, &tables)?,
    );
    files.write(out_dir)
}

/// `results.json`: the results' keys in their order, then the added ones.
#[derive(Serialize)]
struct WithAddition<'a> {
    #[serde(flatten)]
    results: &'a RecordResults,
    #[serde(flatten)]
    added: std::collections::BTreeMap<&'a str, &'a serde_json::Value>,
}

/// What the records page shows; `page.html` lays it out.
#[derive(Serialize)]
struct Page {
    title: String,
    key_figures: Vec<String>,
    figures: Vec<String>,
    tables: Vec<String>,
}

/// " (95% interval a to b)", or nothing when there is no interval.
fn interval_text(interval: Option<Interval>) -> String {
    match interval {
        Some(_) => format!(" (95% interval {})", fmt_interval(interval)),
        None => String::new(),
    }
}

fn render_html(
    r: &RecordResults,
    added_figures: &[String],
    figures: &[Figure],
    tables: &[(&'static str, ShowTable)],
) -> Result<String> {
    let mut key_figures = vec![format!(
        "{} rows read from {} file(s); {} used.",
        fmt_count(r.rows_read),
        r.files.len(),
        fmt_count(r.rows_used)
    )];
    let excluded: Vec<String> = r
        .rows_excluded
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| format!("{} {}", fmt_count(*n), k))
        .collect();
    if !excluded.is_empty() {
        key_figures.push(format!("Not used: {}.", excluded.join(", ")));
    }
    if !r.missing_columns.is_empty() {
        let lacking: Vec<&str> = r
            .missing_columns
            .iter()
            .map(|m| m.column.as_str())
            .collect();
        key_figures.push(format!(
            "The files lack {} of the columns the analysis reads: {}. What each absence costs is in the table of missing columns.",
            lacking.len(),
            lacking.join(", ")
        ));
    }
    let d = &r.declined_by_lea;
    if let Some(share) = d.share {
        let ci = interval_text(d.share_interval);
        key_figures.push(format!(
            "Declined by the law-enforcement agency: {} of {} ({}){ci}; detainers not lifted yet count in the denominator.",
            fmt_count(d.count),
            fmt_count(r.rows_used),
            fmt_percent(share, 1),
        ));
    }
    let o = &r.outcomes;
    if let Some(share) = o.honored_share.share {
        let ci = interval_text(o.honored_share.interval);
        key_figures.push(format!(
            "Honored share among detainers resolved either way, custody / (custody + declined): {} of {} ({}){ci}. Outcome classes from {}; {} detainers have no lift reason yet and {} have one the crosswalk does not list.",
            fmt_count(o.honored_share.count),
            fmt_count(o.honored_share.of),
            fmt_percent(share, 1),
            o.crosswalk,
            fmt_count(o.open),
            fmt_count(o.unclassified),
        ));
    }
    if let Some(c) = &r.context {
        key_figures.push(format!(
            "{} detainers per 100,000 noncitizen residents over {} days ({} per year). {}",
            fmt_number(c.detainers_per_100k),
            c.period_days,
            fmt_number(c.detainers_per_100k_per_year),
            c.note
        ));
    }
    key_figures.extend(added_figures.iter().cloned());
    let page = Page {
        title: format!("ICE detainer records: {}", record_scope(r)),
        key_figures,
        figures: figures.iter().map(Figure::to_html).collect(),
        // A table without rows is written as CSV but not drawn on the page
        // (an empty grid under its caption says nothing the key figures do
        // not).
        tables: tables
            .iter()
            .filter(|(_, t)| t.frame.height() > 0)
            .map(|(_, t)| t.to_html())
            .collect(),
    };
    render_page("records/page.html", include_str!("page.html"), page)
}
