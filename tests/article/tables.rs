//! Tables and figures built from the bundled dataset.

use detainers::prelude::*;
use polars::prelude::*;

fn boston() -> (Dataset, Analysis) {
    let d = load_dataset(crate::util::boston()).unwrap();
    let a = analyse(&d, 0.5).unwrap();
    (d, a)
}

#[test]
fn the_status_table_ends_with_the_total_row() {
    let (_, a) = boston();
    let t = status_table(&a).unwrap();
    assert_eq!(t.frame.height(), 7);
    let status = t.frame.column("status").unwrap();
    assert_eq!(status.get(6).unwrap().str_value(), "Total");
    assert_eq!(
        t.frame.column("hits").unwrap().get(6).unwrap(),
        AnyValue::UInt64(456)
    );
}

#[test]
fn only_the_smallest_group_cannot_be_told_apart_from_the_average_despite_a_high_rate() {
    let (_, a) = boston();
    let t = precision_table(&a).unwrap().frame;
    let first = t
        .column("status")
        .unwrap()
        .get(0)
        .unwrap()
        .str_value()
        .into_owned();
    assert_eq!(first, "Order of Supervision/OREC");
    let width = match t.column("ci_width").unwrap().get(0).unwrap() {
        AnyValue::Float64(w) => w,
        other => panic!("{other:?}"),
    };
    assert!((width - 0.4495).abs() < 1e-3, "{width}");
    let column = t.column("differs_from_all_groups").unwrap();
    let differs: Vec<bool> = (0..t.height())
        .map(|i| column.get(i).unwrap() == AnyValue::Boolean(true))
        .collect();
    // Smallest first: OREC (13), Reentry (66)... OREC's 69% is not distinguishable from 47.4%.
    assert!(!differs[0]);
    assert_eq!(differs.iter().filter(|d| **d).count(), 3, "{differs:?}");
}

#[test]
fn verdict_counts_add_up_to_the_ledger() {
    let (d, a) = boston();
    let claims = check_claims(&d, &a).unwrap();
    let t = verdict_counts_table(&claims).unwrap().frame;
    let column = t.column("claims").unwrap();
    let total: u32 = (0..t.height())
        .map(|i| match column.get(i).unwrap() {
            AnyValue::UInt32(n) => n,
            other => panic!("{other:?}"),
        })
        .sum();
    assert_eq!(total as usize, claims.len());
    let picked = select_claims(&claims, &["less-likely", "most-likely", "no-such-claim"]);
    let ids: Vec<&str> = picked.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["less-likely", "most-likely"]);
}

#[test]
fn every_figure_has_a_title_a_source_line_and_its_data() {
    let (d, a) = boston();
    let figures = all_figures(&d, &a).unwrap();
    let names: Vec<&str> = figures.iter().map(|f| f.name).collect();
    assert_eq!(
        names,
        [
            "hits_by_status",
            "rate_by_status",
            "dispositions",
            "custody_sensitivity",
            "case_timeline"
        ]
    );
    for f in &figures {
        assert!(
            f.svg.contains("2018-03-19"),
            "{}: period in the title",
            f.name
        );
        assert!(f.svg.contains("Source: Jessica M. Vaughan"), "{}", f.name);
        assert!(f.data.height() > 0, "{}", f.name);
        assert!(f.to_html().contains(&format!("id=\"fig-{}\"", f.name)));
    }
}

#[test]
fn a_dataset_without_cases_has_no_timeline_and_says_why() {
    let d = load_dataset(crate::util::fixture("synthetic-2019")).unwrap();
    let a = analyse(&d, 0.7).unwrap();
    let err = figure_case_timeline(&d, &a).unwrap_err().to_string();
    assert!(err.contains("no cases.csv"), "{err}");
    assert_eq!(all_figures(&d, &a).unwrap().len(), 4);
}
