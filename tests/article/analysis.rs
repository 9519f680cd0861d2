//! The published numbers, recomputed from data/boston-2018.

use detainers::{analyse, load_dataset};

fn boston() -> detainers::Analysis {
    analyse(&load_dataset(crate::util::boston()).unwrap(), 0.5).unwrap()
}

#[test]
fn totals_and_custody_match_the_article() {
    let a = boston();
    assert_eq!((a.totals.hits, a.totals.detainers), (456, 216));
    assert!((a.totals.detainer_rate - 216.0 / 456.0).abs() < 1e-12);
    assert_eq!(a.totals.published_matches, Some(true));
    let c = a.custody;
    assert_eq!(
        (c.honored_detainers, c.in_custody, c.not_in_custody),
        (108.0, 218.0, 238.0)
    );
    assert_eq!((c.share * 1000.0).round() / 1000.0, 0.478);
    assert!((a.honored_share_for_half.unwrap() - 0.546_296).abs() < 1e-6);
}

#[test]
fn every_printed_percentage_rounds_correctly() {
    let a = boston();
    let printed: Vec<(String, f64, bool)> = a
        .by_status
        .iter()
        .map(|g| {
            (
                g.status.clone(),
                g.published_percent.unwrap(),
                g.published_matches.unwrap(),
            )
        })
        .collect();
    assert_eq!(printed.len(), 6);
    assert!(printed.iter().all(|(_, _, ok)| *ok), "{printed:?}");
    let rates: Vec<f64> = a
        .by_status
        .iter()
        .map(|g| (g.rate.unwrap() * 1e4).round() / 1e4)
        .collect();
    assert_eq!(rates, [0.6071, 0.697, 0.4701, 0.2672, 0.4648, 0.6923]);
}

#[test]
fn the_test_of_independence_gives_chi2_39_55_on_5_df() {
    let t = boston().independence.unwrap();
    assert_eq!((t.chi2 * 100.0).round() / 100.0, 39.55);
    assert_eq!(t.df, 5);
    assert!(t.p_value < 1e-6 && t.p_value > 1e-8, "{}", t.p_value);
    assert!((t.min_expected - 13.0 * 216.0 / 456.0).abs() < 1e-9);
}

#[test]
fn the_smallest_group_has_the_widest_interval() {
    let a = boston();
    let orec = a
        .by_status
        .iter()
        .find(|g| g.status == "Order of Supervision/OREC")
        .unwrap();
    assert!((orec.ci_low.unwrap() - 0.4237).abs() < 5e-4);
    assert!((orec.ci_high.unwrap() - 0.8732).abs() < 5e-4);
    let widest = a
        .by_status
        .iter()
        .max_by(|x, y| {
            (x.ci_high.unwrap() - x.ci_low.unwrap())
                .total_cmp(&(y.ci_high.unwrap() - y.ci_low.unwrap()))
        })
        .unwrap();
    assert_eq!(widest.status, "Order of Supervision/OREC");
}

#[test]
fn period_and_weekly_rate() {
    let a = boston();
    assert_eq!(a.period.days, 73);
    assert_eq!((a.period.weeks * 100.0).round() / 100.0, 10.43);
    assert_eq!((a.period.hits_per_week * 10.0).round() / 10.0, 43.7);
}

#[test]
fn sensitivity_runs_from_no_detainer_honored_to_all() {
    let a = boston();
    assert_eq!(a.sensitivity.len(), 21);
    assert_eq!(a.sensitivity[0].in_custody, 110.0);
    assert_eq!(a.sensitivity[10].in_custody, 218.0);
    assert_eq!(a.sensitivity[20].in_custody, 326.0);
    assert!(a.sensitivity.windows(2).all(|w| w[1].share > w[0].share));
}

#[test]
fn two_case_examples_fall_in_the_study_period() {
    use detainers::article::WindowFit;
    let a = boston();
    let fits: Vec<(&str, WindowFit)> = a.cases.iter().map(|c| (c.id.as_str(), c.fit)).collect();
    let inside: Vec<&str> = fits
        .iter()
        .filter(|(_, f)| *f != WindowFit::Outside)
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(inside, ["quincy-uber-rape", "chelsea-assault"]);
    assert_eq!(
        a.cases
            .iter()
            .find(|c| c.id == "chelsea-assault")
            .unwrap()
            .fit,
        WindowFit::Partly
    );
}

#[test]
fn an_honored_share_outside_0_to_1_is_refused() {
    let d = load_dataset(crate::util::boston()).unwrap();
    for p in [-0.1, 1.5, f64::NAN] {
        let err = analyse(&d, p).unwrap_err().to_string();
        assert!(err.starts_with("invalid argument: honored share"), "{err}");
    }
}
