//! Every area at once: the outcomes of the detainers in each area of
//! responsibility, state or facility, counted in the same pass as the main
//! results, with each area's shares, intervals and, for areas of
//! responsibility, detainers per 100,000 noncitizen residents.
//!
//! `--by aor` and `--by state` set the area and state filters aside, so the
//! selected area can be seen among all the others; the period and the
//! duplicates policy still apply. `--by facility` keeps every filter: it
//! lists the facilities of the selection.

use crate::records::decide::lift_times::{LiftDays, LiftTime};
use crate::records::decide::outcomes::{outcome_counts, LiftOutcomes, Share};
use crate::records::decide::population::PopulationTable;
use crate::records::decide::tally::ReasonCount;
use crate::records::select::aor::{aor_table, normalise_label};
use crate::records::select::filters::Filters;
use crate::records::select::grouping::{By, GroupBy};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The outcomes of one area's detainers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AreaOutcomes {
    /// The area as in the data (whitespace normalised); `null` when missing.
    pub area: Option<String>,
    /// The area's code, for areas of responsibility in `data/crosswalk/aor.csv`.
    pub code: Option<String>,
    /// Whether this is the area or state the filters select.
    pub selected: bool,
    /// Detainers counted.
    pub detainers: u64,
    /// Detainers whose lift reason is read as a refusal.
    pub declined: u64,
    /// Detainers whose lift reason is read as ICE taking custody.
    pub custody: u64,
    /// Detainers resolved some other way.
    pub other_resolved: u64,
    /// Detainers with a lift reason the crosswalk does not list.
    pub unclassified: u64,
    /// Detainers with no lift reason yet.
    pub open: u64,
    /// Declined over detainers with a lift reason.
    pub declined_share: Share,
    /// Custody over detainers with a lift reason.
    pub custody_share: Share,
    /// `custody / (custody + declined)`.
    pub honored_share: Share,
    /// Detainers per 100,000 noncitizen residents over the period, for an
    /// area of responsibility with a population row.
    pub detainers_per_100k: Option<f64>,
    /// The population estimate's year, when there is one.
    pub population_year: Option<i32>,
    /// Days from prepare date to lift date per outcome class, for rows
    /// with a lift date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub time_to_lift: Vec<LiftTime>,
}

/// One area's rows as the summary gathers them.
#[derive(Debug, Default)]
pub(crate) struct AreaCounts {
    /// Rows per spelling of the area's label (whitespace normalised).
    pub(crate) labels: BTreeMap<String, u64>,
    /// Rows per lift reason (normalised; `None`: no reason).
    pub(crate) reasons: BTreeMap<Option<String>, u64>,
    /// Days to the lift date, per outcome class.
    pub(crate) lifts: LiftDays,
}

/// Counts per area, keyed by the label in lower case (`None`: missing).
pub(crate) type AreaReasons = BTreeMap<Option<String>, AreaCounts>;

/// Every area's outcomes, most detainers first. `period` is the first and
/// last day counted, for the population rate.
pub(crate) fn area_outcomes(
    reasons: AreaReasons,
    group: GroupBy,
    filters: &Filters,
    period: Option<(NaiveDate, NaiveDate)>,
    population: &PopulationTable,
    crosswalk: &LiftOutcomes,
) -> Vec<AreaOutcomes> {
    let aors = aor_table();
    let mut out: Vec<AreaOutcomes> = reasons
        .into_values()
        .map(|counts| {
            // The spelling with most rows (the first of equals) names the area.
            let area = counts
                .labels
                .iter()
                .fold(None::<(&String, u64)>, |best, (l, n)| match best {
                    Some((_, m)) if m >= *n => best,
                    _ => Some((l, *n)),
                })
                .map(|(l, _)| l.clone());
            let list: Vec<ReasonCount> = counts
                .reasons
                .into_iter()
                .map(|(reason, count)| ReasonCount { reason, count })
                .collect();
            let t = outcome_counts(&list, crosswalk);
            let with_reason = t.declined + t.custody + t.other_resolved + t.unclassified;
            let detainers = with_reason + t.open;
            let code = match (group.by, &area) {
                (By::Aor, Some(label)) => aors
                    .iter()
                    .find(|a| normalise_label(&a.label).eq_ignore_ascii_case(label))
                    .map(|a| a.code.clone()),
                _ => None,
            };
            let selected = match (group.by, &area) {
                (By::Aor, Some(label)) => filters
                    .aor
                    .as_ref()
                    .is_some_and(|a| normalise_label(&a.label).eq_ignore_ascii_case(label)),
                (By::State, Some(label)) => filters
                    .state
                    .as_ref()
                    .is_some_and(|s| normalise_label(s).eq_ignore_ascii_case(label)),
                _ => false,
            };
            let rate = code
                .as_deref()
                .zip(period)
                .and_then(|(code, (start, end))| {
                    let mid_year = chrono::Datelike::year(&(start + (end - start) / 2));
                    let row = population.nearest(code, mid_year)?;
                    let days = (end - start).num_days() + 1;
                    (row.noncitizen > 0.0 && days > 0)
                        .then(|| (detainers as f64 / row.noncitizen * 100_000.0, row.year))
                });
            AreaOutcomes {
                area,
                code,
                selected,
                detainers,
                declined: t.declined,
                custody: t.custody,
                other_resolved: t.other_resolved,
                unclassified: t.unclassified,
                open: t.open,
                declined_share: Share::new(t.declined, with_reason),
                custody_share: Share::new(t.custody, with_reason),
                honored_share: Share::new(t.custody, t.custody + t.declined),
                detainers_per_100k: rate.map(|r| r.0),
                population_year: rate.map(|r| r.1),
                time_to_lift: counts.lifts.times(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.detainers
            .cmp(&a.detainers)
            .then_with(|| a.area.cmp(&b.area))
    });
    out
}
