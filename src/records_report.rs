//! The record-level path end to end: [`run_records`] scans and summarises,
//! [`record_tables`] and [`record_figures`] show the results, and
//! [`write_records_report`] writes `results.json`, `report.html`, figures and
//! tables, in the same layout as the summary report.

use crate::chart::{draw_bars, draw_monthly, render_svg, Figure, SIZE};
use crate::crosswalk::StatusCrosswalk;
use crate::display::{escape_html, fmt_count, fmt_number, fmt_percent, ShowTable};
use crate::error::{Error, Result};
use crate::population::{context, PopulationTable};
use crate::progress::{estimate_rows, Progress};
use crate::records::{scan_files_with, summarise, Filters, RecordResults, ScanEngine};
use crate::report::{write_file, write_results_tables_figures, Written, CSS};
use polars::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// Label used for a missing value in tables and charts (JSON keeps `null`).
pub const MISSING: &str = "(not recorded)";

/// Scan `files`, apply `filters`, map groups through `crosswalk` and add
/// population context from `population`. Shows a progress bar on a terminal
/// when `progress` is set. Reads with the default [`ScanEngine`].
pub fn run_records(
    files: &[PathBuf],
    filters: &Filters,
    crosswalk: &StatusCrosswalk,
    population: &PopulationTable,
    progress: bool,
) -> Result<RecordResults> {
    let engine = ScanEngine::default();
    run_records_with(engine, files, filters, crosswalk, population, progress)
}

/// [`run_records`] with a chosen [`ScanEngine`].
pub fn run_records_with(
    engine: ScanEngine,
    files: &[PathBuf],
    filters: &Filters,
    crosswalk: &StatusCrosswalk,
    population: &PopulationTable,
    progress: bool,
) -> Result<RecordResults> {
    let rows_seen = Arc::new(AtomicU64::new(0));
    let bar = progress.then(|| {
        let estimate = estimate_rows(files).unwrap_or(0);
        Progress::start("reading".into(), Arc::clone(&rows_seen), estimate)
    });
    let rows = progress.then(|| Arc::clone(&rows_seen));
    let scan = scan_files_with(engine, files, filters, rows);
    drop(bar);
    let scan = scan?;
    let mut results = summarise(&scan, filters, crosswalk);
    results.context = context(&results, population);
    Ok(results)
}

/// What the results cover, for captions: area, state and dates.
pub fn scope(results: &RecordResults) -> String {
    let f = &results.filters;
    let mut parts = Vec::new();
    parts.push(match &f.aor {
        Some(a) => format!("{} ({})", a.label, a.code),
        None => "all areas".to_string(),
    });
    if let Some(s) = &f.state {
        parts.push(format!("state {s}"));
    }
    match crate::records::period(results) {
        Some((a, b)) => parts.push(format!("{a} to {b}")),
        None => parts.push("no dated records".into()),
    }
    parts.join(", ")
}

/// [`scope`] with the area as its code, short enough for a chart title.
pub fn short_scope(results: &RecordResults) -> String {
    let f = &results.filters;
    let mut parts = vec![f
        .aor
        .as_ref()
        .map_or_else(|| "all areas".to_string(), |a| a.code.clone())];
    if let Some(s) = &f.state {
        parts.push(s.clone());
    }
    if let Some((a, b)) = crate::records::period(results) {
        parts.push(format!("{a} to {b}"));
    }
    parts.join(", ")
}

fn source_line(results: &RecordResults) -> String {
    let names: Vec<String> = results
        .files
        .iter()
        .map(|f| {
            Path::new(&f.path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| f.path.clone())
        })
        .collect();
    format!(
        "Source: ICE detainer records ({}); {} of {} rows used. Chart: detainers.",
        names.join(", "),
        fmt_count(results.rows_used),
        fmt_count(results.rows_read)
    )
}

fn label(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| MISSING.to_string())
}

/// Rows read, used and excluded by reason, and the declined share.
pub fn summary_table(r: &RecordResults) -> Result<ShowTable> {
    let mut what = vec!["rows read".to_string(), "rows used".to_string()];
    let mut rows = vec![r.rows_read, r.rows_used];
    for (reason, n) in &r.rows_excluded {
        what.push(format!("excluded: {reason}"));
        rows.push(*n);
    }
    what.push("duplicates used (--include-duplicates)".into());
    rows.push(r.duplicates_used);
    what.push("declined by LEA".into());
    rows.push(r.declined_by_lea.count);
    let df = df!("row count" => what, "rows" => rows)?;
    Ok(ShowTable::new(
        df,
        format!("Rows read, used and excluded; {}", scope(r)),
    ))
}

/// Detainers by the article's status groups (through the crosswalk).
pub fn status_group_table(r: &RecordResults) -> Result<ShowTable> {
    let total = r.rows_used.max(1) as f64;
    let df = df!(
        "status group" => r.by_status_group.iter().map(|g| g.group.clone()).collect::<Vec<_>>(),
        "detainers" => r.by_status_group.iter().map(|g| g.detainers).collect::<Vec<_>>(),
        "share" => r.by_status_group.iter().map(|g| g.detainers as f64 / total).collect::<Vec<_>>(),
    )?;
    Ok(ShowTable::new(
        df,
        format!(
            "Detainers by immigration-status group (crosswalk in data/crosswalk), {}",
            scope(r)
        ),
    )
    .with_percent(&["share"]))
}

/// Detainers by ICE case category.
pub fn case_category_table(r: &RecordResults) -> Result<ShowTable> {
    let df = df!(
        "case category" => r.by_case_category.iter().map(|c| label(&c.case_category)).collect::<Vec<_>>(),
        "detainers" => r.by_case_category.iter().map(|c| c.detainers).collect::<Vec<_>>(),
    )?;
    Ok(ShowTable::new(
        df,
        format!("Detainers by ICE case category, {}", scope(r)),
    ))
}

/// Detainers and declines per month.
pub fn month_table(r: &RecordResults) -> Result<ShowTable> {
    let df = df!(
        "month" => r.by_month.iter().map(|m| m.month.clone()).collect::<Vec<_>>(),
        "detainers" => r.by_month.iter().map(|m| m.detainers).collect::<Vec<_>>(),
        "declined by LEA" => r.by_month.iter().map(|m| m.declined_by_lea).collect::<Vec<_>>(),
        "declined share" => r.by_month.iter().map(|m| m.declined_share).collect::<Vec<_>>(),
    )?;
    Ok(ShowTable::new(
        df,
        format!(
            "Detainers prepared per month and those declined by the law-enforcement agency, {}",
            scope(r)
        ),
    )
    .with_percent(&["declined share"]))
}

/// Lift reasons.
pub fn lift_reason_table(r: &RecordResults) -> Result<ShowTable> {
    let total = r.rows_used.max(1) as f64;
    let df = df!(
        "lift reason" => r.lift_reasons.iter().map(|x| label(&x.reason)).collect::<Vec<_>>(),
        "detainers" => r.lift_reasons.iter().map(|x| x.count).collect::<Vec<_>>(),
        "share" => r.lift_reasons.iter().map(|x| x.count as f64 / total).collect::<Vec<_>>(),
    )?;
    Ok(ShowTable::new(
        df,
        format!(
            "Why detainers were lifted, {} ({MISSING}: not lifted yet, or no reason given)",
            scope(r)
        ),
    )
    .with_percent(&["share"]))
}

/// Detainers per 100,000 noncitizen residents (empty when no single area is selected).
pub fn context_table(r: &RecordResults) -> Result<ShowTable> {
    let c = r.context.as_ref();
    let df = df!(
        "area" => c.map(|c| c.aor.clone()).into_iter().collect::<Vec<_>>(),
        "detainers" => c.map(|_| r.rows_used).into_iter().collect::<Vec<_>>(),
        "noncitizen residents" => c.map(|c| c.noncitizen_population).into_iter().collect::<Vec<_>>(),
        "population year" => c.map(|c| c.population_year).into_iter().collect::<Vec<_>>(),
        "days" => c.map(|c| c.period_days).into_iter().collect::<Vec<_>>(),
        "per 100,000" => c.map(|c| c.detainers_per_100k).into_iter().collect::<Vec<_>>(),
        "per 100,000 per year" => c.map(|c| c.detainers_per_100k_per_year).into_iter().collect::<Vec<_>>(),
    )?;
    let caption = match c {
        Some(c) => format!("Detainers per 100,000 noncitizen residents. {}", c.note),
        None => "Detainers per 100,000 noncitizen residents: select one area (--aor) with a population row to compute it".to_string(),
    };
    Ok(ShowTable::new(df, caption))
}

/// Every table, by file stem.
pub fn record_tables(r: &RecordResults) -> Result<Vec<(&'static str, ShowTable)>> {
    Ok(vec![
        ("summary", summary_table(r)?),
        ("status_groups", status_group_table(r)?),
        ("case_categories", case_category_table(r)?),
        ("months", month_table(r)?),
        ("lift_reasons", lift_reason_table(r)?),
        ("context", context_table(r)?),
    ])
}

/// Detainers by status group.
pub fn figure_status_groups(r: &RecordResults) -> Result<Figure> {
    let title = format!("Detainers by immigration-status group, {}", scope(r));
    let caption = format!("Detainers by immigration-status group, {}", short_scope(r));
    let rows: Vec<(String, u64)> = r
        .by_status_group
        .iter()
        .map(|g| (g.group.clone(), g.detainers))
        .collect();
    let source = source_line(r);
    Ok(Figure {
        name: "status_groups",
        svg: render_svg(SIZE, |root| {
            draw_bars(root, &caption, &rows, "detainers", &source)
        })?,
        data: status_group_table(r)?.frame,
        title,
    })
}

/// Lift reasons.
pub fn figure_lift_reasons(r: &RecordResults) -> Result<Figure> {
    let title = format!("Why detainers were lifted, {}", scope(r));
    let caption = format!("Why detainers were lifted, {}", short_scope(r));
    let rows: Vec<(String, u64)> = r
        .lift_reasons
        .iter()
        .map(|x| (label(&x.reason), x.count))
        .collect();
    let source = source_line(r);
    let height = (140 + 34 * rows.len() as u32).max(260);
    Ok(Figure {
        name: "lift_reasons",
        svg: render_svg((SIZE.0, height), |root| {
            draw_bars(root, &caption, &rows, "detainers", &source)
        })?,
        data: lift_reason_table(r)?.frame,
        title,
    })
}

/// Detainers prepared per month.
pub fn figure_monthly_detainers(r: &RecordResults) -> Result<Figure> {
    let title = format!("Detainers prepared per month, {}", scope(r));
    let caption = format!("Detainers prepared per month, {}", short_scope(r));
    let months: Vec<String> = r.by_month.iter().map(|m| m.month.clone()).collect();
    let values: Vec<Option<f64>> = r
        .by_month
        .iter()
        .map(|m| Some(m.detainers as f64))
        .collect();
    let source = source_line(r);
    Ok(Figure {
        name: "monthly_detainers",
        svg: render_svg(SIZE, |root| {
            draw_monthly(
                root,
                &caption,
                &months,
                &values,
                "detainers",
                false,
                &source,
            )
        })?,
        data: month_table(r)?.frame,
        title,
    })
}

/// Share of each month's detainers declined by the law-enforcement agency.
pub fn figure_monthly_declined_share(r: &RecordResults) -> Result<Figure> {
    let title = format!(
        "Share of detainers declined by the law-enforcement agency, by month prepared, {}",
        scope(r)
    );
    let caption = format!(
        "Share of detainers declined by the law-enforcement agency, {}",
        short_scope(r)
    );
    let months: Vec<String> = r.by_month.iter().map(|m| m.month.clone()).collect();
    let values: Vec<Option<f64>> = r.by_month.iter().map(|m| m.declined_share).collect();
    let source = source_line(r);
    Ok(Figure {
        name: "monthly_declined_share",
        svg: render_svg(SIZE, |root| {
            draw_monthly(
                root,
                &caption,
                &months,
                &values,
                "declined share",
                true,
                &source,
            )
        })?,
        data: month_table(r)?.frame,
        title,
    })
}

/// Every chart, in report order.
pub fn record_figures(r: &RecordResults) -> Result<Vec<Figure>> {
    Ok(vec![
        figure_status_groups(r)?,
        figure_lift_reasons(r)?,
        figure_monthly_detainers(r)?,
        figure_monthly_declined_share(r)?,
    ])
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
        e(&scope(r))
    );
    h.push_str(&format!(
        "<h1>ICE detainer records: {}</h1>\n",
        e(&scope(r))
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
