//! The record-level path end to end: [`run_records`] scans and summarises,
//! [`record_tables`] and [`record_figures`] show the results, and
//! [`write_records_report`] writes `results.json`, `report.html`, figures and
//! tables, in the same layout as the summary report.

use super::crosswalk::StatusCrosswalk;
use super::engines::ScanEngine;
use super::figures::record_figures;
use super::filters::Filters;
use super::population::{context, PopulationTable};
use super::scan::scan_files;
use super::summary::{summarise, RecordResults};
use super::tables::{record_scope, record_tables};
use crate::error::{Error, Result};
use crate::render::figure::Figure;
use crate::render::format::{fmt_count, fmt_number, fmt_percent};
use crate::render::html::escape_html;
use crate::render::output::{write_file, write_results_tables_figures, Written};
use crate::render::page::CSS;
use crate::render::table::ShowTable;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// How [`run_records_with`] reads the files.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The engine that reads the files (both give the same results).
    pub engine: ScanEngine,
    /// When given, grows as rows are read, so a caller can draw progress.
    pub rows_seen: Option<Arc<AtomicU64>>,
}

/// Scan `files`, apply `filters`, map groups through `crosswalk` and add
/// population context from `population`, with the default [`RunOptions`].
///
/// # Errors
/// As [`run_records_with`].
pub fn run_records(
    files: &[PathBuf],
    filters: &Filters,
    crosswalk: &StatusCrosswalk,
    population: &PopulationTable,
) -> Result<RecordResults> {
    run_records_with(
        files,
        filters,
        crosswalk,
        population,
        &RunOptions::default(),
    )
}

/// [`run_records`] with a chosen engine and a progress counter.
///
/// # Errors
/// [`Error::Input`] naming the file (and line and column where there is one)
/// for a file that cannot be read as a detainer file.
pub fn run_records_with(
    files: &[PathBuf],
    filters: &Filters,
    crosswalk: &StatusCrosswalk,
    population: &PopulationTable,
    options: &RunOptions,
) -> Result<RecordResults> {
    let scan = scan_files(options.engine, files, filters, options.rows_seen.as_ref())?;
    let mut results = summarise(&scan, filters, crosswalk);
    results.context = context(&results, population);
    Ok(results)
}

/// Write `results.json`, `report.html`, `figures/` and `tables/` to `out_dir`.
///
/// # Errors
/// [`Error::Argument`] when `out_dir` holds one of the input files.
pub fn write_records_report(r: &RecordResults, out_dir: &Path) -> Result<Written> {
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
    let mut files = Vec::new();
    let tables = record_tables(r)?;
    let figures = record_figures(r)?;
    write_results_tables_figures(out_dir, r, &tables, &figures, &mut files)?;
    let html = render_html(r, &figures, &tables);
    write_file(out_dir, "report.html", html.as_bytes(), &mut files)?;
    Ok(Written {
        out_dir: out_dir.to_path_buf(),
        files,
    })
}

fn render_html(
    r: &RecordResults,
    figures: &[Figure],
    tables: &[(&'static str, ShowTable)],
) -> String {
    let e = escape_html;
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ICE detainer records: {}</title><style>{CSS}</style></head><body>\n",
        e(&record_scope(r))
    );
    h.push_str(&format!(
        "<h1>ICE detainer records: {}</h1>\n",
        e(&record_scope(r))
    ));
    h.push_str("<ul class=\"key\">\n");
    h.push_str(&format!(
        "<li>{} rows read from {} file(s); {} used.</li>\n",
        fmt_count(r.rows_read),
        r.files.len(),
        fmt_count(r.rows_used)
    ));
    let excluded: Vec<String> = r
        .rows_excluded
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| format!("{} {}", fmt_count(*n), k))
        .collect();
    if !excluded.is_empty() {
        h.push_str(&format!(
            "<li>Not used: {}.</li>\n",
            e(&excluded.join(", "))
        ));
    }
    let d = &r.declined_by_lea;
    if let Some(share) = d.share {
        let ci = d
            .share_interval
            .map(|i| {
                format!(
                    " (95% interval {} to {})",
                    fmt_percent(i.low, 1),
                    fmt_percent(i.high, 1)
                )
            })
            .unwrap_or_default();
        h.push_str(&format!(
            "<li>Declined by the law-enforcement agency: {} of {} ({}){}; detainers not lifted yet count in the denominator.</li>\n",
            fmt_count(d.count),
            fmt_count(r.rows_used),
            fmt_percent(share, 1),
            e(&ci)
        ));
    }
    if let Some(c) = &r.context {
        h.push_str(&format!(
            "<li>{} detainers per 100,000 noncitizen residents over {} days ({} per year). {}</li>\n",
            fmt_number(c.detainers_per_100k),
            c.period_days,
            fmt_number(c.detainers_per_100k_per_year),
            e(&c.note)
        ));
    }
    h.push_str("</ul>\n");
    for f in figures {
        h.push_str(&f.to_html());
    }
    for (_, t) in tables {
        h.push_str(&t.to_html());
    }
    h.push_str("<p class=\"note\">Status groups come from the crosswalk in data/crosswalk/status_groups.csv; each rule there says why. Labels are compared after collapsing whitespace; nothing else is changed.</p>\n</body></html>\n");
    h
}
