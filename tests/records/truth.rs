//! Every number of the outcome analysis against the generator's truth: the
//! generator says what each row holds (date, area, facility, lift reason,
//! flag, person, form, episode, drop flag, lift date), this file counts
//! the expected values from that list with plain loops, and both engines
//! must give exactly those numbers under each duplicates policy and request
//! type, with and without filters and groupings.

use chrono::NaiveDate;
use detainers::records::{
    bundled_layout, generate_extended_with_truth, generate_layout_file,
    generate_records_with_truth, resolve_aor, Layout, LiftTruth, RequestChoice, RowTruth, COLUMNS,
};
use detainers::{
    run_records_with, By, Duplicates, FileFormat, Filters, GroupBy, Inputs, RecordResults,
    RunOptions, ScanEngine, Size,
};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

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

/// The kind of request a generated row is, from the class the generator
/// wrote beside its form (DDP's `request_type`): not through the crate's
/// crosswalk.
fn kind(r: &RowTruth) -> &'static str {
    match r.request_type.as_str() {
        "Detainer request" => "hold",
        "Request for advance notification of release" => "notification",
        "Other" => "other",
        _ if r.form == "NA" => "missing",
        _ => "unknown",
    }
}

/// Whether a row is read under `choice`.
fn read_under(choice: RequestChoice, r: &RowTruth) -> bool {
    match choice {
        RequestChoice::Hold | RequestChoice::Auto => kind(r) == "hold",
        RequestChoice::Notification => kind(r) == "notification",
        RequestChoice::All => true,
    }
}

/// The rows a policy uses out of `rows` (in file order). The flag
/// policies: unflagged rows, and flagged ones as the policy says, a group
/// being a person and a date. `episode`: the first row of each episode and
/// form the generator wrote (an episode's rows share person and facility),
/// every row written alone, whatever the selection (a repeat whose first
/// row falls outside it is still a repeat): the generator's drop flag,
/// which it sets by construction. `file`: the same flag, as the file
/// writes it.
fn used<'a>(rows: &[&'a RowTruth], policy: Duplicates) -> Vec<&'a RowTruth> {
    let mut seen = HashSet::new();
    rows.iter()
        .copied()
        .filter(|r| match policy {
            Duplicates::Episode | Duplicates::File => !r.drop,
            _ if !r.flagged => true,
            _ => {
                let first = seen.insert((
                    r.id.clone(),
                    r.date.map(|d| d.to_string()).unwrap_or_default(),
                ));
                match policy {
                    Duplicates::Exclude => false,
                    Duplicates::KeepFirst => first,
                    _ => true,
                }
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

use crate::util::ROW_POLICIES as FLAG_AND_EPISODE;

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
    let chained = truth
        .windows(2)
        .filter(|w| w[0].id == w[1].id && w[0].date.is_some() && w[0].date != w[1].date)
        .count();
    assert!(chained > 100, "the file has episodes over days ({chained})");
    let notifications = truth.iter().filter(|r| kind(r) == "notification").count();
    assert!(notifications > 1000, "{notifications}");
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
    let mut cases: Vec<(Duplicates, RequestChoice, Filters, Option<By>)> = Vec::new();
    for policy in FLAG_AND_EPISODE {
        for (filters, by) in [
            (Filters::default(), None),
            (boston.clone(), Some(By::Aor)),
            (boston.clone(), Some(By::State)),
            (boston.clone(), Some(By::Facility)),
        ] {
            cases.push((policy, RequestChoice::Auto, filters, by));
        }
    }
    for choice in [RequestChoice::All, RequestChoice::Notification] {
        cases.push((Duplicates::Episode, choice, boston.clone(), Some(By::Aor)));
        cases.push((Duplicates::Exclude, choice, Filters::default(), None));
    }
    for (policy, choice, filters, by) in cases {
        let filters = Filters {
            duplicates: policy,
            request_type: choice,
            ..filters
        };
        let in_period = |r: &&RowTruth| {
            r.date.is_some_and(|d| filters.from.is_none_or(|f| d >= f))
                && r.date.is_some_and(|d| filters.to.is_none_or(|t| d <= t))
        };
        let in_area = |r: &&RowTruth| filters.aor.as_ref().is_none_or(|a| r.aor == a.code);
        let selected: Vec<&RowTruth> = truth.iter().filter(in_period).filter(in_area).collect();
        let deduplicated = used(&selected, policy);
        let kept: Vec<&RowTruth> = deduplicated
            .iter()
            .copied()
            .filter(|r| read_under(choice, r))
            .collect();
        let mut classes = Classes::default();
        let mut followed = Classes::default();
        for r in &kept {
            classes.add(&r.lift_reason, &crosswalk);
            if r.date.is_some_and(|d| d <= last_followed) {
                followed.add(&r.lift_reason, &crosswalk);
            }
        }
        // Every kind side by side, after the duplicates policy.
        let mut per_kind: BTreeMap<&str, (u64, Classes)> = BTreeMap::new();
        for r in &deduplicated {
            let k = per_kind.entry(kind(r)).or_default();
            k.0 += 1;
            k.1.add(&r.lift_reason, &crosswalk);
        }
        let flagged = selected.iter().filter(|r| r.flagged).count() as u64;
        let groups = selected
            .iter()
            .filter(|r| r.flagged)
            .map(|r| (&r.id, r.date))
            .collect::<HashSet<_>>()
            .len() as u64;
        // Episodes of more than one row (by episode and form) over the
        // whole file, and their rows and splits among the selection.
        let mut sizes: BTreeMap<(u64, &str), u64> = BTreeMap::new();
        for r in truth.iter().filter(|r| r.date.is_some()) {
            if let Some(e) = r.episode {
                *sizes.entry((e, r.form.as_str())).or_default() += 1;
            }
        }
        let repeated = |r: &&&RowTruth| r.episode.is_some_and(|e| sizes[&(e, r.form.as_str())] > 1);
        let episode_rows = selected.iter().filter(repeated).count() as u64;
        // The splits whose first day has a selected row.
        let mut first_day: BTreeMap<(u64, &str), NaiveDate> = BTreeMap::new();
        for r in truth.iter().filter(|r| r.date.is_some()) {
            if let (Some(e), Some(d)) = (r.episode, r.date) {
                let f = first_day.entry((e, r.form.as_str())).or_insert(d);
                *f = (*f).min(d);
            }
        }
        let episode_groups = selected
            .iter()
            .filter(repeated)
            .filter(|r| {
                r.episode
                    .zip(r.date)
                    .is_some_and(|(e, d)| first_day[&(e, r.form.as_str())] == d)
            })
            .map(|r| (r.episode, r.form.as_str()))
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
            for r in used(&scope, policy) {
                if read_under(choice, r) {
                    expected_areas
                        .entry(key(r))
                        .or_default()
                        .add(&r.lift_reason, &crosswalk);
                }
            }
        }
        for engine in [ScanEngine::Blocks, ScanEngine::Polars] {
            let what = format!("{policy:?} {choice:?} {by:?} {engine:?}");
            let r = run(&path, &filters, engine, by);
            assert_eq!(r.rows_read, rows, "{what}");
            assert_eq!(r.rows_used, kept.len() as u64, "{what}");
            assert_eq!(Classes::of(&r), classes, "{what}");
            assert_eq!(
                r.rows_excluded["other_request_type"],
                (deduplicated.len() - kept.len()) as u64,
                "{what}"
            );
            assert_eq!(r.duplicates.flagged_rows, flagged, "{what}");
            assert_eq!(r.duplicates.flagged_groups, Some(groups), "{what}");
            assert_eq!(r.duplicates.episode_rows, Some(episode_rows), "{what}");
            assert_eq!(r.duplicates.episode_groups, Some(episode_groups), "{what}");
            let by_policy: Vec<Option<u64>> = r
                .duplicates
                .rows_used_by_policy
                .iter()
                .map(|p| p.rows_used)
                .collect();
            let mut expected_by_policy: Vec<Option<u64>> = FLAG_AND_EPISODE
                .iter()
                .map(|p| Some(used(&selected, *p).len() as u64))
                .collect();
            expected_by_policy.push(None);
            assert_eq!(by_policy, expected_by_policy, "{what}");
            let got_kinds: BTreeMap<&str, (u64, Classes)> = r
                .request_types
                .by_type
                .iter()
                .map(|k| {
                    let o = &k.outcomes;
                    (
                        k.request_type.key(),
                        (
                            k.detainers,
                            Classes([
                                o.declined,
                                o.custody,
                                o.other_resolved,
                                o.unclassified,
                                o.open,
                            ]),
                        ),
                    )
                })
                .collect();
            assert_eq!(got_kinds, per_kind, "{what}");
            let applied = match choice {
                RequestChoice::Auto => RequestChoice::Hold,
                c => c,
            };
            assert_eq!(r.request_types.applied, applied, "{what}");
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

/// A layout file and the truth of its rows: the generator writes a layout
/// from the same rows [`generate_extended_with_truth`] gives.
fn layout_file(
    dir: &Path,
    name: &str,
    layout: &Layout,
    rows: u64,
    seed: u64,
) -> (PathBuf, Vec<RowTruth>) {
    let path = dir.join(name);
    generate_layout_file(&path, Size::Rows(rows), seed, FileFormat::Csv, layout).unwrap();
    let (_, _, truth) =
        generate_extended_with_truth(std::io::sink(), Size::Rows(rows), seed).unwrap();
    (path, truth)
}

#[test]
fn the_episode_rule_uses_the_rows_ddps_drop_flag_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let (path, truth) = layout_file(
        dir.path(),
        "aug.csv",
        &bundled_layout("ddp-2026-08").unwrap(),
        20_000,
        31,
    );
    let dated: Vec<&RowTruth> = truth.iter().filter(|r| r.date.is_some()).collect();
    let drops = dated.iter().filter(|r| r.drop).count() as u64;
    assert!(drops > 200, "the file drops rows ({drops})");
    // A day on which repeats begin whose first row is the day before: with
    // the period starting that day, they are repeats still (DDP decides
    // over the whole release), not first rows.
    let from = dated
        .iter()
        .filter(|r| r.drop)
        .find_map(|r| {
            let earlier = dated
                .iter()
                .any(|q| q.episode == r.episode && q.date < r.date);
            earlier.then_some(r.date).flatten()
        })
        .expect("an episode over more than one day");
    let crossing = dated
        .iter()
        .filter(|r| r.drop && r.date == Some(from))
        .count();
    for (choice, start) in [
        (RequestChoice::All, None),
        (RequestChoice::Hold, None),
        (RequestChoice::All, Some(from)),
    ] {
        let expected = dated
            .iter()
            .filter(|r| start.is_none_or(|f| r.date.is_some_and(|d| d >= f)))
            .filter(|r| !r.drop && read_under(choice, r))
            .count() as u64;
        for engine in [ScanEngine::Blocks, ScanEngine::Polars] {
            let mut results = Vec::new();
            for policy in [Duplicates::Episode, Duplicates::File] {
                let filters = Filters {
                    duplicates: policy,
                    request_type: choice,
                    from: start,
                    ..Filters::default()
                };
                let r = run(&path, &filters, engine, Some(By::Aor));
                assert_eq!(r.rows_used, expected, "{policy:?} {choice:?} {engine:?}");
                let policies: Vec<Option<u64>> = r
                    .duplicates
                    .rows_used_by_policy
                    .iter()
                    .map(|p| p.rows_used)
                    .collect();
                assert_eq!(policies[3], policies[4], "episode and file side by side");
                results.push(r);
            }
            // The same rows: every table equal but the policy's name.
            let (mut a, b) = (results[0].clone(), &results[1]);
            a.filters.duplicates = b.filters.duplicates;
            a.duplicates.policy = b.duplicates.policy;
            assert_eq!(&a, b, "{choice:?} {engine:?}");
        }
    }
    assert!(
        crossing > 0,
        "a repeat whose first row is before the period"
    );
}

#[test]
fn request_type_and_detainer_type_alone_give_the_same_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let aug = bundled_layout("ddp-2026-08").unwrap();
    let at = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap();
    let without = |column: &str, name: &str| {
        let mut l = aug.clone();
        l.name = name.to_string();
        l.sources[at(column)] = Vec::new();
        l
    };
    let (by_class, truth) = layout_file(
        dir.path(),
        "class.csv",
        &without("detainer_type", "class only"),
        8_000,
        12,
    );
    let (by_form, _) = layout_file(
        dir.path(),
        "form.csv",
        &without("request_type", "form only"),
        8_000,
        12,
    );
    let expected_hold = truth
        .iter()
        .filter(|r| r.date.is_some() && !r.flagged && kind(r) == "hold")
        .count() as u64;
    for engine in [ScanEngine::Blocks, ScanEngine::Polars] {
        let filters = Filters::default();
        let a = run(&by_class, &filters, engine, None);
        let b = run(&by_form, &filters, engine, None);
        // DDP leaves a form it does not list without a class: read from
        // request_type alone, such a row has no request type; read from the
        // form, it is an unlisted form. Every other kind is the same, to
        // the last share.
        let kind_of = |r: &RecordResults, key: &str| {
            r.request_types
                .by_type
                .iter()
                .find(|k| k.request_type.key() == key)
                .cloned()
        };
        for key in ["hold", "notification", "other"] {
            assert_eq!(kind_of(&a, key), kind_of(&b, key), "{key} {engine:?}");
        }
        let rows = |r: &RecordResults, key: &str| kind_of(r, key).map_or(0, |k| k.detainers);
        let unlisted = truth
            .iter()
            .filter(|r| r.date.is_some() && !r.flagged && kind(r) == "unknown")
            .count() as u64;
        assert!(unlisted > 10, "{unlisted}");
        assert_eq!(rows(&b, "unknown"), unlisted, "{engine:?}");
        assert_eq!(rows(&a, "unknown"), 0, "{engine:?}");
        assert_eq!(
            rows(&a, "missing"),
            rows(&b, "missing") + unlisted,
            "{engine:?}"
        );
        assert_eq!(a.rows_used, expected_hold, "{engine:?}");
        assert_eq!(b.rows_used, expected_hold, "{engine:?}");
        assert_eq!(a.request_types.applied, RequestChoice::Hold);
        // Only the form says what an unlisted form was.
        assert!(a.request_types.unknown_values.is_empty());
        assert_eq!(
            b.request_types
                .unknown_values
                .iter()
                .map(|v| v.value.as_str())
                .collect::<Vec<_>>(),
            ["I-247 Unlisted Form"]
        );
    }
}

/// Per outcome class: detainers, first quartile, median, third quartile,
/// lift dates before the prepare date, unreadable lift dates.
type LiftTable = BTreeMap<String, (u64, Option<f64>, Option<f64>, Option<f64>, u64, u64)>;

/// The type-7 quantile of sorted days, computed here on the list itself.
fn quantile(sorted: &[i64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    Some(sorted[lo] as f64 + (h - lo as f64) * (sorted[hi] - sorted[lo]) as f64)
}

#[test]
fn time_to_lift_equals_the_generators_lift_dates() {
    let dir = tempfile::tempdir().unwrap();
    let crosswalk = lift_outcomes_file();
    for layout in ["ddp-historical", "trac-foia"] {
        let (path, truth) = layout_file(
            dir.path(),
            &format!("{layout}.csv"),
            &bundled_layout(layout).unwrap(),
            20_000,
            8,
        );
        // Under `--request-type all --duplicates include`, every dated row.
        let rows: Vec<&RowTruth> = truth.iter().filter(|r| r.date.is_some()).collect();
        let class = |r: &RowTruth| -> &'static str {
            match r
                .lift_reason
                .as_deref()
                .map(|x| crosswalk.get(&key(x)).map(String::as_str))
            {
                None => "no_lift_reason",
                Some(Some("declined")) => "declined",
                Some(Some("custody")) => "custody",
                Some(Some("other_resolved")) => "other_resolved",
                _ => "unclassified",
            }
        };
        let expect = |rows: &[&RowTruth]| -> LiftTable {
            let mut days: BTreeMap<&str, (Vec<i64>, u64, u64)> = BTreeMap::new();
            for r in rows {
                let Some(lift) = r.lift else { continue };
                for c in ["all", class(r)] {
                    let e = days.entry(c).or_default();
                    match lift {
                        LiftTruth::Days(d) if d >= 0 => e.0.push(d),
                        LiftTruth::Days(_) => e.1 += 1,
                        LiftTruth::Unreadable => e.2 += 1,
                    }
                }
            }
            days.into_iter()
                .map(|(c, (mut d, before, unreadable))| {
                    d.sort_unstable();
                    (
                        c.to_string(),
                        (
                            d.len() as u64,
                            quantile(&d, 0.25),
                            quantile(&d, 0.5),
                            quantile(&d, 0.75),
                            before,
                            unreadable,
                        ),
                    )
                })
                .collect()
        };
        let got = |t: &[detainers::records::LiftTime]| -> LiftTable {
            t.iter()
                .map(|l| {
                    (
                        l.outcome.clone(),
                        (
                            l.detainers,
                            l.q1_days,
                            l.median_days,
                            l.q3_days,
                            l.lift_before_prepare,
                            l.unreadable_lift_date,
                        ),
                    )
                })
                .collect()
        };
        let all = expect(&rows);
        assert!(
            all["all"].4 > 10 && all["all"].5 > 5,
            "{layout}: early and unreadable lift dates ({:?})",
            all["all"]
        );
        let filters = Filters {
            duplicates: Duplicates::Include,
            request_type: RequestChoice::All,
            ..Filters::default()
        };
        for engine in [ScanEngine::Blocks, ScanEngine::Polars] {
            let r = run(&path, &filters, engine, Some(By::Aor));
            assert_eq!(got(&r.time_to_lift), all, "{layout} {engine:?}");
            for a in &r.by_area {
                let here: Vec<&RowTruth> = rows
                    .iter()
                    .copied()
                    .filter(|t| Some(t.aor_label.as_str()) == a.area.as_deref())
                    .collect();
                assert_eq!(
                    got(&a.time_to_lift),
                    expect(&here),
                    "{layout} {engine:?} {:?}",
                    a.area
                );
            }
        }
    }
}
