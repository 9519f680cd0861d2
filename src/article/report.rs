//! Report stage: `results.json` (the headline numbers, a public contract),
//! `report.html` (one self-contained page), `figures/*.svg` with their data as
//! CSV, and `tables/*.csv`. The only stage that writes files.

use super::analysis::{
    Analysis, CaseInWindow, Custody, GroupRate, OutcomeShare, PeriodStats, Totals, WindowFit,
};
use super::claims::{ClaimCheck, Verdict};
use super::figures::all_figures;
use super::model::{Assumptions, Dataset, Source};
use super::tables;
use crate::error::{Error, Result};
use crate::render::figure::Figure;
use crate::render::format::{fmt_count, fmt_interval, fmt_number, fmt_p_clause, fmt_percent};
use crate::render::html::http_url;
use crate::render::output::{OutputFiles, Written};
use crate::render::page::render_page;
use crate::render::table::ShowTable;
use crate::stats::{ChiSquareTest, Interval, CONFIDENCE};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The custody estimate as published in `results.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustodyResult {
    /// Honored share used.
    pub honored_share: f64,
    /// honored_share x detainers.
    pub honored_detainers: f64,
    /// CAP referrals + honored detainers.
    pub in_custody: f64,
    /// in_custody / hits.
    pub share: f64,
    /// hits - in_custody.
    pub not_in_custody: f64,
    /// not_in_custody / hits.
    pub not_in_custody_share: f64,
    /// Honored share at which the custody share reaches one half, if in 0..=1.
    pub honored_share_for_half: Option<f64>,
}

impl CustodyResult {
    fn new(c: &Custody, for_half: Option<f64>) -> Self {
        CustodyResult {
            honored_share: c.honored_share,
            honored_detainers: c.honored_detainers,
            in_custody: c.in_custody,
            share: c.share,
            not_in_custody: c.not_in_custody,
            not_in_custody_share: c.not_in_custody_share,
            honored_share_for_half: for_half,
        }
    }
}

/// Which dataset the results describe.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetInfo {
    /// `name` from `datapackage.json`.
    pub name: String,
    /// Title.
    pub title: String,
    /// Folder name.
    pub folder: String,
}

/// Counts of claims by verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerdictCount {
    /// Verdict.
    pub verdict: Verdict,
    /// Number of claims with it.
    pub count: usize,
}

/// `results.json`: every headline number. Rates and shares are fractions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Results {
    /// Which dataset.
    pub dataset: DatasetInfo,
    /// The study period.
    pub period: PeriodStats,
    /// Totals.
    pub totals: Totals,
    /// Custody estimate at the chosen honored share.
    pub custody: CustodyResult,
    /// Per-group rates.
    pub by_status: Vec<GroupRate>,
    /// Outcomes.
    pub dispositions: Vec<OutcomeShare>,
    /// Test of independence.
    pub independence: Option<ChiSquareTest>,
    /// Custody over honored shares 0..=1.
    pub sensitivity: Vec<Custody>,
    /// The claims ledger.
    pub claims: Vec<ClaimCheck>,
    /// Claims per verdict.
    pub verdict_counts: Vec<VerdictCount>,
    /// Case examples against the study period.
    pub cases: Vec<CaseInWindow>,
    /// The dataset's assumptions.
    pub assumptions: Assumptions,
    /// The dataset's sources.
    pub sources: Vec<Source>,
    /// Confidence level of every interval.
    pub confidence: f64,
    /// The program that wrote this.
    pub generator: String,
}

/// Gather the results of an analysis and its claims ledger.
pub fn build_results(dataset: &Dataset, a: &Analysis, claims: &[ClaimCheck]) -> Results {
    let mut verdict_counts: Vec<VerdictCount> = Vec::new();
    for c in claims {
        match verdict_counts.iter_mut().find(|v| v.verdict == c.verdict) {
            Some(v) => v.count += 1,
            None => verdict_counts.push(VerdictCount {
                verdict: c.verdict,
                count: 1,
            }),
        }
    }
    Results {
        dataset: DatasetInfo {
            name: dataset.meta.name.clone(),
            title: dataset.meta.title.clone(),
            folder: dataset.folder_name(),
        },
        period: a.period.clone(),
        totals: a.totals.clone(),
        custody: CustodyResult::new(&a.custody, a.honored_share_for_half),
        by_status: a.by_status.clone(),
        dispositions: a.dispositions.clone(),
        independence: a.independence.clone(),
        sensitivity: a.sensitivity.clone(),
        claims: claims.to_vec(),
        verdict_counts,
        cases: a.cases.clone(),
        assumptions: dataset.meta.assumptions.clone(),
        sources: dataset.meta.sources.clone(),
        confidence: CONFIDENCE,
        generator: format!("detainers {}", env!("CARGO_PKG_VERSION")),
    }
}

/// Analyse nothing, write everything: `results.json`, `report.html`,
/// `figures/*.svg` + `.csv` and `tables/*.csv` under `out_dir`.
///
/// # Errors
/// [`Error::Argument`] when `out_dir` is the dataset folder (inputs are never
/// overwritten); I/O errors naming the path.
pub fn write_report(
    dataset: &Dataset,
    a: &Analysis,
    claims: &[ClaimCheck],
    out_dir: &Path,
) -> Result<Written> {
    let same = |x: &Path, y: &Path| match (x.canonicalize(), y.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    };
    if same(out_dir, &dataset.dir) {
        return Err(Error::Argument(format!(
            "output folder {} is the dataset folder; input files are never overwritten",
            out_dir.display()
        )));
    }
    let results = build_results(dataset, a, claims);
    let shown = report_tables(dataset, a, claims)?;
    let figures = all_figures(dataset, a)?;
    let mut files = OutputFiles::default();
    files.add_results_tables_figures(&results, &shown, &figures)?;
    files.add(
        "report.html",
        render_html(dataset, a, claims, &figures, &shown)?,
    );
    files.write(out_dir)
}

/// The report's tables, by file stem.
pub fn report_tables(
    dataset: &Dataset,
    a: &Analysis,
    claims: &[ClaimCheck],
) -> Result<Vec<(&'static str, ShowTable)>> {
    let mut t = vec![
        ("status", tables::status_table(a)?),
        ("dispositions", tables::dispositions_table(a)?),
        ("custody_sensitivity", tables::sensitivity_table(a)?),
        ("independence", tables::independence_table(a)?),
    ];
    if !claims.is_empty() {
        t.push(("claims", tables::claims_table(claims)?));
    }
    if !dataset.cases.is_empty() {
        t.push(("cases", tables::cases_table(dataset, a)?));
    }
    Ok(t)
}

/// What the report page shows; `page.html` lays it out.
#[derive(Serialize)]
struct Page {
    title: String,
    description: Option<String>,
    period: String,
    key_figures: Vec<String>,
    figures: BTreeMap<&'static str, String>,
    tables: BTreeMap<&'static str, String>,
    assumption_quote: Option<String>,
    assumption_note: Option<String>,
    claims: Vec<ClaimRow>,
    cases: Option<String>,
    sources: Vec<SourceRow>,
    folder: String,
    version: &'static str,
}

/// One row of the claims ledger as shown.
#[derive(Serialize)]
struct ClaimRow {
    id: String,
    quote: String,
    note: Option<String>,
    verdict: String,
    verdict_label: &'static str,
    arithmetic: Option<&'static str>,
    explanation: String,
}

/// One source as shown: its address is a link only when it is http(s).
#[derive(Serialize)]
struct SourceRow {
    author: String,
    published: Option<String>,
    title: String,
    url: Option<String>,
    href: Option<String>,
    caveat: Option<String>,
}

fn key_figures(a: &Analysis) -> Vec<String> {
    let c = &a.custody;
    let mut items = vec![
        format!(
            "{} actionable hits; {} detainers issued ({}, 95% interval {}).",
            fmt_count(a.totals.hits),
            fmt_count(a.totals.detainers),
            fmt_percent(a.totals.detainer_rate, 1),
            match a.totals.ci_low.zip(a.totals.ci_high) {
                Some((low, high)) => fmt_interval(Some(Interval { low, high })),
                None => "n/a".into(),
            },
        ),
        format!(
            "Custody estimate at an honored share of {}: {} of {} ({}); not taken into custody: {}. With no detainer honored it would be {}; with all honored, {}.",
            fmt_number(c.honored_share),
            fmt_number(c.in_custody),
            fmt_count(a.totals.hits),
            fmt_percent(c.share, 1),
            fmt_number(c.not_in_custody),
            a.sensitivity.first().map_or("n/a".into(), |s| fmt_percent(s.share, 1)),
            a.sensitivity.last().map_or("n/a".into(), |s| fmt_percent(s.share, 1)),
        ),
    ];
    if let Some(p) = a.honored_share_for_half {
        items.push(format!(
            "The custody share reaches one half of hits at an honored share of {}.",
            fmt_number(p)
        ));
    }
    if let Some(t) = &a.independence {
        items.push(format!(
            "Detainer issuance and status group: chi-square {} with {} degrees of freedom, {}; Cram\u{e9}r's V {}; smallest expected count {}.",
            fmt_number(t.chi2),
            t.df,
            fmt_p_clause(t.p_value),
            fmt_number(t.cramers_v),
            fmt_number(t.min_expected)
        ));
    }
    items
}

fn render_html(
    dataset: &Dataset,
    a: &Analysis,
    claims: &[ClaimCheck],
    figures: &[Figure],
    shown: &[(&'static str, ShowTable)],
) -> Result<String> {
    let meta = &dataset.meta;
    let hs = &meta.assumptions.honored_share;
    let cases = (!dataset.cases.is_empty()).then(|| {
        let inside = a
            .cases
            .iter()
            .filter(|c| c.fit != WindowFit::Outside)
            .count();
        format!(
            "{} of {} case examples are dated (by month) inside or partly inside the study period; the others fall before it, so they are not among the period's hits.",
            inside,
            a.cases.len()
        )
    });
    let page = Page {
        title: meta.title.clone(),
        description: meta.description.clone(),
        period: format!(
            "Study period: {} to {} ({} days, {} weeks).",
            a.period.start,
            a.period.end,
            a.period.days,
            fmt_number(a.period.weeks)
        ),
        key_figures: key_figures(a),
        figures: figures.iter().map(|f| (f.name, f.to_html())).collect(),
        tables: shown.iter().map(|(n, t)| (*n, t.to_html())).collect(),
        assumption_quote: hs.quote.clone(),
        assumption_note: hs.note.clone(),
        claims: claims
            .iter()
            .map(|c| ClaimRow {
                id: c.id.clone(),
                quote: c.quote.clone(),
                note: c.note.clone(),
                verdict: serde_json::to_value(c.verdict)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                verdict_label: c.verdict.label(),
                arithmetic: c.arithmetic_verdict.map(Verdict::label),
                explanation: c.explanation.clone(),
            })
            .collect(),
        cases,
        sources: meta
            .sources
            .iter()
            .map(|s| SourceRow {
                author: s.author.clone().unwrap_or_default(),
                published: s.published.clone(),
                title: s.title.clone(),
                url: s.url.clone(),
                href: s.url.as_deref().and_then(http_url).map(str::to_owned),
                caveat: s.caveat.clone(),
            })
            .collect(),
        folder: dataset.folder_name(),
        version: env!("CARGO_PKG_VERSION"),
    };
    render_page("article/page.html", include_str!("page.html"), page)
}
