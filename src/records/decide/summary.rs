//! The summary stage: counted combinations into every table of
//! [`RecordResults`], with labels normalised (whitespace only), records mapped
//! to the article's groups through the crosswalk, and every row read either
//! used or counted under a reason.

use crate::error::Result;
use crate::records::count::counts::Combination;
use crate::records::count::reasons::Exclusion;
use crate::records::count::scan::Scan;
use crate::records::decide::areas::{area_outcomes, AreaOutcomes, AreaReasons};
use crate::records::decide::duplicates::{resolve_duplicates, DuplicateCounts, Known};
use crate::records::decide::events::{event_splits, Event, EventSplit};
use crate::records::decide::lift_times::{LiftDays, LiftTime};
use crate::records::decide::outcomes::{classify_outcomes, FollowUp, OutcomeClass, Outcomes};
use crate::records::decide::population::{context, PopulationContext};
use crate::records::decide::status::{StatusFields, ARTICLE_GROUPS, NOT_MAPPED, UNKNOWN_STATUS};
use crate::records::decide::tally::{MonthCount, ReasonCount};
use crate::records::decide::Inputs;
use crate::records::read::dates::day_key;
use crate::records::read::schema::{
    is_flagged, missing_effect, FileInfo, COLUMNS, DECLINED_BY_LEA,
};
use crate::records::select::aor::normalise_label;
use crate::records::select::filters::Filters;
use crate::records::select::follow_up::FollowUpOptions;
use crate::records::select::grouping::GroupBy;
use crate::records::select::request_type::RequestChoice;
use crate::records::select::request_types::{RequestKind, RequestTypes};
use crate::stats::{wilson_interval, Interval, CONFIDENCE};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Detainers in one status group.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GroupCount {
    /// One of the article's six groups, or `Not mapped`.
    pub group: String,
    /// Detainers used in this group.
    pub detainers: u64,
}

/// Detainers in one ICE case category.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CategoryCount {
    /// The case category (normalised); `null` when missing.
    pub case_category: Option<String>,
    /// Detainers used in this category.
    pub detainers: u64,
}

/// Detainers declined by the law-enforcement agency.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Declined {
    /// Detainers lifted as "Detainer Declined by LEA".
    pub count: u64,
    /// `count / rows_used` (a detainer not yet lifted counts in the
    /// denominator; rows of a file without a lift-reason column do not);
    /// `null` when no such rows are used.
    pub share: Option<f64>,
    /// 95% Wilson interval for the share, treating detainers as independent.
    pub share_interval: Option<Interval>,
}

/// A column the analysis reads that some files lack, and what its absence
/// costs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MissingColumn {
    /// The column, by its canonical name.
    pub column: String,
    /// The files without it.
    pub files: Vec<String>,
    /// What cannot be computed, or is computed without it.
    pub effect: String,
}

/// Every column some file lacks, with its files and what its absence costs.
fn missing_columns(files: &[FileInfo]) -> Vec<MissingColumn> {
    COLUMNS
        .iter()
        .filter_map(|column| {
            let lacking: Vec<String> = files
                .iter()
                .filter(|f| f.missing.iter().any(|m| m == column))
                .map(|f| f.path.clone())
                .collect();
            (!lacking.is_empty()).then(|| MissingColumn {
                column: column.to_string(),
                files: lacking,
                effect: missing_effect(column).to_string(),
            })
        })
        .collect()
}

/// Everything `detainers records` computes; written as `results.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RecordResults {
    /// Files read.
    pub files: Vec<FileInfo>,
    /// Columns the analysis reads that some files lack, and what each
    /// absence costs.
    #[serde(default)]
    pub missing_columns: Vec<MissingColumn>,
    /// Filters applied.
    pub filters: Filters,
    /// Data rows in all files.
    pub rows_read: u64,
    /// Rows used in every table below.
    pub rows_used: u64,
    /// Rows not used, by reason (every reason listed, zero or not).
    pub rows_excluded: BTreeMap<String, u64>,
    /// Rows flagged `duplicate_likely` that are used (none under `--duplicates exclude`).
    pub duplicates_used: u64,
    /// Flagged rows that pass every other filter, and the rows each
    /// duplicates policy would use.
    pub duplicates: DuplicateCounts,
    /// Detainers per status group: the article's six, then `Not mapped`,
    /// then `Unknown status`.
    pub by_status_group: Vec<GroupCount>,
    /// Detainers per case category, most first.
    pub by_case_category: Vec<CategoryCount>,
    /// Detainers per month, every month from the first to the last.
    pub by_month: Vec<MonthCount>,
    /// Lift reasons, most first.
    pub lift_reasons: Vec<ReasonCount>,
    /// Detainers declined by the law-enforcement agency.
    pub declined_by_lea: Declined,
    /// Outcomes by lift reason (`data/crosswalk/lift_outcomes.csv`), the
    /// declined and custody shares over two denominators, and the honored
    /// share among resolved detainers.
    pub outcomes: Outcomes,
    /// Detainers per 100,000 noncitizen residents, when one area is selected.
    pub context: Option<PopulationContext>,
    /// The grouping of `by_area`, when one was asked for.
    pub by: Option<GroupBy>,
    /// Every area's (or state's, or facility's) outcomes, most detainers
    /// first; empty without a grouping.
    pub by_area: Vec<AreaOutcomes>,
    /// Policy events of the selected area or state
    /// (`data/context/events.csv`) within the months counted.
    pub events: Vec<Event>,
    /// The months before and after each of those events with months on
    /// both sides: descriptive, not causal.
    pub event_splits: Vec<EventSplit>,
    /// The request types read, and the outcomes of each side by side.
    #[serde(default)]
    pub request_types: RequestTypeSummary,
    /// Days from prepare date to lift date per outcome class, for rows
    /// with a lift date; empty when no file has one.
    #[serde(default)]
    pub time_to_lift: Vec<LiftTime>,
}

/// The outcomes of one kind of request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RequestTypeOutcomes {
    /// The kind.
    pub request_type: RequestKind,
    /// The kind in words.
    pub label: String,
    /// Detainers of this kind that pass every other filter (after the
    /// duplicates policy).
    pub detainers: u64,
    /// Their outcomes, denominators and honored share.
    pub outcomes: Outcomes,
}

/// A raw value and how many rows carry it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ValueCount {
    /// The value as written (whitespace normalised).
    pub value: String,
    /// Rows.
    pub rows: u64,
}

/// Which request types a run read, and why.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RequestTypeSummary {
    /// `--request-type` as given.
    pub asked: RequestChoice,
    /// What was read: `hold`, `notification` or `all`.
    pub applied: RequestChoice,
    /// Why, in a sentence.
    pub why: String,
    /// The crosswalk used.
    pub crosswalk: String,
    /// Every kind with rows, side by side, whatever was applied.
    pub by_type: Vec<RequestTypeOutcomes>,
    /// Values the crosswalk does not list, with their rows, most first.
    pub unknown_values: Vec<ValueCount>,
}

fn norm(v: &Option<String>) -> Option<String> {
    v.as_deref().map(normalise_label).filter(|s| !s.is_empty())
}

/// `duplicate_likely` as both engines read it: `TRUE`, `True` or `true`.
fn is_true(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(is_flagged)
}

fn month_label(year_month: i32) -> String {
    format!("{:04}-{:02}", year_month / 100, year_month % 100)
}

fn next_month(year_month: i32) -> i32 {
    if year_month % 100 == 12 {
        (year_month / 100 + 1) * 100 + 1
    } else {
        year_month + 1
    }
}

/// The date of a `yyyymmdd` key.
fn from_day_key(key: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(key / 10000, (key / 100 % 100) as u32, (key % 100) as u32)
}

/// Build every table from the counted combinations: the duplicates policy
/// of `filters` decided first, then the status groups, outcomes, events and
/// population from `inputs`. `follow_up` gives the cut date and the
/// follow-up of the `followed_up` outcome denominator, `group` the grouping
/// of `by_area`.
///
/// # Errors
/// As [`resolve_duplicates`].
///
/// `scan` must have been counted with `inputs.request_types`: the block
/// engine keeps one request-type value per kind of that crosswalk.
pub(crate) fn summarise(
    scan: Scan,
    filters: &Filters,
    inputs: &Inputs,
    follow_up: FollowUpOptions,
    group: Option<GroupBy>,
) -> Result<RecordResults> {
    let (combinations, duplicates) = resolve_duplicates(
        scan.combinations,
        filters.duplicates,
        Known {
            ids: scan.ids_known,
            file_flags: scan.file_flags_known,
        },
    )?;
    let scan = Scan {
        combinations,
        ..scan
    };
    let crosswalk = &inputs.status;
    let lift_crosswalk = &inputs.lift_outcomes;
    // Each combination's kind of request, read once per pair of values.
    let mut kinds: HashMap<(Option<&str>, Option<&str>), RequestKind> = HashMap::new();
    let types = &inputs.request_types;
    let classed = scan.combinations.iter().any(|c| {
        c.reason.is_none()
            && matches!(
                kind_of(&mut kinds, c, types),
                RequestKind::Hold | RequestKind::Notification | RequestKind::Other
            )
    });
    let (applied, why) = applied_choice(filters.request_type, scan.request_types_known, classed);
    let mut areas: AreaReasons = BTreeMap::new();
    let latest_read = scan
        .combinations
        .iter()
        .filter_map(|c| c.latest_day)
        .max()
        .and_then(from_day_key);
    let follow_up = FollowUp::new(follow_up, latest_read);
    let last_followed = follow_up.last_prepare_date.map(day_key);
    // Used rows of a combination prepared on or before the last followed-up
    // day: all of an earlier month, the days up to it of its own month.
    let followed_rows = |c: &Combination| -> u64 {
        match (c.year_month, last_followed) {
            (Some(ym), Some(last)) if ym < last / 100 => c.rows,
            (Some(ym), Some(last)) if ym == last / 100 => {
                let last_day = (last % 100) as u8;
                c.days
                    .iter()
                    .filter(|(d, _)| *d <= last_day)
                    .map(|(_, n)| n)
                    .sum()
            }
            _ => 0,
        }
    };
    let mut followed_reasons: BTreeMap<Option<String>, u64> = BTreeMap::new();
    let mut excluded: BTreeMap<String, u64> = Exclusion::ALL
        .iter()
        .map(|r| (r.key().to_string(), 0))
        .collect();
    let mut rows_read = 0;
    let mut rows_used = 0;
    let mut duplicates_used = 0;
    let mut groups: BTreeMap<&str, u64> = BTreeMap::new();
    let mut categories: BTreeMap<Option<String>, u64> = BTreeMap::new();
    // Per month: detainers, declined, custody, and detainers from files with
    // no lift-reason column.
    let mut months: BTreeMap<i32, (u64, u64, u64, u64)> = BTreeMap::new();
    let mut no_lift = 0;
    let mut reasons: BTreeMap<Option<String>, u64> = BTreeMap::new();
    let mut declined = 0;
    // Per kind of request: rows, lift reasons, and those with the follow-up.
    type KindTally = (
        u64,
        BTreeMap<Option<String>, u64>,
        BTreeMap<Option<String>, u64>,
    );
    let mut per_kind: BTreeMap<RequestKind, KindTally> = BTreeMap::new();
    let mut unknown_values: BTreeMap<String, u64> = BTreeMap::new();
    let mut lift_days = LiftDays::default();
    for c in &scan.combinations {
        rows_read += c.rows;
        let kind = if c.reason.is_none() || c.in_by {
            kind_of(&mut kinds, c, types)
        } else {
            RequestKind::Missing
        };
        let wanted = applied.accepts(kind);
        // The lift reason, normalised once, and its outcome class.
        let lift = if c.lift_known && (c.reason.is_none() || c.in_by) {
            let reason = norm(&c.lift_reason);
            let class = reason.as_deref().map(|r| lift_crosswalk.class(r));
            Some((reason, class))
        } else {
            None
        };
        if c.in_by && wanted {
            // Areas are compared as the filters compare them: whitespace
            // normalised and case ignored; the spelling with most rows names it.
            let label = norm(&c.by);
            let area = areas
                .entry(label.as_ref().map(|l| l.to_lowercase()))
                .or_default();
            if let Some(label) = label {
                *area.labels.entry(label).or_default() += c.rows;
            }
            if let Some((reason, class)) = &lift {
                area.lifts.add(*class, &c.lifts);
                *area.reasons.entry(reason.clone()).or_default() += c.rows;
            }
        }
        if let Some(reason) = c.reason {
            *excluded.entry(reason.key().to_string()).or_default() += c.rows;
            continue;
        }
        // Every kind side by side, whatever is read.
        if let Some((reason, _)) = &lift {
            let tally = per_kind.entry(kind).or_default();
            tally.0 += c.rows;
            let reason = reason.clone();
            let followed = followed_rows(c);
            if followed > 0 {
                *tally.2.entry(reason.clone()).or_default() += followed;
            }
            *tally.1.entry(reason).or_default() += c.rows;
        } else {
            per_kind.entry(kind).or_default().0 += c.rows;
        }
        if kind == RequestKind::Unknown {
            let value = norm(&c.request_type).or_else(|| norm(&c.detainer_type));
            *unknown_values.entry(value.unwrap_or_default()).or_default() += c.rows;
        }
        if !wanted {
            *excluded
                .entry(Exclusion::OtherRequestType.key().to_string())
                .or_default() += c.rows;
            continue;
        }
        rows_used += c.rows;
        if is_true(&c.duplicate) {
            duplicates_used += c.rows;
        }
        let case_category = norm(&c.case_category);
        let entry_status = norm(&c.entry_status);
        let final_order = norm(&c.final_order);
        let illegal_reentry = norm(&c.illegal_reentry);
        let group = crosswalk.group(StatusFields {
            case_category: case_category.as_deref(),
            entry_status: entry_status.as_deref(),
            final_order: final_order.as_deref(),
            illegal_reentry: illegal_reentry.as_deref(),
        });
        let group = ARTICLE_GROUPS
            .iter()
            .copied()
            .chain([NOT_MAPPED, UNKNOWN_STATUS])
            .find(|g| *g == group)
            .unwrap_or(NOT_MAPPED);
        *groups.entry(group).or_default() += c.rows;
        *categories.entry(case_category).or_default() += c.rows;
        if !c.lift_known {
            // A file without a lift-reason column: the rows are detainers,
            // but say nothing of outcomes.
            no_lift += c.rows;
            if let Some(ym) = c.year_month {
                let m = months.entry(ym).or_default();
                m.0 += c.rows;
                m.3 += c.rows;
            }
            continue;
        }
        let Some((reason, class)) = lift else {
            continue;
        };
        let is_declined = reason
            .as_deref()
            .is_some_and(|r| r.eq_ignore_ascii_case(DECLINED_BY_LEA));
        if is_declined {
            declined += c.rows;
        }
        let followed = followed_rows(c);
        if followed > 0 {
            *followed_reasons.entry(reason.clone()).or_default() += followed;
        }
        let is_custody = class == Some(Some(OutcomeClass::Custody));
        lift_days.add(class, &c.lifts);
        *reasons.entry(reason).or_default() += c.rows;
        if let Some(ym) = c.year_month {
            let m = months.entry(ym).or_default();
            m.0 += c.rows;
            if is_declined {
                m.1 += c.rows;
            }
            if is_custody {
                m.2 += c.rows;
            }
        }
    }

    let by_status_group = ARTICLE_GROUPS
        .iter()
        .copied()
        .chain([NOT_MAPPED, UNKNOWN_STATUS])
        .map(|g| GroupCount {
            group: g.to_string(),
            detainers: groups.get(g).copied().unwrap_or(0),
        })
        .collect();
    let mut by_case_category: Vec<CategoryCount> = categories
        .into_iter()
        .map(|(case_category, detainers)| CategoryCount {
            case_category,
            detainers,
        })
        .collect();
    by_case_category.sort_by_key(|c| std::cmp::Reverse(c.detainers));
    let mut lift_reasons: Vec<ReasonCount> = reasons
        .into_iter()
        .map(|(reason, count)| ReasonCount { reason, count })
        .collect();
    lift_reasons.sort_by_key(|r| std::cmp::Reverse(r.count));
    let mut by_month = Vec::new();
    if let (Some(&first), Some(&last)) = (months.keys().next(), months.keys().next_back()) {
        let mut ym = first;
        while ym <= last {
            let (n, d, custody, unknown) = months.get(&ym).copied().unwrap_or((0, 0, 0, 0));
            let known = n - unknown;
            by_month.push(MonthCount {
                month: month_label(ym),
                detainers: n,
                declined_by_lea: d,
                custody,
                declined_share: (known > 0).then(|| d as f64 / known as f64),
            });
            ym = next_month(ym);
        }
    }
    let with_lift = rows_used - no_lift;
    let share = (with_lift > 0).then(|| declined as f64 / with_lift as f64);
    let share_interval = wilson_interval(declined, with_lift, CONFIDENCE);
    let followed: Vec<ReasonCount> = followed_reasons
        .into_iter()
        .map(|(reason, count)| ReasonCount { reason, count })
        .collect();
    let counts = |m: BTreeMap<Option<String>, u64>| -> Vec<ReasonCount> {
        let mut v: Vec<ReasonCount> = m
            .into_iter()
            .map(|(reason, count)| ReasonCount { reason, count })
            .collect();
        v.sort_by_key(|r| std::cmp::Reverse(r.count));
        v
    };
    let by_type = per_kind
        .into_iter()
        .map(|(kind, (rows, all, followed))| RequestTypeOutcomes {
            request_type: kind,
            label: kind.label().to_string(),
            detainers: rows,
            outcomes: classify_outcomes(
                &counts(all),
                follow_up.clone(),
                &counts(followed),
                lift_crosswalk,
            ),
        })
        .collect();
    let mut unknown_values: Vec<ValueCount> = unknown_values
        .into_iter()
        .map(|(value, rows)| ValueCount { value, rows })
        .collect();
    unknown_values.sort_by_key(|v| std::cmp::Reverse(v.rows));
    let request_types = RequestTypeSummary {
        asked: filters.request_type,
        applied,
        why,
        crosswalk: inputs.request_types.path().to_string(),
        by_type,
        unknown_values,
    };
    let mut outcomes = classify_outcomes(&lift_reasons, follow_up, &followed, lift_crosswalk);
    outcomes.no_lift_reason_column = no_lift;
    let missing_columns = missing_columns(&scan.files);
    let mut results = RecordResults {
        missing_columns,
        files: scan.files,
        filters: filters.clone(),
        rows_read,
        rows_used,
        rows_excluded: excluded,
        duplicates_used,
        duplicates,
        by_status_group,
        by_case_category,
        by_month,
        lift_reasons,
        declined_by_lea: Declined {
            count: declined,
            share,
            share_interval,
        },
        outcomes,
        context: None,
        by: group,
        by_area: Vec::new(),
        events: Vec::new(),
        event_splits: Vec::new(),
        request_types,
        time_to_lift: lift_days.times(),
    };
    let events = &inputs.events;
    if let (Some(first), Some(last)) = (results.by_month.first(), results.by_month.last()) {
        results.events = events
            .iter()
            .filter(|e| e.applies_to(filters))
            .filter(|e| {
                let month = e.date.format("%Y-%m").to_string();
                first.month <= month && month <= last.month
            })
            .cloned()
            .collect();
    }
    results.event_splits = event_splits(&results.by_month, filters, events);
    if let Some(group) = group {
        results.by_area = area_outcomes(
            areas,
            group,
            filters,
            record_period(&results),
            &inputs.population,
            lift_crosswalk,
        );
    }
    results.context = match (&filters.aor, record_period(&results)) {
        (Some(aor), Some(period)) => context(aor, period, results.rows_used, &inputs.population),
        _ => None,
    };
    Ok(results)
}

/// A combination's kind of request, read once per pair of values.
fn kind_of<'a>(
    kinds: &mut HashMap<(Option<&'a str>, Option<&'a str>), RequestKind>,
    c: &'a Combination,
    types: &RequestTypes,
) -> RequestKind {
    let (request_type, detainer_type) = (c.request_type.as_deref(), c.detainer_type.as_deref());
    *kinds
        .entry((request_type, detainer_type))
        .or_insert_with(|| types.kind(request_type, detainer_type))
}

/// What `--request-type` reads, and why: `auto` reads hold requests when
/// every file says which request is which and some row used is classed,
/// else every request.
fn applied_choice(asked: RequestChoice, known: bool, classed: bool) -> (RequestChoice, String) {
    match asked {
        RequestChoice::Auto if known && classed => (
            RequestChoice::Hold,
            "hold requests only (--request-type auto): the files say which requests ask a jail to hold a person, and only those can be honored by holding".to_string(),
        ),
        RequestChoice::Auto if known => (
            RequestChoice::All,
            "every request (--request-type auto): no row used has a request type the crosswalk classes".to_string(),
        ),
        RequestChoice::Auto => (
            RequestChoice::All,
            "every request (--request-type auto): a file has neither request_type nor detainer_type, so hold requests cannot be told from requests for notification".to_string(),
        ),
        RequestChoice::Hold => (asked, "hold requests only, as asked (--request-type hold)".to_string()),
        RequestChoice::Notification => (
            asked,
            "requests for notification of release only, as asked (--request-type notification)".to_string(),
        ),
        RequestChoice::All => (asked, "every request, as asked (--request-type all)".to_string()),
    }
}

/// The first and last day the results cover: from the first day of the first
/// month with a detainer to the last day of the last, cut to the filter dates
/// when they are narrower (a filter wider than the data does not widen it).
pub fn record_period(results: &RecordResults) -> Option<(NaiveDate, NaiveDate)> {
    let parse = |m: &str| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok();
    let first = results.by_month.first().and_then(|m| parse(&m.month));
    let last = results
        .by_month
        .last()
        .and_then(|m| parse(&m.month))
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .and_then(|d| d.pred_opt());
    let (first, last) = (first?, last?);
    let start = results.filters.from.map_or(first, |f| f.max(first));
    let end = results.filters.to.map_or(last, |t| t.min(last));
    Some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_run_across_year_ends() {
        assert_eq!(next_month(202512), 202601);
        assert_eq!(next_month(202601), 202602);
        assert_eq!(month_label(202602), "2026-02");
        assert_eq!(
            day_key(NaiveDate::from_ymd_opt(2026, 2, 11).unwrap()),
            20260211
        );
        assert_eq!(from_day_key(20240229), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(from_day_key(20230229), None);
    }

    #[test]
    fn duplicate_flag_reads_as_the_engines_read_it() {
        assert!(is_true(&Some("TRUE".into())));
        assert!(is_true(&Some("true".into())));
        assert!(!is_true(&Some(" true ".into())));
        assert!(!is_true(&Some("tRuE".into())));
        assert!(!is_true(&Some("FALSE".into())));
        assert!(!is_true(&None));
    }
}
