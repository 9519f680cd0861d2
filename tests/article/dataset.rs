//! Loading and validating dataset folders, including every bad input.

use crate::util::{boston, copy_of_boston, fixture};
use detainers::article::Outcome;
use detainers::load_dataset;

#[test]
fn the_bundled_dataset_loads_with_six_groups_and_a_checked_total() {
    let d = load_dataset(boston()).unwrap();
    assert_eq!(d.status.rows.len(), 6);
    assert_eq!(d.status.total_hits(), 456);
    assert_eq!(d.status.total_detainers(), 216);
    let total = d
        .status
        .printed_total
        .as_ref()
        .expect("the article's Total row");
    assert_eq!(
        (total.hits, total.detainers, total.published_percent),
        (456, 216, Some(47.0))
    );
    assert_eq!(d.dispositions.count(Outcome::DetainerAndWarrant), 216);
    assert_eq!(d.dispositions.count(Outcome::ReleasedBeforeAction), 130);
    assert_eq!(d.dispositions.count(Outcome::ReferredToCap), 110);
    assert_eq!(d.meta.period.start.to_string(), "2018-03-19");
    assert_eq!(d.meta.period.end.to_string(), "2018-05-30");
    assert_eq!(d.meta.assumptions.honored_share.value, 0.5);
    assert_eq!(d.cases.len(), 8);
    assert!(d.claims.len() >= 20);
}

#[test]
fn a_second_dataset_with_crlf_bom_quotes_spaces_and_renamed_files_loads() {
    let d = load_dataset(fixture("synthetic-2019")).unwrap();
    let names: Vec<&str> = d.status.rows.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(
        names,
        ["Group A", "Group B, with comma", "Group C", "Group <D>"]
    );
    assert_eq!(d.status.total_hits(), 200);
    assert_eq!(d.dispositions.count(Outcome::ReleasedBeforeAction), 60);
    assert!(d.cases.is_empty());
}

/// Replace one file of a copy of the bundled dataset with a bad fixture and
/// return the one-line error.
fn error_with(file: &str, bad_fixture: &str) -> String {
    let dir = copy_of_boston();
    std::fs::copy(
        fixture(&format!("bad/{bad_fixture}")),
        dir.path().join(file),
    )
    .unwrap();
    let err = load_dataset(dir.path())
        .expect_err("bad input must fail")
        .to_string();
    assert!(!err.contains('\n'), "one line: {err}");
    // Report the error relative to the temporary folder.
    err.replace(&format!("{}/", dir.path().display()), "")
}

#[test]
fn each_bad_input_names_file_line_and_column() {
    let cases = [
        ("status.csv", "status_missing_column.csv", "status.csv:1: column 'detainers': required column is missing (the header has: status, hits)"),
        ("status.csv", "status_unknown_column.csv", "status.csv:1: column 'extra': unknown column; expected columns are: status, hits, detainers, published_percent"),
        ("status.csv", "status_negative.csv", "status.csv:3: column 'hits': '-66' is negative; counts must be 0 or more"),
        ("status.csv", "status_non_numeric.csv", "status.csv:3: column 'hits': 'sixty' is not a number"),
        ("status.csv", "status_fraction.csv", "status.csv:3: column 'hits': '66.5' is not a whole number"),
        ("status.csv", "status_detainers_exceed_hits.csv", "status.csv:3: column 'detainers': 46 detainers is more than the 40 hits of 'Reentry after Deportation'"),
        ("status.csv", "status_duplicate.csv", "status.csv:3: column 'status': 'final order of  removal' is listed twice (also on line 2)"),
        ("status.csv", "status_total_mismatch.csv", "status.csv:4: column 'hits': total row says 123 but the groups add up to 122"),
        ("status.csv", "status_empty.csv", "status.csv: file is empty"),
        ("status.csv", "status_header_only.csv", "status.csv: file has a header but no data rows"),
        ("status.csv", "status_latin1.csv", "status.csv:3: file is not valid UTF-8 (byte 0xE9 at offset 52); save it as UTF-8"),
        ("status.csv", "status_utf16.csv", "status.csv:1: file is UTF-16 encoded; save it as UTF-8"),
        ("status.csv", "status_ragged.csv", "status.csv:2: row has 4 fields but the header has 3"),
        ("dispositions.csv", "dispositions_sum_mismatch.csv", "dispositions.csv: column 'count': outcomes add up to 446 but status.csv has 456 hits"),
        ("dispositions.csv", "dispositions_unknown_outcome.csv", "dispositions.csv:3: column 'outcome': unknown outcome 'released'; expected one of: detainer_and_warrant, released_before_action, referred_to_cap"),
        ("dispositions.csv", "dispositions_missing_outcome.csv", "dispositions.csv: outcome 'referred_to_cap' is missing; every outcome needs a row"),
        ("claims.csv", "claims_unknown_group.csv", "claims.csv:2: column 'groups': 'Nonexistent Group' is not a status in status.csv"),
        ("claims.csv", "claims_unknown_rule.csv", "claims.csv:2: column 'rule': unknown rule 'guess'"),
        ("cases.csv", "cases_bad_month.csv", "cases.csv:2: column 'month': 'April 2018' is not a month written YYYY-MM"),
    ];
    for (file, bad, expected) in cases {
        assert_eq!(error_with(file, bad), expected, "fixture {bad}");
    }
}

#[test]
fn an_unknown_measure_is_reported_at_its_claims_line() {
    let dir = copy_of_boston();
    std::fs::copy(
        fixture("bad/claims_unknown_measure.csv"),
        dir.path().join("claims.csv"),
    )
    .unwrap();
    let d = load_dataset(dir.path()).unwrap();
    let a = detainers::analyse(&d, 0.5).unwrap();
    let err = detainers::check_claims(&d, &a).unwrap_err().to_string();
    assert!(err.ends_with("claims.csv:2: column 'measure': unknown measure 'custody.nonsense' (or it needs exactly one group in 'groups'); see the README for the list"), "{err}");
}

#[test]
fn a_broken_datapackage_names_its_line() {
    let dir = copy_of_boston();
    std::fs::write(
        dir.path().join("datapackage.json"),
        "{\n  \"name\": \"x\",\n  oops\n}\n",
    )
    .unwrap();
    let err = load_dataset(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("datapackage.json:3: not a valid data package"),
        "{err}"
    );
}

#[test]
fn a_missing_folder_or_file_is_an_error_not_a_panic() {
    let err = load_dataset("/nonexistent/folder").unwrap_err().to_string();
    assert_eq!(err, "/nonexistent/folder: dataset folder not found");
    let dir = copy_of_boston();
    std::fs::remove_file(dir.path().join("dispositions.csv")).unwrap();
    let err = load_dataset(dir.path()).unwrap_err().to_string();
    assert!(err.contains("dispositions.csv: No such file"), "{err}");
}

#[test]
fn loading_never_modifies_the_inputs() {
    let before: Vec<(String, Vec<u8>)> = std::fs::read_dir(boston())
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    let d = load_dataset(boston()).unwrap();
    let a = detainers::analyse(&d, 0.5).unwrap();
    let claims = detainers::check_claims(&d, &a).unwrap();
    let out = tempfile::tempdir().unwrap();
    detainers::write_report(&d, &a, &claims, out.path()).unwrap();
    for (name, bytes) in before {
        assert_eq!(
            std::fs::read(boston().join(&name)).unwrap(),
            bytes,
            "{name} changed"
        );
    }
    // Writing into the dataset folder itself is refused.
    let err = detainers::write_report(&d, &a, &claims, &boston())
        .unwrap_err()
        .to_string();
    assert!(err.contains("input files are never overwritten"), "{err}");
}
