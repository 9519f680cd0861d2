//! Compute stage: detainer rates, intervals, the custody estimate and its
//! sensitivity, the test of independence, the study period and the case
//! examples against it. Pure functions of a [`Dataset`]; no I/O.

use super::model::{CaseExample, Dataset, Outcome, Period};
use crate::error::{Error, Result};
use crate::stats::{chi_square_independence, wilson_interval, ChiSquareTest, Interval, CONFIDENCE};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// Step of the honored-share grid in the sensitivity table.
pub const SENSITIVITY_STEP: f64 = 0.05;

/// Detainer rate for one status group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRate {
    /// Group name.
    pub status: String,
    /// Hits.
    pub hits: u64,
    /// Detainers.
    pub detainers: u64,
    /// Detainers / hits (`None` when there are no hits).
    pub rate: Option<f64>,
    /// 95% Wilson interval, lower bound.
    pub ci_low: Option<f64>,
    /// 95% Wilson interval, upper bound.
    pub ci_high: Option<f64>,
    /// The percentage the source printed.
    pub published_percent: Option<f64>,
    /// Whether the recomputed rate rounds to the printed percentage.
    pub published_matches: Option<bool>,
}

impl GroupRate {
    fn new(status: &str, hits: u64, detainers: u64, published_percent: Option<f64>) -> Self {
        let rate = (hits > 0).then(|| detainers as f64 / hits as f64);
        let ci = wilson_interval(detainers, hits, CONFIDENCE);
        GroupRate {
            status: status.to_owned(),
            hits,
            detainers,
            rate,
            ci_low: ci.map(|c| c.low),
            ci_high: ci.map(|c| c.high),
            published_matches: match (rate, published_percent) {
                (Some(r), Some(printed)) => Some(rounds_to(r * 100.0, printed)),
                _ => None,
            },
            published_percent,
        }
    }

    /// The interval as a pair, when there is one.
    pub fn interval(&self) -> Option<Interval> {
        Some(Interval {
            low: self.ci_low?,
            high: self.ci_high?,
        })
    }
}

/// Number of decimals in a printed number (`61` has 0, `47.8` has 1).
pub fn printed_decimals(printed: f64) -> u32 {
    decimals(&format!("{printed}"))
}

/// Round half away from zero to `decimals` places.
pub fn round_to(value: f64, decimals: u32) -> f64 {
    let scale = 10f64.powi(decimals as i32);
    (value * scale).round() / scale
}

/// Does `value` round to `printed` at the printed number's precision?
///
/// ```
/// use detainers::article::rounds_to;
/// assert!(rounds_to(60.714, 61.0));
/// assert!(!rounds_to(60.714, 60.0));
/// assert!(rounds_to(47.807, 47.8));
/// ```
pub fn rounds_to(value: f64, printed: f64) -> bool {
    (round_to(value, printed_decimals(printed)) - printed).abs() < 1e-9
}

/// The custody estimate for one honored share.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Custody {
    /// Share of detainers assumed to lead to ICE custody (0..=1).
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
}

/// `(CAP + p x detainers) / hits` and its complement.
///
/// ```
/// let c = detainers::article::custody_estimate(110, 216, 456, 0.5);
/// assert_eq!((c.in_custody, c.not_in_custody), (218.0, 238.0));
/// ```
pub fn custody_estimate(cap: u64, detainers: u64, hits: u64, honored_share: f64) -> Custody {
    let honored_detainers = honored_share * detainers as f64;
    let in_custody = cap as f64 + honored_detainers;
    let hits_f = hits as f64;
    let share = if hits > 0 {
        in_custody / hits_f
    } else {
        f64::NAN
    };
    Custody {
        honored_share,
        honored_detainers,
        in_custody,
        share,
        not_in_custody: hits_f - in_custody,
        not_in_custody_share: 1.0 - share,
    }
}

/// The honored share at which the custody share equals `target`, if one in 0..=1 does.
pub fn honored_share_for_custody_share(
    cap: u64,
    detainers: u64,
    hits: u64,
    target: f64,
) -> Option<f64> {
    if detainers == 0 {
        return None;
    }
    let p = (target * hits as f64 - cap as f64) / detainers as f64;
    (0.0..=1.0).contains(&p).then_some(p)
}

/// The study period, counted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodStats {
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Days, counting both ends.
    pub days: i64,
    /// days / 7.
    pub weeks: f64,
    /// Hits per week.
    pub hits_per_week: f64,
}

/// Days and weeks in a period (both ends counted), and hits per week.
pub fn period_stats(period: &Period, hits: u64) -> PeriodStats {
    let days = (period.end - period.start).num_days() + 1;
    let weeks = days as f64 / 7.0;
    PeriodStats {
        start: period.start,
        end: period.end,
        days,
        weeks,
        hits_per_week: hits as f64 / weeks,
    }
}

/// Where a case example's month falls against the study period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowFit {
    /// The whole month lies inside the period.
    Inside,
    /// Part of the month lies inside the period (the source gives only the month).
    Partly,
    /// No day of the month lies inside the period.
    Outside,
}

impl WindowFit {
    /// Words for a table.
    pub fn label(self) -> &'static str {
        match self {
            WindowFit::Inside => "inside",
            WindowFit::Partly => "partly inside",
            WindowFit::Outside => "outside",
        }
    }
}

/// A case example placed against the study period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseInWindow {
    /// Case id.
    pub id: String,
    /// Month, `YYYY-MM`.
    pub month: String,
    /// Inside, partly inside or outside.
    pub fit: WindowFit,
    /// Days of the month inside the period.
    pub days_inside: i64,
    /// Days in the month.
    pub days_in_month: i64,
}

fn last_day_of_month(first: NaiveDate) -> NaiveDate {
    let (y, m) = if first.month() == 12 {
        (first.year() + 1, 1)
    } else {
        (first.year(), first.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).expect("valid month") - chrono::Duration::days(1)
}

/// Place one case example (dated to a month) against the period.
pub fn case_in_window(case: &CaseExample, period: &Period) -> CaseInWindow {
    let first = case.month;
    let last = last_day_of_month(first);
    let overlap_start = first.max(period.start);
    let overlap_end = last.min(period.end);
    let days_inside = ((overlap_end - overlap_start).num_days() + 1).max(0);
    let days_in_month = (last - first).num_days() + 1;
    let fit = if days_inside == days_in_month {
        WindowFit::Inside
    } else if days_inside > 0 {
        WindowFit::Partly
    } else {
        WindowFit::Outside
    };
    CaseInWindow {
        id: case.id.clone(),
        month: first.format("%Y-%m").to_string(),
        fit,
        days_inside,
        days_in_month,
    }
}

/// Totals over all groups.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    /// Hits.
    pub hits: u64,
    /// Detainers.
    pub detainers: u64,
    /// Detainers / hits.
    pub detainer_rate: f64,
    /// 95% Wilson interval, lower bound.
    pub ci_low: Option<f64>,
    /// 95% Wilson interval, upper bound.
    pub ci_high: Option<f64>,
    /// The percentage printed on the source's total row.
    pub published_percent: Option<f64>,
    /// Whether the recomputed rate rounds to it.
    pub published_matches: Option<bool>,
}

/// One outcome with its share of hits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeShare {
    /// Outcome key.
    pub outcome: Outcome,
    /// Readable label.
    pub label: String,
    /// Count.
    pub count: u64,
    /// count / hits.
    pub share: f64,
}

impl OutcomeShare {
    /// The outcome's key as written in `dispositions.csv`.
    pub fn outcome_key(&self) -> &'static str {
        self.outcome.key()
    }
}

/// Everything computed from a dataset at one honored share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// The study period.
    pub period: PeriodStats,
    /// Totals.
    pub totals: Totals,
    /// Detainer rate per group, in file order.
    pub by_status: Vec<GroupRate>,
    /// Outcomes and their shares.
    pub dispositions: Vec<OutcomeShare>,
    /// The custody estimate at the chosen honored share.
    pub custody: Custody,
    /// The honored share at which custody reaches half of hits, if in 0..=1.
    pub honored_share_for_half: Option<f64>,
    /// The custody estimate over a grid of honored shares.
    pub sensitivity: Vec<Custody>,
    /// Chi-square test of independence between group and detainer issuance.
    pub independence: Option<ChiSquareTest>,
    /// Case examples against the period.
    pub cases: Vec<CaseInWindow>,
}

/// Analyse a dataset with an honored share in 0..=1.
///
/// # Errors
/// [`Error::Argument`] when the honored share is outside 0..=1 or not a number.
pub fn analyse(dataset: &Dataset, honored_share: f64) -> Result<Analysis> {
    if !(0.0..=1.0).contains(&honored_share) {
        return Err(Error::Argument(format!(
            "honored share {honored_share} is not between 0 and 1"
        )));
    }
    let status = &dataset.status;
    let hits = status.total_hits();
    let detainers = status.total_detainers();
    let cap = dataset.dispositions.count(Outcome::ReferredToCap);

    let by_status: Vec<GroupRate> = status
        .rows
        .iter()
        .map(|r| GroupRate::new(&r.status, r.hits, r.detainers, r.published_percent))
        .collect();
    let overall = GroupRate::new(
        "Total",
        hits,
        detainers,
        status
            .printed_total
            .as_ref()
            .and_then(|t| t.published_percent),
    );
    let totals = Totals {
        hits,
        detainers,
        detainer_rate: overall.rate.unwrap_or(f64::NAN),
        ci_low: overall.ci_low,
        ci_high: overall.ci_high,
        published_percent: overall.published_percent,
        published_matches: overall.published_matches,
    };

    let steps = (1.0 / SENSITIVITY_STEP).round() as u32;
    let sensitivity = (0..=steps)
        .map(|i| custody_estimate(cap, detainers, hits, f64::from(i) / f64::from(steps)))
        .collect();

    let contingency: Vec<Vec<u64>> = status
        .rows
        .iter()
        .map(|r| vec![r.detainers, r.hits - r.detainers])
        .collect();

    Ok(Analysis {
        period: period_stats(&dataset.meta.period, hits),
        totals,
        by_status,
        dispositions: dataset
            .dispositions
            .rows
            .iter()
            .map(|d| OutcomeShare {
                outcome: d.outcome,
                label: d.label.clone(),
                count: d.count,
                share: d.count as f64 / hits as f64,
            })
            .collect(),
        custody: custody_estimate(cap, detainers, hits, honored_share),
        honored_share_for_half: honored_share_for_custody_share(cap, detainers, hits, 0.5),
        sensitivity,
        independence: chi_square_independence(&contingency),
        cases: dataset
            .cases
            .iter()
            .map(|c| case_in_window(c, &dataset.meta.period))
            .collect(),
    })
}

/// Count the decimal places of a number as printed (`47.8` has 1).
pub(crate) fn decimals(printed: &str) -> u32 {
    printed
        .split_once('.')
        .map_or(0, |(_, frac)| frac.len() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(start: &str, end: &str) -> Period {
        Period {
            start: start.parse().unwrap(),
            end: end.parse().unwrap(),
            quote: None,
        }
    }

    #[test]
    fn the_article_period_is_73_days() {
        let s = period_stats(&period("2018-03-19", "2018-05-30"), 456);
        assert_eq!(s.days, 73);
        assert!((s.weeks - 10.428_571).abs() < 1e-6);
        assert!((s.hits_per_week - 43.726).abs() < 1e-3);
    }

    #[test]
    fn custody_at_the_article_assumption_and_at_the_edges() {
        let c = custody_estimate(110, 216, 456, 0.5);
        assert_eq!(c.honored_detainers, 108.0);
        assert_eq!(c.in_custody, 218.0);
        assert_eq!(c.not_in_custody, 238.0);
        assert!((c.share - 0.478_07).abs() < 1e-5);
        assert_eq!(custody_estimate(110, 216, 456, 0.0).in_custody, 110.0);
        assert_eq!(custody_estimate(110, 216, 456, 1.0).in_custody, 326.0);
    }

    #[test]
    fn custody_reaches_half_at_an_honored_share_of_0_546() {
        let p = honored_share_for_custody_share(110, 216, 456, 0.5).unwrap();
        assert!((p - 118.0 / 216.0).abs() < 1e-12);
        assert_eq!(honored_share_for_custody_share(110, 216, 456, 0.9), None);
    }

    #[test]
    fn case_months_against_the_window() {
        let p = period("2018-03-19", "2018-05-30");
        let case = |m: &str| CaseExample {
            id: m.into(),
            month: format!("{m}-01").parse().unwrap(),
            citizenship: None,
            place: None,
            charge: None,
            agency: None,
            what_happened: None,
            status_when_reported: None,
            immigration_history: None,
            quote: String::new(),
        };
        assert_eq!(case_in_window(&case("2018-04"), &p).fit, WindowFit::Inside);
        let may = case_in_window(&case("2018-05"), &p);
        assert_eq!(
            (may.fit, may.days_inside, may.days_in_month),
            (WindowFit::Partly, 30, 31)
        );
        let march = case_in_window(&case("2018-03"), &p);
        assert_eq!((march.fit, march.days_inside), (WindowFit::Partly, 13));
        assert_eq!(case_in_window(&case("2018-02"), &p).fit, WindowFit::Outside);
        assert_eq!(case_in_window(&case("2017-12"), &p).days_inside, 0);
    }

    #[test]
    fn rounding_uses_the_printed_precision() {
        assert!(rounds_to(69.697, 70.0));
        assert!(rounds_to(26.724, 27.0));
        assert!(!rounds_to(47.807, 47.0));
        assert!(rounds_to(10.428, 10.0));
    }

    #[test]
    fn decimals_follow_the_printed_number() {
        assert_eq!(decimals("48"), 0);
        assert_eq!(decimals("47.8"), 1);
        assert_eq!(decimals("0.478"), 3);
    }
}
