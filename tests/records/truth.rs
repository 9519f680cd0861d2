//! Every number of the outcome analysis against the generator's truth: the
//! generator says what each row holds (date, area, facility, lift reason,
//! flag, person), this file counts the expected values from that list with
//! plain loops, and both engines must give exactly those numbers under each
//! duplicates policy, with and without filters and groupings.

use chrono::NaiveDate;
use detainers::records::{generate_records_with_truth, resolve_aor, RowTruth};
use detainers::{
    run_records_with, By, Duplicates, Filters, GroupBy, Inputs, RecordResults, RunOptions,
    ScanEngine, Size,
};
use std::collections::{BTreeMap, HashSet};

/// Outcome counts: declined, custody, other resolved, unclassified, open.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Classes([u64; 5]);

/// The lift-outcome crosswalk read here with the csv crate, not through the
/// crate's own reader: lift reason (spacing collapsed, lower case) to its
/// outcome as the file writes it.
fn lift_outcomes_file() -> BTreeMap<String, String> {
    let path = detainers::repo_root().join("data/crosswalk/lift_outcomes.csv");
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (reason, outcome) = (at("reason"), at("outcome"));
    reader
        .records()
        .map(|row| {
            let row = row.unwrap();
            (key(&row[reason]), row[outcome].to_string())
        })
        .collect()
}

/// A lift reason as the crosswalk is looked up by.
fn key(reason: &str) -> String {
    reason
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Classes {
    fn add(&mut self, reason: &Option<String>, crosswalk: &BTreeMap<String, String>) {
        let i = match reason
            .as_deref()
            .map(|r| crosswalk.get(&key(r)).map(String::as_str))
        {
            Some(Some("declined")) => 0,
            Some(Some("custody")) => 1,
            Some(Some("other_resolved")) => 2,
            Some(Some(other)) => panic!("the crosswalk names an outcome '{other}'"),
            Some(None) => 3,
            None => 4,
        };
        self.0[i] += 1;
    }

    fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    fn of(r: &RecordResults) -> Self {
        Classes(crate::util::outcome_classes(r))
    }
}

/// The rows a policy uses out of `rows` (in file order): unflagged rows, and
/// flagged ones as the policy says, a group being a person and a date
/// within `group_of`.
fn used<'a, K: std::hash::Hash + Eq>(
    rows: &[&'a RowTruth],
    policy: Duplicates,
    group_of: impl Fn(&RowTruth) -> K,
) -> Vec<&'a RowTruth> {
    let mut seen = HashSet::new();
    rows.iter()
        .copied()
        .filter(|r| {
            if !r.flagged {
                return true;
            }
            let first = seen.insert((group_of(r), r.id.clone(), r.date));
            match policy {
                Duplicates::Exclude => false,
                Duplicates::KeepFirst => first,
                Duplicates::Include => true,
            }
        })
        .collect()
}

fn run(
    path: &std::path::Path,
    filters: &Filters,
    engine: ScanEngine,
    by: Option<By>,
) -> RecordResults {
    let options = RunOptions {
        engine,
        group: by.map(|by| GroupBy { by, min_n: 1 }),
        ..RunOptions::default()
    };
    run_records_with(&[path.to_path_buf()], filters, &Inputs::bundled(), &options).unwrap()
}

#[test]
fn every_outcome_number_equals_the_generators_truth() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.csv");
    let file = std::fs::File::create(&path).unwrap();
    let (rows, _, truth) = generate_records_with_truth(file, Size::Rows(30_000), 77).unwrap();
    assert_eq!(truth.len() as u64, rows);
    let crosswalk = lift_outcomes_file();
    let pairs = truth
        .windows(2)
        .filter(|w| w[0].flagged && w[1].flagged && w[0].id == w[1].id)
        .count();
    assert!(pairs > 100, "the file has flagged pairs ({pairs})");
    let from = NaiveDate::from_ymd_opt(2016, 10, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2025, 9, 30).unwrap();
    let boston = Filters {
        aor: Some(resolve_aor("BOS").unwrap().into()),
        from: Some(from),
        to: Some(to),
        ..Filters::default()
    };
    // The cut date: the latest prepare date in the file; 180 days before it
    // is the last date with the follow-up.
    let as_of = truth.iter().filter_map(|r| r.date).max().unwrap();
    let last_followed = as_of - chrono::Days::new(180);
    for policy in Duplicates::ALL {
        for (filters, by) in [
            (Filters::default(), None),
            (boston.clone(), Some(By::Aor)),
            (boston.clone(), Some(By::State)),
            (boston.clone(), Some(By::Facility)),
        ] {
            let filters = Filters {
                duplicates: policy,
                ..filters
            };
            let in_period = |r: &&RowTruth| {
                r.date.is_some_and(|d| filters.from.is_none_or(|f| d >= f))
                    && r.date.is_some_and(|d| filters.to.is_none_or(|t| d <= t))
            };
            let in_area = |r: &&RowTruth| filters.aor.as_ref().is_none_or(|a| r.aor == a.code);
            let selected: Vec<&RowTruth> = truth.iter().filter(in_period).filter(in_area).collect();
            let kept = used(&selected, policy, |_| ());
            let mut classes = Classes::default();
            let mut followed = Classes::default();
            for r in &kept {
                classes.add(&r.lift_reason, &crosswalk);
                if r.date.is_some_and(|d| d <= last_followed) {
                    followed.add(&r.lift_reason, &crosswalk);
                }
            }
            let flagged = selected.iter().filter(|r| r.flagged).count() as u64;
            let groups = selected
                .iter()
                .filter(|r| r.flagged)
                .map(|r| (&r.id, r.date))
                .collect::<HashSet<_>>()
                .len() as u64;
            // Per area: rows of the period (any area for --by aor and --by
            // state; the selection's facilities for --by facility), the
            // policy over all of them (a pair counts once, where its first
            // row is).
            let mut expected_areas: BTreeMap<String, Classes> = BTreeMap::new();
            if let Some(by) = by {
                let scope: Vec<&RowTruth> = match by {
                    By::Aor | By::State => truth.iter().filter(in_period).collect(),
                    By::Facility | By::City => selected.clone(),
                };
                let key = |r: &RowTruth| match by {
                    By::Aor => r.aor_label.clone(),
                    By::State => r.state.clone(),
                    By::Facility => r.facility.clone(),
                    By::City => unreachable!("not asked for here"),
                };
                for r in used(&scope, policy, |_| ()) {
                    expected_areas
                        .entry(key(r))
                        .or_default()
                        .add(&r.lift_reason, &crosswalk);
                }
            }
            for engine in [ScanEngine::Blocks, ScanEngine::Polars] {
                let what = format!("{policy:?} {by:?} {engine:?}");
                let r = run(&path, &filters, engine, by);
                assert_eq!(r.rows_read, rows, "{what}");
                assert_eq!(r.rows_used, kept.len() as u64, "{what}");
                assert_eq!(Classes::of(&r), classes, "{what}");
                assert_eq!(r.duplicates.flagged_rows, flagged, "{what}");
                assert_eq!(r.duplicates.flagged_groups, Some(groups), "{what}");
                let unflagged = selected.len() as u64 - flagged;
                let by_policy: Vec<Option<u64>> = r
                    .duplicates
                    .rows_used_by_policy
                    .iter()
                    .map(|p| p.rows_used)
                    .collect();
                assert_eq!(
                    by_policy,
                    [
                        Some(unflagged),
                        Some(unflagged + groups),
                        Some(unflagged + flagged)
                    ],
                    "{what}"
                );
                // The follow-up denominator.
                let f = &r.outcomes.follow_up;
                assert_eq!(f.as_of, Some(as_of), "{what}");
                assert_eq!(f.last_prepare_date, Some(last_followed), "{what}");
                assert_eq!(f.detainers, followed.total(), "{what}");
                let d = &r.outcomes.denominators[2];
                assert_eq!(
                    (d.declined.count, d.custody.count, d.declined.of),
                    (followed.0[0], followed.0[1], followed.total()),
                    "{what}"
                );
                let h = &r.outcomes.honored_share;
                assert_eq!(
                    (h.count, h.of),
                    (classes.0[1], classes.0[0] + classes.0[1]),
                    "{what}"
                );
                // Every area.
                let got: BTreeMap<String, Classes> = r
                    .by_area
                    .iter()
                    .map(|a| {
                        (
                            a.area.clone().unwrap_or_default(),
                            Classes([
                                a.declined,
                                a.custody,
                                a.other_resolved,
                                a.unclassified,
                                a.open,
                            ]),
                        )
                    })
                    .collect();
                assert_eq!(got, expected_areas, "{what}");
                for a in &r.by_area {
                    assert_eq!(
                        a.detainers,
                        expected_areas[a.area.as_deref().unwrap_or_default()].total()
                    );
                }
            }
        }
    }
}
