//! Every area at once (`--by`): counted by hand on
//! `tests/fixtures/records/areas.csv`, the same from both engines under every
//! duplicates policy, and never a change to the main results.

use chrono::NaiveDate;
use detainers::records::{resolve_aor, AreaOutcomes};
use detainers::{generate_file, By, Duplicates, Filters, RecordResults, ScanEngine, Size};
use std::path::PathBuf;

/// Both engines, required to agree and to succeed.
fn both(files: &[PathBuf], filters: &Filters, by: Option<By>) -> RecordResults {
    crate::util::both_engines(files, filters, by).unwrap()
}

fn boston_from_2020(duplicates: Duplicates) -> Filters {
    Filters {
        aor: Some(resolve_aor("BOS").unwrap().into()),
        from: NaiveDate::from_ymd_opt(2020, 1, 1),
        duplicates,
        ..Filters::default()
    }
}

fn area<'a>(r: &'a RecordResults, name: &str) -> &'a AreaOutcomes {
    r.by_area
        .iter()
        .find(|a| a.area.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no {name} in {:?}", r.by_area))
}

/// (detainers, declined, custody, open) of one area.
fn counts(a: &AreaOutcomes) -> (u64, u64, u64, u64) {
    (a.detainers, a.declined, a.custody, a.open)
}

#[test]
fn every_area_counted_by_hand_under_each_duplicates_policy() {
    let file = vec![crate::util::fixture("records/areas.csv")];
    let bos = "Boston Area of Responsibility";
    let spm = "St. Paul Area of Responsibility";
    // Rows 3-4 (b3) and 8-9 (s4) are flagged pairs; row 10 is before the
    // period and row 11 has no date; row 2 spells Boston with two spaces.
    for (policy, boston, st_paul) in [
        (Duplicates::Exclude, (2, 1, 1, 0), (3, 2, 0, 1)),
        (Duplicates::KeepFirst, (3, 1, 2, 0), (4, 2, 1, 1)),
        (Duplicates::Include, (4, 2, 2, 0), (5, 2, 2, 1)),
    ] {
        let r = both(&file, &boston_from_2020(policy), Some(By::Aor));
        assert_eq!(r.by_area.len(), 2, "{policy:?}");
        assert_eq!(counts(area(&r, bos)), boston, "{policy:?}");
        assert_eq!(counts(area(&r, spm)), st_paul, "{policy:?}");
        // The selected area's row is the main result.
        assert_eq!(area(&r, bos).detainers, r.rows_used, "{policy:?}");
        assert!(area(&r, bos).selected && !area(&r, spm).selected);
        assert_eq!(area(&r, bos).code.as_deref(), Some("BOS"));
        assert_eq!(area(&r, spm).code.as_deref(), Some("SPM"));
    }
    let r = both(
        &file,
        &boston_from_2020(Duplicates::KeepFirst),
        Some(By::Aor),
    );
    // Most detainers first.
    assert_eq!(r.by_area[0].area.as_deref(), Some(spm));
    let s = area(&r, spm);
    assert_eq!((s.declined_share.count, s.declined_share.of), (2, 3));
    assert_eq!((s.honored_share.count, s.honored_share.of), (1, 3));
    let b = area(&r, bos);
    assert_eq!((b.honored_share.count, b.honored_share.of), (2, 3));
    // The period is 2020-01-01 to the end of Boston's last month, 2020-02-29;
    // both areas have a population row in data/context/aor_population.csv.
    assert_eq!(b.population_year, Some(2019));
    let per_100k = |n: f64, pop: f64| n / pop * 100_000.0;
    assert!((b.detainers_per_100k.unwrap() - per_100k(3.0, 824_540.0)).abs() < 1e-9);
    assert!((s.detainers_per_100k.unwrap() - per_100k(4.0, 358_854.0)).abs() < 1e-9);

    let r = both(
        &file,
        &boston_from_2020(Duplicates::KeepFirst),
        Some(By::State),
    );
    assert_eq!(counts(area(&r, "MASSACHUSETTS")), (2, 1, 1, 0));
    assert_eq!(counts(area(&r, "NEW HAMPSHIRE")), (1, 0, 1, 0));
    assert_eq!(counts(area(&r, "MINNESOTA")), (4, 2, 1, 1));
    assert!(r.by_area.iter().all(|a| !a.selected && a.code.is_none()));

    // Facilities of the selection only.
    let r = both(
        &file,
        &boston_from_2020(Duplicates::KeepFirst),
        Some(By::Facility),
    );
    assert_eq!(r.by_area.len(), 2);
    assert_eq!(counts(area(&r, "JAIL A")), (2, 1, 1, 0));
    assert_eq!(counts(area(&r, "JAIL B")), (1, 0, 1, 0));
}

#[test]
fn a_grouping_never_changes_the_main_results() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.csv");
    generate_file(&path, Size::Rows(6_000), 21).unwrap();
    let files = vec![path, crate::util::fixture("records/areas.csv")];
    for policy in crate::util::ROW_POLICIES {
        let filters = boston_from_2020(policy);
        let plain = both(&files, &filters, None);
        assert!(plain.by_area.is_empty() && plain.by.is_none());
        for by in [By::Aor, By::State, By::Facility] {
            let mut grouped = both(&files, &filters, Some(by));
            assert!(!grouped.by_area.is_empty(), "{by:?}");
            let total: u64 = grouped.by_area.iter().map(|a| a.detainers).sum();
            if by == By::Facility {
                assert_eq!(total, grouped.rows_used, "facilities of the selection");
            } else {
                assert!(total > grouped.rows_used, "every area, not only Boston");
            }
            grouped.by = None;
            grouped.by_area.clear();
            assert_eq!(
                grouped, plain,
                "--by {by:?} changed the results under {policy:?}"
            );
        }
    }
}

#[test]
fn a_grouping_on_a_missing_column_names_file_and_column() {
    let file = vec![crate::util::fixture("records/mini.csv")];
    for engine in [ScanEngine::Blocks, ScanEngine::Polars] {
        let e = crate::util::run_engine_by(engine, &file, &Filters::default(), Some(By::Facility))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("mini.csv has no detention_facility column (layout ")
                && e.contains("--by facility cannot be used")
                && matches!(
                    crate::util::run_engine_by(
                        engine,
                        &file,
                        &Filters::default(),
                        Some(By::Facility)
                    ),
                    Err(detainers::Error::Argument(_))
                ),
            "{e}"
        );
    }
}

/// A file whose last column is `unique_identifier`, with `NA` persons (an
/// empty last field would make a short row), `NA`, empty and quoted-empty
/// facilities, a pair split across two facilities, and an area spelled in
/// capitals.
fn awkward_areas(dir: &std::path::Path) -> PathBuf {
    let head = "\"\",\"detainer_prepare_date\",\"facility_state\",\"facility_aor\",\"detention_facility\",\"case_category\",\"entry_status\",\"final_order_yes_no\",\"illegal_reentry_yes_no\",\"detainer_lift_reason\",\"duplicate_likely\",\"unique_identifier\"\n";
    let rows = [
        // A pair split across two facilities: counted once, in JAIL A.
        r#""1",2020-01-10,"MASSACHUSETTS","Boston Area of Responsibility","JAIL A",NA,NA,NA,NA,"Detainer Declined by LEA",TRUE,"p1""#,
        r#""2",2020-01-10,"MASSACHUSETTS","Boston Area of Responsibility","JAIL B",NA,NA,NA,NA,"Booked into Detention",TRUE,"p1""#,
        // Flagged rows without a person: each a group of its own.
        r#""3",2020-01-11,"MASSACHUSETTS","Boston Area of Responsibility",NA,NA,NA,NA,NA,"Booked into Detention",TRUE,NA"#,
        r#""4",2020-01-11,"MASSACHUSETTS","Boston Area of Responsibility","",NA,NA,NA,NA,"Booked into Detention",TRUE,NA"#,
        r#""5",2020-01-11,"MASSACHUSETTS","Boston Area of Responsibility",,NA,NA,NA,NA,NA,TRUE,"NA""#,
        // The area in capitals: the same area.
        r#""6",2020-01-12,"MASSACHUSETTS","BOSTON AREA OF RESPONSIBILITY","JAIL A",NA,NA,NA,NA,"Detainer Declined by LEA",FALSE,"p6""#,
        r#""7",2020-01-13,"MINNESOTA","St. Paul Area of Responsibility","JAIL C",NA,NA,NA,NA,NA,FALSE,NA"#,
    ];
    let path = dir.join("awkward-areas.csv");
    std::fs::write(&path, format!("{head}{}\n", rows.join("\n"))).unwrap();
    path
}

#[test]
fn missing_persons_and_areas_and_split_pairs_count_once_in_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let file = vec![awkward_areas(dir.path())];
    let boston = Filters {
        aor: Some(resolve_aor("BOS").unwrap().into()),
        ..Filters::default()
    };
    // The file has no drop flag or episode number: `file` cannot apply.
    let policies = [
        Duplicates::Exclude,
        Duplicates::KeepFirst,
        Duplicates::Include,
        Duplicates::Episode,
    ];
    for policy in policies {
        let filters = Filters {
            duplicates: policy,
            ..boston.clone()
        };
        for by in [None, Some(By::Aor), Some(By::State), Some(By::Facility)] {
            let r = both(&file, &filters, by);
            // Row 7 is St. Paul; rows 1-5 are flagged, 1-2 one pair. By
            // DDP's episode rule the pair is two detainers (two facilities)
            // and rows without a person are all used.
            let used = match policy {
                Duplicates::Exclude => 1,
                Duplicates::KeepFirst => 5,
                Duplicates::Include | Duplicates::Episode => 6,
                Duplicates::File => unreachable!("not run"),
            };
            assert_eq!(r.rows_read, 7, "the last column's NA is no short row");
            assert_eq!(r.rows_used, used, "{policy:?} {by:?}");
            assert_eq!(r.duplicates.flagged_rows, 5);
            assert_eq!(r.duplicates.flagged_groups, Some(4));
            if by == Some(By::Facility) {
                let total: u64 = r.by_area.iter().map(|a| a.detainers).sum();
                assert_eq!(total, used, "every used row in one facility, {policy:?}");
                let missing = r.by_area.iter().find(|a| a.area.is_none());
                let expected_missing = match policy {
                    Duplicates::Exclude => None,
                    _ => Some(3),
                };
                assert_eq!(missing.map(|a| a.detainers), expected_missing, "{policy:?}");
            }
            if by == Some(By::Aor) {
                let selected: Vec<&AreaOutcomes> =
                    r.by_area.iter().filter(|a| a.selected).collect();
                assert_eq!(selected.len(), 1, "one Boston, whatever its spelling");
                assert_eq!(selected[0].detainers, used);
                // The spelling with most rows names it: under exclude only
                // row 6, in capitals, is used.
                let name = match policy {
                    Duplicates::Exclude => "BOSTON AREA OF RESPONSIBILITY",
                    _ => "Boston Area of Responsibility",
                };
                assert_eq!(selected[0].area.as_deref(), Some(name), "{policy:?}");
            }
        }
    }
}
