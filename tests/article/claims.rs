//! The claims ledger on the bundled dataset: every verdict comes from a rule.

use detainers::{analyse, check_claims, load_dataset, ClaimCheck, Verdict};
use std::collections::BTreeMap;

fn ledger() -> Vec<ClaimCheck> {
    let d = load_dataset(crate::util::boston()).unwrap();
    let a = analyse(&d, d.meta.assumptions.honored_share.value).unwrap();
    check_claims(&d, &a).unwrap()
}

fn by_id(checks: &[ClaimCheck]) -> BTreeMap<&str, &ClaimCheck> {
    checks.iter().map(|c| (c.id.as_str(), c)).collect()
}

#[test]
fn each_claim_gets_the_verdict_its_rule_gives() {
    use Verdict::*;
    let checks = ledger();
    let c = by_id(&checks);
    let expected = [
        ("period-ten-weeks", RoundsCorrectly, None),
        ("hits-456", Exact, None),
        (
            "custody-about-half",
            DependsOnAssumption,
            Some(Approximately),
        ),
        ("detainers-216", Exact, None),
        ("released-130", Exact, None),
        ("cap-110", Exact, None),
        ("outcomes-sum-456", Exact, None),
        ("half-released-on-bail", NotCheckable, None),
        ("half-of-216", DependsOnAssumption, Some(Exact)),
        ("total-218", DependsOnAssumption, Some(Exact)),
        (
            "about-48-percent",
            DependsOnAssumption,
            Some(RoundsCorrectly),
        ),
        ("less-than-half", Supported, None),
        ("table-final-order", RoundsCorrectly, None),
        ("table-reentry", RoundsCorrectly, None),
        ("table-pwa", RoundsCorrectly, None),
        ("table-niv", RoundsCorrectly, None),
        ("table-removal-proceedings", RoundsCorrectly, None),
        ("table-orec", RoundsCorrectly, None),
        ("table-total", RoundsCorrectly, None),
        ("most-likely", Supported, None),
        ("less-likely", Supported, None),
        ("hundreds-freed", DependsOnAssumption, Some(Supported)),
        ("nine-examples", NotCheckable, None),
    ];
    assert_eq!(checks.len(), expected.len());
    for (id, verdict, arithmetic) in expected {
        let check = c.get(id).unwrap_or_else(|| panic!("claim {id} missing"));
        assert_eq!(
            (check.verdict, check.arithmetic_verdict),
            (verdict, arithmetic),
            "{id}: {}",
            check.explanation
        );
    }
}

#[test]
fn explanations_show_the_arithmetic_and_the_assumption() {
    let checks = ledger();
    let c = by_id(&checks);
    assert_eq!(
        c["total-218"].explanation,
        "110 CAP referrals + 0.5 x 216 detainers = 218; 218 equals the claimed 218. This rests on the honored share p = 0.5: the same quantity runs from 110 (p = 0) to 326 (p = 1); the claim holds for p from 0.498 to 0.502."
    );
    assert!(c["about-48-percent"]
        .explanation
        .contains("(110 + 0.5 x 216) / 456 = 47.81%; 47.81% rounds to the claimed 48%"));
    assert!(c["about-48-percent"]
        .explanation
        .contains("the claim holds for p from 0.494 to 0.515"));
    assert!(c["custody-about-half"]
        .explanation
        .contains("2.19 percentage points below the claimed 50%"));
    assert!(c["custody-about-half"]
        .explanation
        .contains("it equals 50% at p = 0.546"));
    assert!(c["hundreds-freed"]
        .explanation
        .contains("456 - 110 - 0.5 x 216 = 238; 238 is at least 200"));
    assert!(c["hundreds-freed"]
        .explanation
        .contains("the claim holds for p from 0 to 0.676"));
    assert!(c["period-ten-weeks"]
        .explanation
        .starts_with("73 days (2018-03-19 to 2018-05-30, both counted) / 7 = 10.43 weeks"));
    assert!(c["hits-456"]
        .explanation
        .starts_with("hits by status: 56 + 66 + 134 + 116 + 71 + 13 = 456"));
    assert!(
        c["most-likely"].explanation.contains("89 / 135 = 65.9%"),
        "{}",
        c["most-likely"].explanation
    );
    assert!(c["most-likely"]
        .explanation
        .contains("are exactly the top 3"));
    assert!(c["less-likely"].explanation.contains("94 / 250 = 37.6%"));
    assert!(c["less-likely"]
        .explanation
        .contains("are not all among the bottom 2"));
    assert!(c["nine-examples"]
        .explanation
        .contains("8 case examples described in the source"));
}

#[test]
fn a_different_honored_share_moves_the_assumption_bound_claims_only() {
    let d = load_dataset(crate::util::boston()).unwrap();
    let a = analyse(&d, 0.8).unwrap();
    let checks = check_claims(&d, &a).unwrap();
    let c = by_id(&checks);
    assert_eq!(
        c["total-218"].arithmetic_verdict,
        Some(Verdict::NotSupported)
    );
    assert_eq!(
        c["hundreds-freed"].arithmetic_verdict,
        Some(Verdict::NotSupported)
    );
    assert_eq!(c["hits-456"].verdict, Verdict::Exact);
}

#[test]
fn every_quote_is_verbatim_from_the_article() {
    let Some(seed) = crate::util::shared_file("seed/000_1cd3e45d635d61c5.txt") else {
        return;
    };
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let article = fold(&crate::util::read(&seed));
    let d = load_dataset(crate::util::boston()).unwrap();
    for claim in &d.claims {
        assert!(
            article.contains(&fold(&claim.quote)),
            "claim {} is not verbatim",
            claim.id
        );
    }
    for case in &d.cases {
        assert!(
            article.contains(&fold(&case.quote)),
            "case {} is not verbatim",
            case.id
        );
    }
    for quote in [
        &d.meta.period.quote,
        &d.meta.assumptions.honored_share.quote,
    ]
    .into_iter()
    .flatten()
    {
        assert!(article.contains(&fold(quote)), "not verbatim: {quote}");
    }
}
