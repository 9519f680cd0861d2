//! End to end: the binary on the bundled dataset, on a second dataset, and on
//! bad inputs (non-zero exit, one-line error, never a panic).

use serde_json::Value;

fn num(v: &Value, pointer: &str) -> f64 {
    v.pointer(pointer)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("{pointer} missing in results.json"))
}

#[test]
fn report_on_the_bundled_dataset_writes_every_output() {
    let out = tempfile::tempdir().unwrap();
    let o = crate::util::detainers(&["report", "--out", out.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r = crate::util::results(out.path());
    assert_eq!(r["period"]["start"], "2018-03-19");
    assert_eq!(r["period"]["end"], "2018-05-30");
    assert_eq!(num(&r, "/period/days"), 73.0);
    assert_eq!(num(&r, "/totals/hits"), 456.0);
    assert_eq!(num(&r, "/totals/detainers"), 216.0);
    assert_eq!((num(&r, "/totals/detainer_rate") * 1e4).round(), 4737.0);
    assert_eq!(num(&r, "/custody/honored_share"), 0.5);
    assert_eq!(num(&r, "/custody/in_custody"), 218.0);
    assert_eq!((num(&r, "/custody/share") * 1000.0).round() / 1000.0, 0.478);
    assert_eq!(num(&r, "/custody/not_in_custody"), 238.0);
    assert_eq!(
        (num(&r, "/independence/chi2") * 100.0).round() / 100.0,
        39.55
    );
    assert_eq!(num(&r, "/independence/df"), 5.0);
    let groups = r["by_status"].as_array().unwrap();
    assert_eq!(groups.len(), 6);
    for g in groups {
        for key in [
            "status",
            "hits",
            "detainers",
            "rate",
            "ci_low",
            "ci_high",
            "published_percent",
        ] {
            assert!(!g[key].is_null(), "{key} in {g}");
        }
        assert_eq!(g["published_matches"], true);
    }
    let claims = r["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 23);
    for c in claims {
        for key in ["id", "quote", "verdict", "explanation"] {
            assert!(c[key].is_string(), "{key} in {c}");
        }
    }
    for f in [
        "report.html",
        "tables/status.csv",
        "tables/claims.csv",
        "tables/cases.csv",
        "tables/dispositions.csv",
        "tables/custody_sensitivity.csv",
    ] {
        assert!(out.path().join(f).is_file(), "{f} missing");
    }
    for fig in [
        "hits_by_status",
        "rate_by_status",
        "dispositions",
        "custody_sensitivity",
        "case_timeline",
    ] {
        let svg = crate::util::read(&out.path().join(format!("figures/{fig}.svg")));
        assert!(
            svg.starts_with("<svg") && svg.contains("Source: Jessica M. Vaughan"),
            "{fig}"
        );
        assert!(
            out.path().join(format!("figures/{fig}.csv")).is_file(),
            "{fig}.csv missing"
        );
    }
    let html = crate::util::read(&out.path().join("report.html"));
    assert!(
        html.contains("<svg")
            && html.contains("Claims ledger")
            && html.contains("depends on an assumption")
    );
    let status_csv = crate::util::read(&out.path().join("tables/status.csv"));
    assert!(status_csv.starts_with(
        "status,hits,detainers,rate,ci_low,ci_high,published_percent,published_matches\n"
    ));
    assert!(status_csv.contains("Final Order of Removal,56,34,0.6071"));
}

#[test]
fn the_honored_share_flag_moves_the_custody_estimate() {
    let out = tempfile::tempdir().unwrap();
    let o = crate::util::detainers(&[
        "report",
        "--out",
        out.path().to_str().unwrap(),
        "--honored-share",
        "0.25",
    ]);
    assert!(o.status.success());
    let r = crate::util::results(out.path());
    assert_eq!(num(&r, "/custody/in_custody"), 164.0);
    assert_eq!(num(&r, "/custody/not_in_custody"), 292.0);
}

#[test]
fn a_second_dataset_runs_with_no_code_change_and_escapes_its_labels() {
    let out = tempfile::tempdir().unwrap();
    let data = crate::util::fixture("synthetic-2019");
    let o = crate::util::detainers(&[
        "report",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r = crate::util::results(out.path());
    assert_eq!(num(&r, "/period/days"), 90.0);
    assert_eq!(num(&r, "/totals/hits"), 200.0);
    assert_eq!(num(&r, "/totals/detainers"), 90.0);
    assert_eq!(num(&r, "/custody/honored_share"), 0.7);
    assert_eq!(num(&r, "/custody/in_custody"), 113.0);
    assert_eq!(num(&r, "/custody/share"), 0.565);
    assert_eq!(num(&r, "/custody/not_in_custody"), 87.0);
    assert_eq!((num(&r, "/independence/chi2") * 1e4).round() / 1e4, 37.3737);
    assert_eq!(num(&r, "/independence/df"), 3.0);
    assert_eq!(r["by_status"][3]["status"], "Group <D>");
    assert!(r["by_status"][0]["published_matches"].is_null());
    let verdicts: Vec<&str> = r["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["depends_on_assumption", "exact", "supported"]);
    let html = crate::util::read(&out.path().join("report.html"));
    assert!(html.contains("Group &lt;D&gt;") && !html.contains("Group <D>"));
    let svg = crate::util::read(&out.path().join("figures/hits_by_status.svg"));
    assert!(svg.contains("Group &lt;D&gt;") && !svg.contains("Group <D>"));
    assert!(
        !out.path().join("figures/case_timeline.svg").exists(),
        "no cases, no timeline"
    );
}

#[test]
fn bad_inputs_exit_1_and_bad_usage_2_with_one_line_and_no_panic() {
    let dir = crate::util::copy_of_boston();
    std::fs::copy(
        crate::util::fixture("bad/status_detainers_exceed_hits.csv"),
        dir.path().join("status.csv"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    for args in [
        vec![
            "report",
            "--data",
            dir.path().to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ],
        vec![
            "report",
            "--data",
            "/nonexistent",
            "--out",
            out.path().to_str().unwrap(),
        ],
        vec![
            "report",
            "--out",
            out.path().to_str().unwrap(),
            "--honored-share",
            "2",
        ],
    ] {
        let o = crate::util::detainers(&args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        // 1 for input that cannot be read, 2 for a value out of its range.
        let expected = if args.contains(&"--honored-share") {
            2
        } else {
            1
        };
        assert_eq!(o.status.code(), Some(expected), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("error: ") && !stderr.contains("panicked"),
            "{stderr}"
        );
    }
    let o = crate::util::detainers(&["report", "--honored-share", "lots"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("panicked"));
}

/// Headline numbers are compared with a frozen copy: a change to any of them
/// fails here ("output data has changed, is this expected?"). To accept a
/// deliberate change, run with DETAINERS_UPDATE_FROZEN=1 and review the diff.
#[test]
fn results_match_the_frozen_copy() {
    let out = tempfile::tempdir().unwrap();
    let o = crate::util::detainers(&["report", "--out", out.path().to_str().unwrap()]);
    assert!(o.status.success());
    let fresh = crate::util::read(&out.path().join("results.json"));
    let frozen_path = crate::util::fixture("frozen/boston-2018.results.json");
    // Updating the frozen copy is a step of its own that never passes: the
    // file is rewritten and the test fails, asking for the diff to be read;
    // in CI it is refused. A run can therefore never compare the output with
    // itself.
    if std::env::var_os("DETAINERS_UPDATE_FROZEN").is_some() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "DETAINERS_UPDATE_FROZEN is refused in CI: the frozen copy is the reference"
        );
        std::fs::write(&frozen_path, &fresh).unwrap();
        panic!(
            "rewrote {}; read `git diff` on it, then run the tests again without DETAINERS_UPDATE_FROZEN",
            frozen_path.display()
        );
    }
    let frozen = crate::util::read(&frozen_path);
    let strip_version = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("\"generator\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        strip_version(&fresh) == strip_version(&frozen),
        "results.json differs from {}: output data has changed, is this expected?",
        frozen_path.display()
    );
}
