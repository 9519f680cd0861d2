//! Display stage, tables: the analysis as polars DataFrames, each with a
//! caption naming its unit, period and source. The same frames are written to
//! `tables/*.csv`, shown in notebooks and embedded in the report.

use super::analysis::{Analysis, GroupRate};
use super::claims::ClaimCheck;
use super::model::Dataset;
use crate::error::Result;
use crate::render::table::ShowTable;
use polars::prelude::*;

fn period_label(a: &Analysis) -> String {
    format!("{} to {}", a.period.start, a.period.end)
}

/// Hits, detainers, rate and 95% Wilson interval per status group, with the
/// printed percentage and whether it rounds correctly; the last row is the total.
pub fn status_table(a: &Analysis) -> Result<ShowTable> {
    let mut rows = a.by_status.clone();
    rows.push(GroupRate {
        status: "Total".into(),
        hits: a.totals.hits,
        detainers: a.totals.detainers,
        rate: Some(a.totals.detainer_rate),
        ci_low: a.totals.ci_low,
        ci_high: a.totals.ci_high,
        published_percent: a.totals.published_percent,
        published_matches: a.totals.published_matches,
    });
    let frame = df!(
        "status" => rows.iter().map(|r| r.status.clone()).collect::<Vec<_>>(),
        "hits" => rows.iter().map(|r| r.hits).collect::<Vec<_>>(),
        "detainers" => rows.iter().map(|r| r.detainers).collect::<Vec<_>>(),
        "rate" => rows.iter().map(|r| r.rate).collect::<Vec<_>>(),
        "ci_low" => rows.iter().map(|r| r.ci_low).collect::<Vec<_>>(),
        "ci_high" => rows.iter().map(|r| r.ci_high).collect::<Vec<_>>(),
        "published_percent" => rows.iter().map(|r| r.published_percent).collect::<Vec<_>>(),
        "published_matches" => rows.iter().map(|r| r.published_matches).collect::<Vec<_>>(),
    )?;
    Ok(ShowTable::new(
        frame,
        format!(
            "Hits and detainers by immigration status, {}; rate = detainers / hits with 95% Wilson interval",
            period_label(a)
        ),
    )
    .with_percent(&["rate", "ci_low", "ci_high"]))
}

/// How precise each group's rate is: the 95% interval's width and whether it
/// excludes the all-groups rate. Small groups have wide intervals, so a rate
/// far from the average can still be indistinguishable from it.
pub fn precision_table(a: &Analysis) -> Result<ShowTable> {
    let overall = a.totals.detainer_rate;
    let mut rows = a.by_status.clone();
    rows.sort_by_key(|g| g.hits);
    let frame = df!(
        "status" => rows.iter().map(|g| g.status.clone()).collect::<Vec<_>>(),
        "hits" => rows.iter().map(|g| g.hits).collect::<Vec<_>>(),
        "rate" => rows.iter().map(|g| g.rate).collect::<Vec<_>>(),
        "ci_low" => rows.iter().map(|g| g.ci_low).collect::<Vec<_>>(),
        "ci_high" => rows.iter().map(|g| g.ci_high).collect::<Vec<_>>(),
        "ci_width" => rows.iter().map(|g| Some(g.ci_high? - g.ci_low?)).collect::<Vec<_>>(),
        "differs_from_all_groups" => rows
            .iter()
            .map(|g| Some(g.ci_low? > overall || g.ci_high? < overall))
            .collect::<Vec<_>>(),
    )?;
    Ok(ShowTable::new(
        frame,
        format!(
            "Precision of each group's detainer rate, smallest group first: 95% Wilson interval, and whether it excludes the all-groups rate ({:.1}%)",
            overall * 100.0
        ),
    )
    .with_percent(&["rate", "ci_low", "ci_high", "ci_width"]))
}

/// ICE's response to the hits: count and share of all hits per outcome.
pub fn dispositions_table(a: &Analysis) -> Result<ShowTable> {
    let frame = df!(
        "outcome" => a.dispositions.iter().map(|d| d.outcome_key()).collect::<Vec<_>>(),
        "label" => a.dispositions.iter().map(|d| d.label.clone()).collect::<Vec<_>>(),
        "count" => a.dispositions.iter().map(|d| d.count).collect::<Vec<_>>(),
        "share_of_hits" => a.dispositions.iter().map(|d| d.share).collect::<Vec<_>>(),
    )?;
    Ok(ShowTable::new(
        frame,
        format!(
            "ICE's response to {} hits, {}",
            a.totals.hits,
            period_label(a)
        ),
    )
    .with_percent(&["share_of_hits"]))
}

/// The custody estimate over honored shares from 0 to 1.
pub fn sensitivity_table(a: &Analysis) -> Result<ShowTable> {
    let s = &a.sensitivity;
    let frame = df!(
        "honored_share" => s.iter().map(|c| c.honored_share).collect::<Vec<_>>(),
        "honored_detainers" => s.iter().map(|c| c.honored_detainers).collect::<Vec<_>>(),
        "in_custody" => s.iter().map(|c| c.in_custody).collect::<Vec<_>>(),
        "custody_share" => s.iter().map(|c| c.share).collect::<Vec<_>>(),
        "not_in_custody" => s.iter().map(|c| c.not_in_custody).collect::<Vec<_>>(),
    )?;
    Ok(ShowTable::new(
        frame,
        "Custody estimate by honored share p: in custody = CAP referrals + p x detainers",
    )
    .with_percent(&["custody_share"]))
}

/// The chi-square test of independence as a one-row table.
pub fn independence_table(a: &Analysis) -> Result<ShowTable> {
    let t = a.independence.as_ref();
    let frame = df!(
        "chi2" => [t.map(|t| t.chi2)],
        "df" => [t.map(|t| t.df)],
        "p_value" => [t.map(|t| t.p_value)],
        "cramers_v" => [t.map(|t| t.cramers_v)],
        "min_expected" => [t.map(|t| t.min_expected)],
        "n" => [t.map(|t| t.n)],
    )?;
    Ok(ShowTable::new(
        frame,
        "Pearson chi-square test of independence: status group x detainer issued (yes/no)",
    )
    .with_p_values(&["p_value"]))
}

/// The claims ledger: quote, verdict and arithmetic.
pub fn claims_table(checks: &[ClaimCheck]) -> Result<ShowTable> {
    let frame = df!(
        "id" => checks.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
        "quote" => checks.iter().map(|c| c.quote.clone()).collect::<Vec<_>>(),
        "verdict" => checks.iter().map(|c| c.verdict.label()).collect::<Vec<_>>(),
        "arithmetic" => checks.iter().map(|c| c.arithmetic_verdict.map(|v| v.label())).collect::<Vec<_>>(),
        "claimed" => checks.iter().map(|c| c.claimed).collect::<Vec<_>>(),
        "measured" => checks.iter().map(|c| c.measured).collect::<Vec<_>>(),
        "explanation" => checks.iter().map(|c| c.explanation.clone()).collect::<Vec<_>>(),
    )?;
    Ok(ShowTable::new(
        frame,
        "Claims ledger: each claim quoted verbatim, with the verdict a rule computes from the data",
    ))
}

/// How many claims got each verdict.
pub fn verdict_counts_table(checks: &[ClaimCheck]) -> Result<ShowTable> {
    let mut counts: Vec<(&'static str, u32)> = Vec::new();
    for c in checks {
        let label = c.verdict.label();
        match counts.iter_mut().find(|(l, _)| *l == label) {
            Some((_, n)) => *n += 1,
            None => counts.push((label, 1)),
        }
    }
    let frame = df!(
        "verdict" => counts.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
        "claims" => counts.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
    )?;
    Ok(ShowTable::new(
        frame,
        format!("Verdicts over {} claims", checks.len()),
    ))
}

/// Case examples and where each falls against the study period.
pub fn cases_table(dataset: &Dataset, a: &Analysis) -> Result<ShowTable> {
    let c = &dataset.cases;
    let frame = df!(
        "id" => c.iter().map(|x| x.id.clone()).collect::<Vec<_>>(),
        "month" => a.cases.iter().map(|x| x.month.clone()).collect::<Vec<_>>(),
        "in_study_period" => a.cases.iter().map(|x| x.fit.label()).collect::<Vec<_>>(),
        "days_inside" => a.cases.iter().map(|x| x.days_inside).collect::<Vec<_>>(),
        "citizenship" => c.iter().map(|x| x.citizenship.clone()).collect::<Vec<_>>(),
        "place" => c.iter().map(|x| x.place.clone()).collect::<Vec<_>>(),
        "charge" => c.iter().map(|x| x.charge.clone()).collect::<Vec<_>>(),
        "agency" => c.iter().map(|x| x.agency.clone()).collect::<Vec<_>>(),
        "status_when_reported" => c.iter().map(|x| x.status_when_reported.clone()).collect::<Vec<_>>(),
    )?;
    Ok(ShowTable::new(
        frame,
        format!(
            "Case examples described in the source, against the study period {}",
            period_label(a)
        ),
    ))
}
