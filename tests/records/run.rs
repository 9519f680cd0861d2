//! Record-level detainer files: the real St. Paul sample, a hand-checked
//! fixture, generated files and bad inputs, through the library and the CLI.

use chrono::NaiveDate;
use detainers::records::resolve_aor;
use detainers::run_records;
use detainers::Inputs;
use detainers::{generate_file, Size};
use detainers::{Filters, RecordResults};
use std::path::PathBuf;

fn run(files: &[PathBuf], filters: &Filters) -> detainers::Result<RecordResults> {
    run_records(files, filters, &Inputs::bundled())
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn group(r: &RecordResults, name: &str) -> u64 {
    r.by_status_group
        .iter()
        .find(|g| g.group == name)
        .unwrap_or_else(|| panic!("no group {name}"))
        .detainers
}

/// The article's period and area, on the hand-made fixture.
fn boston_spring_2018() -> Filters {
    Filters {
        aor: Some(resolve_aor("BOS").unwrap().into()),
        from: Some(day("2018-03-19")),
        to: Some(day("2018-05-30")),
        duplicates: detainers::Duplicates::Exclude,
        ..Filters::default()
    }
}

#[test]
fn real_sample_reads_22_rows_all_declined() {
    let Some(sample) = crate::util::real_detainer_sample() else {
        return;
    };
    let r = run(std::slice::from_ref(&sample), &Filters::default()).unwrap();
    assert_eq!(r.rows_read, 22);
    assert_eq!(r.rows_used, 22);
    assert!(
        r.rows_excluded.values().all(|n| *n == 0),
        "{:?}",
        r.rows_excluded
    );
    assert_eq!(r.declined_by_lea.count, 22);
    assert_eq!(r.declined_by_lea.share, Some(1.0));
    assert_eq!(r.lift_reasons.len(), 1);
    assert_eq!(
        r.lift_reasons[0].reason.as_deref(),
        Some("Detainer Declined by LEA")
    );
    assert_eq!(r.by_month.len(), 1);
    assert_eq!(r.by_month[0].month, "2026-02");
    assert_eq!(r.by_month[0].detainers, 22);
    // The 22 declined are counted under `declined` by the outcome crosswalk.
    let o = &r.outcomes;
    assert_eq!(crate::util::outcome_classes(&r), [22, 0, 0, 0, 0]);
    for d in &o.denominators[..2] {
        assert_eq!((d.declined.count, d.declined.of), (22, 22), "{}", d.name);
        assert_eq!(d.declined.share, Some(1.0));
    }
    // Its dates run from 2026-02-02 to 2026-02-11, so with the cut date at the
    // latest of them no detainer has 180 days of follow-up; with 5 days, the
    // one prepared on 2026-02-02 has.
    assert_eq!(o.follow_up.as_of, Some(day("2026-02-11")));
    assert_eq!(o.follow_up.last_prepare_date, Some(day("2025-08-15")));
    let followed = &o.denominators[2];
    assert_eq!(followed.name, "followed_up");
    assert_eq!((followed.declined.count, followed.declined.of), (0, 0));
    assert_eq!(followed.declined.share, None);
    let five_days = detainers::RunOptions {
        follow_up: detainers::records::FollowUpOptions {
            as_of: None,
            days: 5,
        },
        ..detainers::RunOptions::default()
    };
    let r5 = detainers::run_records_with(
        std::slice::from_ref(&sample),
        &Filters::default(),
        &Inputs::bundled(),
        &five_days,
    )
    .unwrap();
    let followed = &r5.outcomes.denominators[2];
    assert_eq!((followed.declined.count, followed.declined.of), (1, 1));
    // The file holds declined detainers only (its name says so), so the
    // honored share measured from it is 0 of 22: a selection, not a rate.
    assert_eq!((o.honored_share.count, o.honored_share.of), (0, 22));
    // Counted independently from the CSV: 8 x [11], 6 x [2A], 2 x missing,
    // 2 x [8A], and one each of [3], [8B], [8C], [16].
    let cat = |name: Option<&str>| {
        r.by_case_category
            .iter()
            .find(|c| c.case_category.as_deref() == name)
            .map_or(0, |c| c.detainers)
    };
    assert_eq!(cat(Some("[11] Administrative Deportation / Removal")), 8);
    assert_eq!(cat(Some("[2A] Deportable - Under Adjudication by IJ")), 6);
    assert_eq!(cat(None), 2);
    assert_eq!(
        r.by_case_category.iter().map(|c| c.detainers).sum::<u64>(),
        22
    );
    // Through the crosswalk: the two final-order flags are the [3] and [8C]
    // rows; [16] is a re-entry; [2A], [8A], [8B] are in proceedings (9);
    // [11] and missing categories map to nothing (10), of which one row
    // (2026-02-11) has none of the four status fields: its status is
    // unknown, not unmapped.
    assert_eq!(group(&r, "Final Order of Removal"), 2);
    assert_eq!(group(&r, "Reentry after Deportation"), 1);
    assert_eq!(group(&r, "In Removal Proceedings"), 9);
    assert_eq!(group(&r, "Not mapped"), 9);
    assert_eq!(group(&r, "Unknown status"), 1);
    // The file follows DDP's March 2026 layout, and lacks only the lift
    // date (only TRAC's rows carry one). Its forms are all I-247A: hold
    // requests, every row read.
    assert_eq!(r.files[0].layout, "ddp-2026-03");
    let missing: Vec<&str> = r
        .missing_columns
        .iter()
        .map(|m| m.column.as_str())
        .collect();
    assert_eq!(missing, ["detainer_lift_date"]);
    assert_eq!(
        r.request_types.applied,
        detainers::records::RequestChoice::Hold
    );
    assert_eq!(r.rows_excluded["other_request_type"], 0);
    // St. Paul, inclusive dates: only the 2026-02-02 row on that day.
    let one_day = Filters {
        aor: Some(resolve_aor("St. Paul").unwrap().into()),
        state: Some("Minnesota".into()),
        from: Some(day("2026-02-02")),
        to: Some(day("2026-02-02")),
        duplicates: detainers::Duplicates::Exclude,
        ..Filters::default()
    };
    let r = run(&[crate::util::real_detainer_sample().unwrap()], &one_day).unwrap();
    assert_eq!((r.rows_used, r.rows_excluded["outside_dates"]), (1, 21));
}

#[test]
fn outcomes_and_the_article_at_the_measured_share_on_the_hand_checked_fixture() {
    let r = run(
        &[crate::util::fixture("records/mini.csv")],
        &boston_spring_2018(),
    )
    .unwrap();
    // Used: declined on 03-19, 04-15 (doubled space) and 05-30, booked into
    // detention on 03-31, no lift reason on 04-02.
    let o = &r.outcomes;
    assert_eq!(crate::util::outcome_classes(&r), [3, 1, 0, 0, 1]);
    assert_eq!(
        (o.denominators[0].declined.of, o.denominators[1].declined.of),
        (5, 4)
    );
    assert_eq!(o.denominators[1].declined.share, Some(0.75));
    assert_eq!((o.honored_share.count, o.honored_share.of), (1, 4));
    assert_eq!(o.honored_share.share, Some(0.25));

    let dataset = detainers::load_dataset(detainers::dataset_dir("boston-2018")).unwrap();
    let article = detainers::analyse(&dataset, 0.5).unwrap();
    let c = detainers::compare_with_article(&article, &r);
    assert!(c.covers_article_period, "{}", c.note);
    assert_eq!(
        c.records_area.as_deref(),
        Some("Boston Area of Responsibility")
    );
    assert_eq!(c.assumed_honored_share, 0.5);
    assert!((c.custody_share_assumed - 218.0 / 456.0).abs() < 1e-12);
    // (110 CAP referrals + 0.25 x 216 detainers) / 456 hits = 164 / 456.
    assert!((c.custody_share_measured.unwrap() - 164.0 / 456.0).abs() < 1e-12);
    let i = c.custody_share_measured_interval.unwrap();
    assert!(i.low < 164.0 / 456.0 && 164.0 / 456.0 < i.high);
    assert!(i.low >= 110.0 / 456.0 && i.high <= 326.0 / 456.0);
    assert!(!c.note.contains("do not cover"), "{}", c.note);
}

#[test]
fn the_comparison_says_when_the_records_are_from_another_period_and_area() {
    let Some(sample) = crate::util::real_detainer_sample() else {
        return;
    };
    let r = run(&[sample], &Filters::default()).unwrap();
    let dataset = detainers::load_dataset(detainers::dataset_dir("boston-2018")).unwrap();
    let article = detainers::analyse(&dataset, 0.5).unwrap();
    let c = detainers::compare_with_article(&article, &r);
    assert!(!c.covers_article_period);
    assert!(
        c.note
            .contains("do not cover the article's period (2018-03-19 to 2018-05-30)")
            && c.note.contains("not filtered to one area"),
        "{}",
        c.note
    );
    // All 22 are declined, so p = 0 and the estimate is the CAP share alone.
    assert_eq!(c.measured_honored_share, Some(0.0));
    assert!((c.custody_share_measured.unwrap() - 110.0 / 456.0).abs() < 1e-12);
    let html = detainers::comparison_table(&c).unwrap().to_html();
    assert!(
        html.contains("measured from the records") && html.contains("24.1%"),
        "{html}"
    );
}

#[test]
fn the_comparison_says_when_the_records_run_longer_than_the_article() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.csv");
    generate_file(&path, Size::Rows(20_000), 4).unwrap();
    let dataset = detainers::load_dataset(detainers::dataset_dir("boston-2018")).unwrap();
    let article = detainers::analyse(&dataset, 0.5).unwrap();
    let mut boston = Filters {
        aor: Some(resolve_aor("BOS").unwrap().into()),
        from: Some(day("2016-10-01")),
        to: Some(day("2025-09-30")),
        ..Filters::default()
    };
    let c = detainers::compare_with_article(
        &article,
        &run(std::slice::from_ref(&path), &boston).unwrap(),
    );
    assert!(c.covers_article_period);
    // The period is the filters' cut to the months with Boston detainers.
    let (from, to) = c.records_period.clone().unwrap();
    assert!(from.as_str() >= "2016-10-01" && to.as_str() <= "2025-09-30");
    assert!(
        c.note
            .contains(&format!("{from} to {to}, longer than the article's period")),
        "{}",
        c.note
    );
    // A filter wider than the data does not widen it: records of 2020 alone
    // do not cover 2018, whatever the filter says.
    let c = detainers::compare_with_article(
        &article,
        &run(&[crate::util::fixture("records/pairs.csv")], &boston).unwrap(),
    );
    assert!(!c.covers_article_period);
    assert_eq!(
        c.records_period,
        Some(("2020-01-01".to_string(), "2020-12-31".to_string()))
    );
    assert!(c.note.contains("do not cover"), "{}", c.note);
    // Exactly the article's period: nothing to say about it.
    boston.from = Some(day("2018-03-19"));
    boston.to = Some(day("2018-05-30"));
    let c = detainers::compare_with_article(&article, &run(&[path], &boston).unwrap());
    assert!(
        !c.note.contains("longer") && !c.note.contains("do not cover"),
        "{}",
        c.note
    );
}

#[test]
fn hand_checked_fixture_counts_every_row_once() {
    let r = run(
        &[crate::util::fixture("records/mini.csv")],
        &boston_spring_2018(),
    )
    .unwrap();
    assert_eq!(r.rows_read, 11);
    assert_eq!(r.rows_used, 5);
    let ex = &r.rows_excluded;
    assert_eq!(ex["missing_date"], 1);
    assert_eq!(ex["unparseable_date"], 1);
    assert_eq!(
        ex["outside_dates"], 2,
        "2018-03-18 and 2018-05-31; both ends inclusive"
    );
    assert_eq!(ex["outside_aor"], 1);
    assert_eq!(ex["outside_state"], 0);
    assert_eq!(ex["duplicate_likely"], 1);
    assert_eq!(r.rows_used + ex.values().sum::<u64>(), r.rows_read);
    // Doubled spaces inside labels are collapsed, so 'Detainer  Declined by LEA'
    // and 'Boston  Area of Responsibility' count.
    assert_eq!(r.declined_by_lea.count, 3);
    assert_eq!(r.declined_by_lea.share, Some(0.6));
    assert_eq!(group(&r, "In Removal Proceedings"), 1);
    assert_eq!(group(&r, "Final Order of Removal"), 1);
    assert_eq!(group(&r, "Reentry after Deportation"), 1);
    assert_eq!(group(&r, "Present without Admission"), 1);
    assert_eq!(group(&r, "Non-Immigrant (Temporary Visa)"), 0);
    assert_eq!(group(&r, "Not mapped"), 1);
    let months: Vec<(&str, u64, u64)> = r
        .by_month
        .iter()
        .map(|m| (m.month.as_str(), m.detainers, m.declined_by_lea))
        .collect();
    assert_eq!(
        months,
        [("2018-03", 2, 1), ("2018-04", 2, 1), ("2018-05", 1, 1)]
    );
    let c = r.context.as_ref().expect("BOS has a population row");
    assert_eq!(c.population_year, 2019);
    // A year is a number without a thousands separator, aligned as numbers are.
    let shown = detainers::records::context_table(&r).unwrap().to_html();
    assert!(!shown.contains("2,019"), "{shown}");
    let cell = shown.find(">2019<").expect("the year is shown");
    let opening = shown[..cell].rfind("<td").unwrap();
    assert!(shown[opening..cell].contains("text-align:right"), "{shown}");
    assert_eq!(c.period_days, 73);
    assert!((c.detainers_per_100k - 5.0 / 824_540.0 * 1e5).abs() < 1e-12);
    assert!((c.detainers_per_100k_per_year - c.detainers_per_100k * 365.25 / 73.0).abs() < 1e-12);

    let with_dups = Filters {
        duplicates: detainers::Duplicates::Include,
        ..boston_spring_2018()
    };
    let r = run(&[crate::util::fixture("records/mini.csv")], &with_dups).unwrap();
    assert_eq!(
        (r.rows_used, r.duplicates_used, r.declined_by_lea.count),
        (6, 1, 4)
    );
    assert_eq!(r.rows_excluded["duplicate_likely"], 0);

    let massachusetts = Filters {
        state: Some("massachusetts".into()),
        ..boston_spring_2018()
    };
    let r = run(&[crate::util::fixture("records/mini.csv")], &massachusetts).unwrap();
    assert_eq!((r.rows_used, r.rows_excluded["outside_state"]), (4, 1));
}

#[test]
fn generated_files_read_as_one_and_agree_with_an_independent_count() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    generate_file(&a, Size::Rows(3_000), 1).unwrap();
    generate_file(&b, Size::Rows(2_000), 2).unwrap();
    // Count duplicates, missing dates and declines with the csv crate alone.
    // The generator writes a date as YYYY-MM-DD, as NA or as a spreadsheet
    // serial (digits only), and every YYYY-MM-DD it writes falls inside
    // 2012-2026, so the shape alone tells a used date here.
    let mut dup = 0;
    let mut na_date = 0;
    let mut declined = 0;
    let dated = |t: &str| t.len() == 10 && t.as_bytes()[4] == b'-';
    for path in [&a, &b] {
        let mut reader = csv::Reader::from_path(path).unwrap();
        let h = reader.headers().unwrap().clone();
        let ix = |n: &str| h.iter().position(|x| x == n).unwrap();
        let (d, t, l) = (
            ix("duplicate_likely"),
            ix("detainer_prepare_date"),
            ix("detainer_lift_reason"),
        );
        for rec in reader.records() {
            let rec = rec.unwrap();
            // A flagged row is excluded as a duplicate only when no earlier
            // reason (its date) excludes it first.
            dup += u64::from(&rec[d] == "TRUE" && dated(&rec[t]));
            na_date += u64::from(&rec[t] == "NA");
            declined += u64::from(
                &rec[l] == "Detainer Declined by LEA" && &rec[d] != "TRUE" && dated(&rec[t]),
            );
        }
    }
    let every_request = Filters {
        request_type: detainers::records::RequestChoice::All,
        ..Filters::default()
    };
    let r = run(&[a.clone(), b.clone()], &every_request).unwrap();
    assert_eq!(r.rows_read, 5_000);
    assert_eq!(r.files.len(), 2);
    assert_eq!(r.rows_excluded["missing_date"], na_date);
    assert_eq!(r.rows_excluded["duplicate_likely"], dup);
    assert_eq!(r.declined_by_lea.count, declined);
    // Every used row has one outcome class; the generator's two made-up
    // reasons are listed as unclassified, not dropped.
    let o = &r.outcomes;
    assert_eq!(o.declined, declined);
    assert_eq!(
        o.declined + o.custody + o.other_resolved + o.unclassified + o.open,
        r.rows_used
    );
    let unknown: Vec<_> = o
        .unclassified_reasons
        .iter()
        .filter_map(|x| x.reason.as_deref())
        .collect();
    assert!(
        unknown.len() == 2
            && unknown.contains(&"Other")
            && unknown.contains(&"Detainer Lifted by ICE"),
        "{unknown:?}"
    );
    assert_eq!(
        o.unclassified_reasons.iter().map(|x| x.count).sum::<u64>(),
        o.unclassified
    );
    assert_eq!(o.honored_share.of, o.custody + o.declined);
    assert_eq!(r.rows_used + r.rows_excluded.values().sum::<u64>(), 5_000);
    assert_eq!(
        r.by_month.iter().map(|m| m.detainers).sum::<u64>(),
        r.rows_used
    );
    assert_eq!(
        r.by_status_group.iter().map(|g| g.detainers).sum::<u64>(),
        r.rows_used
    );
}

#[test]
fn short_rows_are_counted_and_extra_fields_ignored() {
    // A row with fewer fields than the header is excluded as `short_row`.
    let r = run(
        &[crate::util::fixture("records/short.csv")],
        &Filters::default(),
    )
    .unwrap();
    assert_eq!((r.rows_read, r.rows_used), (3, 2));
    assert_eq!(r.rows_excluded["short_row"], 1);
    // Fields past the header's width are ignored; the row is read as usual.
    let r = run(
        &[crate::util::fixture("records/ragged.csv")],
        &Filters::default(),
    )
    .unwrap();
    assert_eq!((r.rows_read, r.rows_used), (3, 3));
    assert_eq!(group(&r, "Reentry after Deportation"), 1);
}

#[test]
fn bad_files_give_errors_naming_the_file_never_a_panic() {
    let cases = [
        ("records/header-only-unknown.csv", "no known layout"),
        ("records/empty.csv", "file is empty"),
        ("records/utf16.csv", "file is UTF-16"),
        (
            "records/latin1.csv",
            "could not read as CSV (is the file UTF-8?)",
        ),
    ];
    for (rel, expected) in cases {
        let path = crate::util::fixture(rel);
        let e = run(std::slice::from_ref(&path), &Filters::default())
            .expect_err(rel)
            .to_string();
        assert!(e.starts_with(&path.display().to_string()), "{rel}: {e}");
        assert!(e.contains(expected), "{rel}: {e}");
    }
    // A blank first line before the header: line 1 named, not "empty".
    let dir = tempfile::tempdir().unwrap();
    let blank_first = dir.path().join("blank-first.csv");
    let mini = crate::util::read(&crate::util::fixture("records/mini.csv"));
    std::fs::write(&blank_first, format!("\r\n{mini}")).unwrap();
    let e = run(std::slice::from_ref(&blank_first), &Filters::default())
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        format!(
            "{}:1: the header line is empty; the file's first line must name its columns",
            blank_first.display()
        )
    );
    let r = run(
        &[crate::util::fixture("records/header-only.csv")],
        &Filters::default(),
    )
    .unwrap();
    assert_eq!((r.rows_read, r.rows_used), (0, 0));
    assert_eq!(r.declined_by_lea.share, None);
    let e = run(&[PathBuf::from("no/such/file.csv")], &Filters::default()).unwrap_err();
    assert!(e.to_string().starts_with("no/such/file.csv"), "{e}");
}

/// `tests/fixtures/records/pairs.csv`, checked by hand: rows 1, 7 and 8 are
/// not flagged; rows 2-3 (p2, 2020-02-01: booked, then declined) and 4-6 (p3,
/// 2020-06-01: open, open, booked) are flagged groups.
#[test]
fn duplicates_policies_and_follow_up_from_the_command_line() {
    let fixture = crate::util::fixture("records/pairs.csv");
    let run_with = |extra: &[&str]| {
        let out = tempfile::tempdir().unwrap();
        let mut args = vec![
            "records",
            fixture.to_str().unwrap(),
            "--quiet",
            "--out",
            out.path().to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let o = crate::util::detainers(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        crate::util::results(out.path())
    };
    // By DDP's episode rule each person's same-day rows are one detainer
    // (no facility or form to split them): rows 1, 2, 4, 7 and 8. The file
    // has no drop flag or episode number of its own.
    let by_policy = serde_json::json!([
        {"policy": "exclude", "rows_used": 3},
        {"policy": "keep_first", "rows_used": 5},
        {"policy": "include", "rows_used": 8},
        {"policy": "episode", "rows_used": 5},
        {"policy": "file", "rows_used": null}
    ]);
    for (policy, used, excluded, declined, custody) in [
        ("exclude", 3, 5, 2, 0),
        ("keep-first", 5, 3, 2, 1),
        ("include", 8, 0, 3, 2),
    ] {
        let r = run_with(&["--duplicates", policy]);
        assert_eq!(r["rows_used"], used, "{policy}");
        assert_eq!(r["rows_excluded"]["duplicate_likely"], excluded, "{policy}");
        assert_eq!(r["duplicates"]["flagged_rows"], 5);
        assert_eq!(r["duplicates"]["flagged_groups"], 2);
        assert_eq!(r["duplicates"]["rows_used_by_policy"], by_policy);
        assert_eq!(r["outcomes"]["declined"], declined, "{policy}");
        assert_eq!(r["outcomes"]["custody"], custody, "{policy}");
    }
    // keep-first keeps row 2 (booked) of p2 and row 4 (open) of p3. The cut
    // date defaults to the latest date read, 2020-12-31; 180 days before it
    // is 2020-07-04, so rows 1, 2, 4 and 7 have the follow-up.
    let r = run_with(&["--duplicates", "keep-first"]);
    assert_eq!(r["filters"]["duplicates"], "keep_first");
    let f = &r["outcomes"]["follow_up"];
    assert_eq!(f["as_of"], "2020-12-31");
    assert_eq!(f["as_of_from"], "the latest prepare date read");
    assert_eq!(f["last_prepare_date"], "2020-07-04");
    assert_eq!(f["detainers"], 4);
    let followed = &r["outcomes"]["denominators"][2];
    assert_eq!(followed["name"], "followed_up");
    assert_eq!(followed["declined"]["count"], 2);
    assert_eq!(followed["custody"]["count"], 1);
    assert_eq!(followed["declined"]["of"], 4);
    assert_eq!(r["outcomes"]["honored_share"]["count"], 1);
    assert_eq!(r["outcomes"]["honored_share"]["of"], 3);
    // 170 days before 2020-12-01 is 2020-06-14: rows 1, 2 and 4.
    let r = run_with(&[
        "--duplicates",
        "keep-first",
        "--as-of",
        "2020-12-01",
        "--follow-up-days",
        "170",
    ]);
    let f = &r["outcomes"]["follow_up"];
    assert_eq!(f["as_of_from"], "--as-of");
    assert_eq!(f["last_prepare_date"], "2020-06-14");
    assert_eq!(f["detainers"], 3);
    assert_eq!(r["outcomes"]["denominators"][2]["declined"]["count"], 1);
    // The old flag still works, as `--duplicates include`.
    let r = run_with(&["--include-duplicates"]);
    assert_eq!(r["rows_used"], 8);
    // keep-first on a file without unique_identifier: a usage error naming
    // file and column.
    let dir = tempfile::tempdir().unwrap();
    let no_id = dir.path().join("no-id.csv");
    let text = crate::util::read(&fixture).replace(",\"unique_identifier\"", ",\"other\"");
    std::fs::write(&no_id, text).unwrap();
    let o = crate::util::detainers(&[
        "records",
        no_id.to_str().unwrap(),
        "--duplicates",
        "keep-first",
        "--out",
        dir.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("no-id.csv has no unique_identifier column")
            && e.contains("--duplicates keep-first cannot be used")
            && e.lines().count() == 1,
        "{e}"
    );
}

#[test]
fn records_command_puts_the_article_estimate_beside_the_measured_share() {
    let out = tempfile::tempdir().unwrap();
    let fixture = crate::util::fixture("records/mini.csv");
    let args = [
        "records",
        fixture.to_str().unwrap(),
        "--aor",
        "BOS",
        "--from",
        "2018-03-19",
        "--to",
        "2018-05-30",
        "--quiet",
        "--out",
        out.path().to_str().unwrap(),
    ];
    let o = crate::util::detainers(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r = crate::util::results(out.path());
    let c = &r["article_comparison"];
    // 3 declined and 1 custody: p = 1/4, and (110 CAP referrals + 0.25 x 216
    // detainers) / 456 hits = 164 / 456.
    assert_eq!(c["measured_honored_share"], 0.25);
    assert!((c["custody_share_measured"].as_f64().unwrap() - 164.0 / 456.0).abs() < 1e-12);
    assert!((c["custody_share_assumed"].as_f64().unwrap() - 218.0 / 456.0).abs() < 1e-12);
    assert_eq!(c["covers_article_period"], true);
    let table = crate::util::read(&out.path().join("tables/article_comparison.csv"));
    assert!(table.contains("measured from the records"), "{table}");
    let page = crate::util::read(&out.path().join("report.html"));
    assert!(page.contains("at its assumed p = 0.5"), "the page says it");
    // Another article folder that is not a dataset is an error naming it.
    let mut bad = args.to_vec();
    bad.extend(["--article", "no/such/dataset"]);
    let o = crate::util::detainers(&bad);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no/such/dataset"));
}

#[test]
fn records_command_writes_the_contract_with_nulls_not_na() {
    let out = tempfile::tempdir().unwrap();
    let fixture = crate::util::fixture("records/mini.csv");
    let o = crate::util::detainers(&[
        "records",
        fixture.to_str().unwrap(),
        "--aor",
        "Boston",
        "--from",
        "2018-03-19",
        "--to",
        "2018-05-30",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v = crate::util::results(out.path());
    assert_eq!(v["rows_read"], 11);
    assert_eq!(v["rows_used"], 5);
    assert_eq!(v["rows_excluded"]["outside_dates"], 2);
    assert_eq!(v["declined_by_lea"]["count"], 3);
    assert_eq!(v["declined_by_lea"]["share"], 0.6);
    assert_eq!(v["by_month"][0]["month"], "2018-03");
    assert_eq!(v["by_month"][0]["declined_by_lea"], 1);
    let reasons = v["lift_reasons"].as_array().unwrap();
    assert!(reasons
        .iter()
        .any(|r| r["reason"].is_null() && r["count"] == 1));
    let categories = v["by_case_category"].as_array().unwrap();
    assert!(categories.iter().any(|c| c["case_category"].is_null()));
    // The six groups, then Not mapped and Unknown status.
    assert_eq!(v["by_status_group"].as_array().unwrap().len(), 8);
    let text = crate::util::read(&out.path().join("results.json"));
    assert!(!text.contains("\"NA\""), "missing values must be null");
    for f in [
        "report.html",
        "figures/status_groups.svg",
        "figures/monthly_declined_share.svg",
        "figures/monthly_detainers.csv",
        "tables/lift_reasons.csv",
        "tables/context.csv",
    ] {
        assert!(out.path().join(f).is_file(), "{f}");
    }
    let html = crate::util::read(&out.path().join("report.html"));
    assert!(html.contains("Boston Area of Responsibility (BOS)"));

    // User text reaches HTML and SVG escaped.
    let escaped = tempfile::tempdir().unwrap();
    let o = crate::util::detainers(&[
        "records",
        fixture.to_str().unwrap(),
        "--state",
        "<b>MA</b>",
        "--out",
        escaped.path().to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        crate::util::results(escaped.path())["rows_excluded"]["outside_state"],
        9,
        "all but the two undated rows"
    );
    let html = crate::util::read(&escaped.path().join("report.html"));
    assert!(!html.contains("<b>MA</b>") && html.contains("&lt;b&gt;MA&lt;/b&gt;"));
    let svg = crate::util::read(&escaped.path().join("figures/status_groups.svg"));
    assert!(!svg.contains("<b>MA</b>"), "SVG text must be escaped");

    // Bad arguments (exit 2) and files (exit 1): one line, no panic.
    for args in [
        vec!["records", fixture.to_str().unwrap(), "--aor", "XYZ"],
        vec![
            "records",
            fixture.to_str().unwrap(),
            "--from",
            "2018-06-01",
            "--to",
            "2018-05-01",
        ],
        vec![
            "records",
            crate::util::fixture("records/utf16.csv").to_str().unwrap(),
        ],
    ] {
        let o = crate::util::detainers(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        let expected = if args[1].ends_with("utf16.csv") { 1 } else { 2 };
        assert_eq!(o.status.code(), Some(expected), "{args:?}: {err}");
        assert!(
            err.starts_with("error: ") && err.trim_end().lines().count() == 1,
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn generate_command_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    for p in [&a, &b] {
        let o = crate::util::detainers(&[
            "generate",
            "--out",
            p.to_str().unwrap(),
            "--rows",
            "500",
            "--seed",
            "9",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let lines = crate::util::read(&a).lines().count();
    assert_eq!(lines, 501);
}

#[test]
fn the_library_checks_filters_as_the_command_line_does() {
    let fixture = crate::util::fixture("records/mini.csv");
    let backwards = Filters {
        from: Some(day("2018-06-01")),
        to: Some(day("2018-05-01")),
        ..Filters::default()
    };
    let e = run(std::slice::from_ref(&fixture), &backwards).unwrap_err();
    assert!(
        matches!(e, detainers::Error::Argument(_)) && e.to_string().contains("2018-06-01"),
        "{e}"
    );
    // An area filter built by hand, not by resolve_aor: an unknown code, and
    // a known code under another area's label.
    for (code, label, says) in [
        (
            "XYZ",
            "Nowhere Area of Responsibility",
            "unknown area of responsibility 'XYZ'",
        ),
        (
            "BOS",
            "St. Paul Area of Responsibility",
            "area BOS is labelled",
        ),
    ] {
        let filters = Filters {
            aor: Some(detainers::records::AorFilter {
                code: code.into(),
                label: label.into(),
            }),
            ..Filters::default()
        };
        let e = run(std::slice::from_ref(&fixture), &filters).unwrap_err();
        assert!(e.to_string().contains(says), "{e}");
    }
}

#[test]
fn the_row_counter_counts_one_pass_not_every_pass() {
    // A spacing variant of the Boston label makes the scan read the file twice.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("variant.csv");
    let mini = crate::util::read(&crate::util::fixture("records/mini.csv"));
    let doubled = mini.replacen(
        "Boston Area of Responsibility",
        "Boston  Area of Responsibility",
        1,
    );
    assert_ne!(mini, doubled, "the fixture names the Boston area");
    std::fs::write(&path, doubled).unwrap();
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let options = detainers::RunOptions {
        rows_seen: Some(std::sync::Arc::clone(&seen)),
        ..detainers::RunOptions::default()
    };
    let r = detainers::run_records_with(
        std::slice::from_ref(&path),
        &boston_spring_2018(),
        &Inputs::bundled(),
        &options,
    )
    .unwrap();
    assert_eq!(seen.load(std::sync::atomic::Ordering::Relaxed), r.rows_read);
}

#[test]
fn events_of_the_selection_split_its_months() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.csv");
    generate_file(&path, Size::Rows(20_000), 9).unwrap();
    let boston = Filters {
        aor: Some(resolve_aor("BOS").unwrap().into()),
        ..Filters::default()
    };
    let r = run(std::slice::from_ref(&path), &boston).unwrap();
    // Every bundled event is in Boston's area, and the generated months run
    // from 2012-10 to 2026-03, so each has months on both sides.
    let labels: Vec<&str> = r.events.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Boston Trust Act",
            "Lunn v. Commonwealth",
            "Trust Act amended"
        ]
    );
    assert_eq!(r.event_splits.len(), 3);
    let custody: u64 = r.by_month.iter().map(|m| m.custody).sum();
    assert_eq!(
        custody, r.outcomes.custody,
        "months hold every dated custody"
    );
    for s in &r.event_splits {
        let event_month = s.event.date.format("%Y-%m").to_string();
        let own = r
            .by_month
            .iter()
            .find(|m| m.month == event_month)
            .map_or(0, |m| m.detainers);
        // Before, the event's own month and after: every detainer once.
        assert_eq!(s.before.detainers + own + s.after.detainers, r.rows_used);
        assert!(s.before.to < event_month);
        assert!(s.after.from > event_month);
        let months_before: u64 = r
            .by_month
            .iter()
            .filter(|m| m.month < event_month)
            .map(|m| m.declined_by_lea)
            .sum();
        assert_eq!(s.before.declined.count, months_before);
    }
    // St. Paul has no bundled event.
    let st_paul = Filters {
        aor: Some(resolve_aor("SPM").unwrap().into()),
        ..Filters::default()
    };
    let r = run(std::slice::from_ref(&path), &st_paul).unwrap();
    assert!(r.events.is_empty() && r.event_splits.is_empty());
}

#[test]
fn the_published_population_table_reads_as_uwchr_wrote_it() {
    let Some(path) = crate::util::shared_file("data/real/uwchr-aor/aor_demog_indicators.csv")
    else {
        return;
    };
    let table = detainers::records::PopulationTable::from_file(&path).unwrap();
    // The expected rows read here by splitting lines on '|', not by the
    // crate's reader.
    let text = crate::util::read(&path);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('|').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('|').collect()).collect();
    assert_eq!(table.rows.len(), rows.len());
    for (got, want) in table.rows.iter().zip(&rows) {
        assert_eq!(got.aor, want[at("aor")]);
        assert_eq!(got.year.to_string(), want[at("year")]);
        assert_eq!(
            got.noncitizen,
            want[at("noncitizen_pop")].parse::<f64>().unwrap()
        );
    }
    let bos = table.nearest("BOS", 2019).unwrap();
    assert_eq!((bos.year, bos.noncitizen), (2019, 824_540.0));
}
