//! Every published layout (`data/crosswalk/layouts.csv`): one generated data
//! set written in each gives the same results as the same rows under the
//! canonical names, from both engines; the layouts people download today
//! (NPR's six columns, DDP's August 2026 release) run and say what they
//! lack.

use detainers::records::RequestChoice;
use detainers::records::{
    bundled_layouts, canonical_layout, generate_layout_file, Layout, COLUMNS,
};
use detainers::{By, Duplicates, FileFormat, Filters, RecordResults, Size};
use std::path::{Path, PathBuf};

/// Results with the files read left out (and the names of the files that
/// lack a column): what two files holding the same rows must share.
fn without_files(mut r: RecordResults) -> RecordResults {
    r.files.clear();
    r.missing_columns.iter_mut().for_each(|m| m.files.clear());
    r
}

fn has(layout: &Layout, column: &str) -> bool {
    let at = COLUMNS.iter().position(|c| *c == column).unwrap();
    !layout.sources[at].is_empty()
}

/// The runs a layout can take: with no option, grouped by each place it
/// has, and under each duplicates policy its columns allow.
fn runs(layout: &Layout) -> Vec<(Filters, Option<By>)> {
    let mut runs = vec![(Filters::default(), None)];
    for (by, column) in [
        (By::Aor, "facility_aor"),
        (By::State, "facility_state"),
        (By::City, "facility_city"),
        (By::Facility, "detention_facility"),
    ] {
        if has(layout, column) {
            runs.push((Filters::default(), Some(by)));
        }
    }
    if has(layout, "unique_identifier") {
        for duplicates in [Duplicates::KeepFirst, Duplicates::Include] {
            runs.push((
                Filters {
                    duplicates,
                    ..Filters::default()
                },
                None,
            ));
        }
    }
    runs
}

fn generate(dir: &Path, layout: &Layout, format: FileFormat) -> PathBuf {
    let name = format!("{}.{}", layout.name.replace(' ', "_"), format.extension());
    let path = dir.join(name);
    generate_layout_file(&path, Size::Rows(1_500), 31, format, layout).unwrap();
    path
}

#[test]
fn every_layout_reads_as_the_same_rows_under_canonical_names() {
    let dir = tempfile::tempdir().unwrap();
    let layouts = bundled_layouts();
    assert!(layouts.len() >= 12);
    for layout in &layouts {
        let workbook = layout.dates == "Excel date";
        let formats: &[FileFormat] = if workbook {
            &[FileFormat::Xlsx, FileFormat::Csv]
        } else {
            &[FileFormat::Csv, FileFormat::Parquet]
        };
        for &format in formats {
            // The same rows under canonical names, in the same format (a
            // workbook without duplicate_likely gets it derived, whatever
            // its names).
            let canonical = generate(dir.path(), &canonical_layout(layout), format);
            let file = generate(dir.path(), layout, format);
            for (filters, by) in runs(layout) {
                let what = format!(
                    "{} as {} with {filters:?} by {by:?}",
                    layout.name,
                    format.name()
                );
                let expected =
                    crate::util::both_engines(std::slice::from_ref(&canonical), &filters, by)
                        .unwrap_or_else(|e| panic!("{what}, canonical: {e}"));
                let got = crate::util::both_engines(std::slice::from_ref(&file), &filters, by)
                    .unwrap_or_else(|e| panic!("{what}: {e}"));
                assert_eq!(got.files[0].layout, layout.name, "{what}");
                assert_eq!(got.rows_read, 1_500, "{what}");
                assert_eq!(without_files(got), without_files(expected), "{what}");
            }
        }
    }
}

/// The rows of a text file as maps from its header's names to values, read
/// with the csv crate alone.
fn rows_of(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .map(String::from)
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn a_six_column_npr_file_runs_with_no_option_and_its_places_filter_and_group() {
    let dir = tempfile::tempdir().unwrap();
    let layouts = bundled_layouts();
    let npr = layouts.iter().find(|l| l.name == "npr-processed").unwrap();
    let path = generate(dir.path(), npr, FileFormat::Csv);
    let rows = rows_of(&path);
    assert_eq!(
        rows[0].keys().collect::<Vec<_>>(),
        [
            "city",
            "date",
            "det_facility",
            "detainer_type",
            "lift_reason",
            "state"
        ]
    );
    assert!(rows.iter().any(|r| r["date"].ends_with(" 00:00:00")));
    // A row is used when its date is a date (the generator writes NA and
    // spreadsheet serials too; its dates all fall in 2012-2026).
    let dated = |r: &&std::collections::BTreeMap<String, String>| r["date"].contains('-');
    let used: Vec<_> = rows.iter().filter(dated).collect();
    // Every request: the layout is what is read here (NPR's forms are
    // classed in the truth tests).
    let all = Filters {
        request_type: RequestChoice::All,
        ..Filters::default()
    };
    let r = crate::util::both_engines(std::slice::from_ref(&path), &all, None).unwrap();
    assert_eq!(r.files[0].layout, "npr-processed");
    assert_eq!((r.rows_read, r.rows_used), (1_500, used.len() as u64));
    let missing: Vec<&str> = r
        .missing_columns
        .iter()
        .map(|m| m.column.as_str())
        .collect();
    for column in [
        "facility_aor",
        "case_category",
        "duplicate_likely",
        "unique_identifier",
    ] {
        assert!(missing.contains(&column), "{missing:?}");
    }
    // The table of what is missing says "none" only when nothing is.
    let caption = |r: &RecordResults| {
        detainers::records::missing_columns_table(r)
            .unwrap()
            .caption
    };
    assert!(!caption(&r).contains("none"), "{}", caption(&r));
    let canonical = dir.path().join("canonical.csv");
    crate::util::every_column_file(&canonical, 100, 1);
    let full = crate::util::both_engines(&[canonical], &Filters::default(), None).unwrap();
    assert!(full.missing_columns.is_empty());
    assert!(caption(&full).ends_with("(none: every file has every column)"));
    // No status column at all: every detainer's status is unknown.
    let unknown = r
        .by_status_group
        .iter()
        .find(|g| g.group == "Unknown status")
        .unwrap();
    assert_eq!(unknown.detainers, r.rows_used);
    // Each place filters as in the file, counted here by hand.
    let state = used[0]["state"].clone();
    let city = used[0]["city"].clone();
    let facility = used[0]["det_facility"].clone();
    let count =
        |column: &str, value: &str| used.iter().filter(|r| r[column] == value).count() as u64;
    for (filters, expected) in [
        (
            Filters {
                state: Some(state.to_lowercase()),
                ..all.clone()
            },
            count("state", &state),
        ),
        (
            Filters {
                city: Some(city.clone()),
                ..all.clone()
            },
            count("city", &city),
        ),
        (
            Filters {
                facility: Some(facility.clone()),
                ..all.clone()
            },
            count("det_facility", &facility),
        ),
    ] {
        let r = crate::util::both_engines(std::slice::from_ref(&path), &filters, None).unwrap();
        assert_eq!(r.rows_used, expected, "{filters:?}");
        assert!(expected > 0);
    }
    // Grouped by facility and by city: one area per distinct value.
    for (by, column) in [(By::Facility, "det_facility"), (By::City, "city")] {
        let r = crate::util::both_engines(std::slice::from_ref(&path), &all, Some(by)).unwrap();
        let distinct: std::collections::BTreeSet<&str> =
            used.iter().map(|r| r[column].as_str()).collect();
        assert_eq!(r.by_area.len(), distinct.len(), "{by:?}");
        assert_eq!(
            r.by_area.iter().map(|a| a.detainers).sum::<u64>(),
            r.rows_used - r.outcomes.no_lift_reason_column
        );
    }
    // Events of the selected city, from a file of one's own.
    let events = dir.path().join("events.csv");
    std::fs::write(
        &events,
        format!(
            "date,aor,state,city,place,label,event,source\n2019-06-01,,,{},\"{} (city)\",A local rule,\"A rule on detainers takes effect.\",https://example.org/rule\n",
            city.to_lowercase(),
            city
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    crate::util::records_ok(
        &out,
        &[
            "--city",
            &city,
            "--events",
            events.to_str().unwrap(),
            path.to_str().unwrap(),
        ],
    );
    let v = crate::util::results(&out);
    assert_eq!(v["events"][0]["label"], "A local rule");
    // No area column: --aor is a usage error that says so, in one line.
    let o = crate::util::records(&out, &["--aor", "BOS", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("has no facility_aor column (layout npr-processed)")
            && e.contains("--aor cannot be used"),
        "{e}"
    );
    assert_eq!(e.lines().count(), 1, "{e}");
}

/// NPR's rows before FY2015 have no detainer type: the last field of the
/// six is empty. Such a row is whole and used; only a row with fewer fields
/// than the header is short. Counted here by hand from the text.
#[test]
fn an_empty_last_field_is_a_value_and_only_a_row_with_fewer_fields_is_short() {
    let dir = tempfile::tempdir().unwrap();
    let text = "date,lift_reason,det_facility,city,state,detainer_type\n\
        2007-10-02 00:00:00,Lifted,COUNTY JAIL,BOSTON,MA,\n\
        2008-01-15 00:00:00,Booked into Detention,COUNTY JAIL,BOSTON,MA,\n\
        2009-05-05 00:00:00,,HOUSE OF CORRECTION,SALEM,MA,\n\
        2016-03-01 00:00:00,Lifted,COUNTY JAIL,BOSTON,MA,I-247D\n\
        2010-07-07 00:00:00,Lifted,COUNTY JAIL,BOSTON\n";
    for delimiter in [',', '\t'] {
        let path = dir.path().join(format!("npr-{}.csv", u32::from(delimiter)));
        std::fs::write(&path, text.replace(',', &delimiter.to_string())).unwrap();
        let r = crate::util::both_engines(std::slice::from_ref(&path), &Filters::default(), None)
            .unwrap();
        assert_eq!(r.files[0].layout, "npr-processed");
        assert_eq!(r.rows_read, 5);
        assert_eq!(r.rows_excluded.get("short_row").copied(), Some(1));
        assert_eq!(r.rows_used, 4);
        // Two lifted (other), one booked (custody), one with no lift reason.
        let o = &r.outcomes;
        assert_eq!((o.other_resolved, o.custody, o.open), (2, 1, 1), "{o:?}");
    }
}

/// A field of only white space holds nothing: in DDP's historical file,
/// whose area comes from `detainer_aor` or else `facility_aor`, a row whose
/// first source is spaces is read from the second. Counted here by hand.
#[test]
fn a_field_of_only_white_space_is_missing_and_the_second_source_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("historical.csv");
    let boston = "Boston Area of Responsibility";
    let header = "prepare_date,detainer_aor,facility_aor,facility_state,state,facility_city,city,detention_facility,detainer_facility,case_category,entry_status,final_order_yes_no,illegal_reentry_yes_no,detainer_lift_reason,unique_identifier,duplicate_episode_id,detainer_lift_reason2";
    let rows = [
        // The first area source is spaces, the second Boston: used.
        format!("2018-04-02,\"   \",{boston},MA,,BOSTON,,JAIL,,,,,,Booked into Detention,p1,1,"),
        // A prepare date of spaces and a tab: missing, not unparseable.
        format!("\" \t \",{boston},,MA,,BOSTON,,JAIL,,,,,,,p2,2,"),
        // A lift reason of one space: no lift reason yet (open).
        format!("2018-04-03,{boston},,MA,,BOSTON,,JAIL,,,,,,\" \",p3,3,"),
    ];
    std::fs::write(&path, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    let filters = Filters {
        aor: Some(detainers::records::resolve_aor("BOS").unwrap().into()),
        ..Filters::default()
    };
    let r = crate::util::both_engines(std::slice::from_ref(&path), &filters, None).unwrap();
    assert_eq!(r.files[0].layout, "ddp-historical");
    assert_eq!((r.rows_read, r.rows_used), (3, 2));
    assert_eq!(r.rows_excluded.get("missing_date").copied(), Some(1));
    assert_eq!(r.rows_excluded.get("outside_aor").copied(), Some(0));
    assert_eq!((r.outcomes.custody, r.outcomes.open), (1, 1));
}

#[test]
fn ddps_august_2026_release_runs_and_says_it_has_no_reentry_flag() {
    let dir = tempfile::tempdir().unwrap();
    let layouts = bundled_layouts();
    for name in ["ddp-2026-08", "ddp-2026-08-raw-names"] {
        let layout = layouts.iter().find(|l| l.name == name).unwrap();
        let path = generate(dir.path(), layout, FileFormat::Parquet);
        let out = dir.path().join(format!("out-{name}"));
        crate::util::records_ok(&out, &[path.to_str().unwrap()]);
        let v = crate::util::results(&out);
        assert_eq!(v["files"][0]["layout"], name);
        let missing = v["missing_columns"].as_array().unwrap();
        let reentry = missing
            .iter()
            .find(|m| m["column"] == "illegal_reentry_yes_no")
            .expect("the re-entry flag is listed as missing");
        assert!(reentry["effect"]
            .as_str()
            .unwrap()
            .contains("rules on this column cannot apply"));
        let page = crate::util::read(&out.join("report.html"));
        assert!(
            page.contains("illegal_reentry_yes_no") && page.contains("what its absence costs"),
            "the page says so"
        );
        let table = crate::util::read(&out.join("tables/missing_columns.csv"));
        assert!(table.contains("illegal_reentry_yes_no"), "{table}");
    }
    // A file with every column: the table is written, header only, and the
    // page draws no empty grid for it.
    let canonical = dir.path().join("canonical.csv");
    crate::util::every_column_file(&canonical, 200, 5);
    let out = dir.path().join("out-canonical");
    crate::util::records_ok(&out, &[canonical.to_str().unwrap()]);
    let table = crate::util::read(&out.join("tables/missing_columns.csv"));
    assert_eq!(table.lines().count(), 1, "{table}");
    let page = crate::util::read(&out.join("report.html"));
    assert!(!page.contains("what its absence costs"), "no empty table");
}
