//! Compute stage, claims ledger: applies each claim's rule (from `claims.csv`)
//! to a named measure of the [`Analysis`] and returns a verdict with the
//! arithmetic shown. No verdict is written by hand; no I/O.

use super::analysis::{decimals, round_to, Analysis, GroupRate};
use super::measures::{measure, Measure};
use super::model::{ClaimSpec, Dataset, Rule, Unit};
use crate::error::{Error, Result};
use crate::render::format::{fmt_count, fmt_number, fmt_p_clause, fmt_percent};
use crate::stats::chi_square_independence;
use serde::Serialize;

/// Relative distance within which a claim that does not round correctly is
/// still called "approximately" right (10% of the claimed value).
pub const APPROXIMATE_TOLERANCE: f64 = 0.10;

/// What the data say of a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The data give exactly the claimed number.
    Exact,
    /// The data's number rounds to the claimed number at its printed precision.
    RoundsCorrectly,
    /// Close (within [`APPROXIMATE_TOLERANCE`]) but not equal after rounding.
    Approximately,
    /// The number follows from the data only under an assumption.
    DependsOnAssumption,
    /// A comparison the data bear out.
    Supported,
    /// The data contradict the claim.
    NotSupported,
    /// These data cannot check the claim.
    NotCheckable,
}

impl Verdict {
    /// Words for a table.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Exact => "exact",
            Verdict::RoundsCorrectly => "rounds correctly",
            Verdict::Approximately => "approximately",
            Verdict::DependsOnAssumption => "depends on an assumption",
            Verdict::Supported => "supported",
            Verdict::NotSupported => "not supported",
            Verdict::NotCheckable => "not checkable",
        }
    }
}

/// A claim with its verdict and the arithmetic behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimCheck {
    /// Claim id.
    pub id: String,
    /// The claim, verbatim.
    pub quote: String,
    /// The rule applied.
    pub rule: Rule,
    /// The verdict.
    pub verdict: Verdict,
    /// For claims that rest on the assumption: the verdict of the arithmetic
    /// itself at the assumed value.
    pub arithmetic_verdict: Option<Verdict>,
    /// The arithmetic and the reasoning, in words.
    pub explanation: String,
    /// The claimed number, in the claim's unit.
    pub claimed: Option<f64>,
    /// The data's number, in the claim's unit.
    pub measured: Option<f64>,
    /// The assumption the verdict rests on, if any.
    pub depends_on: Option<String>,
    /// How the claim is read.
    pub note: Option<String>,
}

fn scale(unit: Option<Unit>, m: &Measure) -> f64 {
    if m.is_fraction && unit == Some(Unit::Percent) {
        100.0
    } else {
        1.0
    }
}

fn show(value: f64, unit: Option<Unit>) -> String {
    match unit {
        Some(Unit::Percent) if (value - value.round()).abs() < 1e-9 => {
            format!("{}%", value.round())
        }
        Some(Unit::Percent) => format!("{value:.2}%"),
        Some(Unit::Weeks) => format!("{} weeks", fmt_number(value)),
        _ => fmt_number(value),
    }
}

/// Compare a number with a printed claim.
fn classify(measured: f64, printed: &str, unit: Option<Unit>) -> (Verdict, String) {
    let claimed: f64 = printed.parse().unwrap_or(f64::NAN);
    let diff = measured - claimed;
    let shown = show(measured, unit);
    let claimed_s = show(claimed, unit);
    if diff.abs() < 1e-9 {
        (
            Verdict::Exact,
            format!("{shown} equals the claimed {claimed_s}"),
        )
    } else if (round_to(measured, decimals(printed)) - claimed).abs() < 1e-9 {
        (
            Verdict::RoundsCorrectly,
            format!("{shown} rounds to the claimed {claimed_s}"),
        )
    } else if diff.abs() <= APPROXIMATE_TOLERANCE * claimed.abs() {
        let gap = if unit == Some(Unit::Percent) {
            format!("{} percentage points", fmt_number(diff.abs()))
        } else {
            fmt_number(diff.abs())
        };
        (
            Verdict::Approximately,
            format!(
                "{shown} is {gap} {} the claimed {claimed_s} ({} of it)",
                if diff < 0.0 { "below" } else { "above" },
                fmt_percent(diff.abs() / claimed.abs(), 1)
            ),
        )
    } else {
        (
            Verdict::NotSupported,
            format!("{shown} is not close to the claimed {claimed_s}"),
        )
    }
}

/// The honored shares in 0..=1 for which `low <= intercept + slope*p < high`.
fn p_range(m: &Measure, low: f64, high: f64) -> Option<(f64, f64)> {
    if m.slope == 0.0 {
        return None;
    }
    let a = (low - m.intercept) / m.slope;
    let b = (high - m.intercept) / m.slope;
    let (lo, hi) = (a.min(b).max(0.0), a.max(b).min(1.0));
    (lo <= hi).then_some((lo, hi))
}

fn assumption_text(dataset: &Dataset) -> String {
    format!(
        "honored share of detainers = {} (datapackage.json: assumptions.honored_share)",
        fmt_number(dataset.meta.assumptions.honored_share.value)
    )
}

fn check_number(spec: &ClaimSpec, m: &Measure, a: &Analysis, dataset: &Dataset) -> ClaimCheck {
    let p = a.custody.honored_share;
    let k = scale(spec.unit, m);
    let printed = spec.claimed.as_deref().unwrap_or("");
    let claimed: f64 = printed.parse().unwrap_or(f64::NAN);
    let measured = m.at(p) * k;
    let (mut verdict, mut explanation) = match spec.rule {
        Rule::Value => classify(measured, printed, spec.unit),
        Rule::LessThan | Rule::AtLeast => {
            let holds = if spec.rule == Rule::LessThan {
                measured < claimed
            } else {
                measured >= claimed
            };
            let relation = match (spec.rule, holds) {
                (Rule::LessThan, true) => "is below",
                (Rule::LessThan, false) => "is not below",
                (_, true) => "is at least",
                (_, false) => "is below",
            };
            (
                if holds {
                    Verdict::Supported
                } else {
                    Verdict::NotSupported
                },
                format!(
                    "{} {relation} {}",
                    show(measured, spec.unit),
                    show(claimed, spec.unit)
                ),
            )
        }
        _ => unreachable!("only numeric rules reach check_number"),
    };
    explanation = format!("{}; {explanation}", m.formula);
    let mut arithmetic_verdict = None;
    let mut depends_on = None;
    if m.depends_on_assumption() {
        arithmetic_verdict = Some(verdict);
        verdict = Verdict::DependsOnAssumption;
        depends_on = Some(assumption_text(dataset));
        let (v0, v1) = (m.at(0.0) * k, m.at(1.0) * k);
        explanation.push_str(&format!(
            ". This rests on the honored share p = {}: the same quantity runs from {} (p = 0) to {} (p = 1)",
            fmt_number(p),
            show(v0, spec.unit),
            show(v1, spec.unit)
        ));
        let range = match spec.rule {
            Rule::Value => {
                let half = 0.5 * 10f64.powi(-(decimals(printed) as i32));
                p_range(m, (claimed - half) / k, (claimed + half) / k)
            }
            Rule::LessThan => p_range(m, f64::NEG_INFINITY, claimed / k),
            _ => p_range(m, claimed / k, f64::INFINITY),
        };
        match range {
            Some((lo, hi)) => explanation.push_str(&format!(
                "; the claim holds for p from {} to {}",
                fmt_number(lo),
                fmt_number(hi)
            )),
            None => explanation.push_str("; no p in 0..1 makes the claim hold"),
        }
        if spec.rule == Rule::Value && arithmetic_verdict == Some(Verdict::Approximately) {
            let p_equal = (claimed / k - m.intercept) / m.slope;
            if (0.0..=1.0).contains(&p_equal) {
                explanation.push_str(&format!(
                    "; it equals {} at p = {}",
                    show(claimed, spec.unit),
                    fmt_number(p_equal)
                ));
            }
        }
    }
    explanation.push('.');
    ClaimCheck {
        id: spec.id.clone(),
        quote: spec.quote.clone(),
        rule: spec.rule,
        verdict,
        arithmetic_verdict,
        explanation,
        claimed: Some(claimed),
        measured: Some(measured),
        depends_on,
        note: spec.note.clone(),
    }
}

fn check_groups(spec: &ClaimSpec, a: &Analysis) -> ClaimCheck {
    let (named, others): (Vec<_>, Vec<_>) = a
        .by_status
        .iter()
        .partition(|g| spec.groups.contains(&g.status));
    let pool = |gs: &[&GroupRate]| {
        let h: u64 = gs.iter().map(|g| g.hits).sum();
        let d: u64 = gs.iter().map(|g| g.detainers).sum();
        (d, h)
    };
    let (nd, nh) = pool(&named);
    let (od, oh) = pool(&others);
    let named_rate = nd as f64 / nh.max(1) as f64;
    let other_rate = od as f64 / oh.max(1) as f64;
    let higher = spec.rule == Rule::HigherRate;
    let holds = if higher {
        named_rate > other_rate
    } else {
        named_rate < other_rate
    };
    let mut ranked: Vec<&GroupRate> = a.by_status.iter().collect();
    ranked.sort_by(|x, y| {
        let (rx, ry) = (x.rate.unwrap_or(f64::NAN), y.rate.unwrap_or(f64::NAN));
        ry.partial_cmp(&rx).unwrap_or(std::cmp::Ordering::Equal)
    });
    let ranks: Vec<String> = ranked
        .iter()
        .enumerate()
        .filter(|(_, g)| spec.groups.contains(&g.status))
        .map(|(i, g)| format!("{} #{}", g.status, i + 1))
        .collect();
    let n = named.len();
    let all = ranked.len();
    let strict = if higher {
        ranked
            .iter()
            .take(n)
            .all(|g| spec.groups.contains(&g.status))
    } else {
        ranked
            .iter()
            .skip(all - n)
            .all(|g| spec.groups.contains(&g.status))
    };
    let test = chi_square_independence(&[vec![nd, nh - nd], vec![od, oh - od]]);
    let test_s = test.map_or_else(
        || "no test possible".to_owned(),
        |t| {
            format!(
                "chi-square {} with 1 degree of freedom, {}",
                fmt_number(t.chi2),
                fmt_p_clause(t.p_value)
            )
        },
    );
    let explanation = format!(
        "Named groups pooled: {} / {} = {}; all other groups: {} / {} = {}, so the named groups' rate is {} ({test_s}). Ranks by rate, highest first, of {all}: {}; the named groups {} the {} {n}.",
        fmt_count(nd),
        fmt_count(nh),
        fmt_percent(named_rate, 1),
        fmt_count(od),
        fmt_count(oh),
        fmt_percent(other_rate, 1),
        if named_rate > other_rate { "higher" } else if named_rate < other_rate { "lower" } else { "equal" },
        ranks.join(", "),
        if strict { "are exactly" } else { "are not all among" },
        if higher { "top" } else { "bottom" },
    );
    ClaimCheck {
        id: spec.id.clone(),
        quote: spec.quote.clone(),
        rule: spec.rule,
        verdict: if holds {
            Verdict::Supported
        } else {
            Verdict::NotSupported
        },
        arithmetic_verdict: None,
        explanation,
        claimed: None,
        measured: Some(named_rate),
        depends_on: None,
        note: spec.note.clone(),
    }
}

/// The checks with the given ids, in the order the ids are given.
pub fn select_claims(checks: &[ClaimCheck], ids: &[&str]) -> Vec<ClaimCheck> {
    ids.iter()
        .filter_map(|id| checks.iter().find(|c| c.id == *id).cloned())
        .collect()
}

/// Check every claim of a dataset against an analysis of it.
///
/// # Errors
/// An [`Error::Input`] naming the line of `claims.csv` whose measure is unknown.
pub fn check_claims(dataset: &Dataset, a: &Analysis) -> Result<Vec<ClaimCheck>> {
    dataset
        .claims
        .iter()
        .map(|spec| {
            let lookup = || {
                let name = spec.measure.as_deref().unwrap_or("");
                measure(name, &spec.groups, dataset, a).ok_or_else(|| {
                    Error::input(
                        &dataset.claims_path,
                        Some(spec.line),
                        Some("measure"),
                        format!("unknown measure '{name}' (or it needs exactly one group in 'groups'); see the README for the list"),
                    )
                })
            };
            Ok(match spec.rule {
                Rule::Value | Rule::LessThan | Rule::AtLeast => {
                    check_number(spec, &lookup()?, a, dataset)
                }
                Rule::HigherRate | Rule::LowerRate => check_groups(spec, a),
                Rule::NotCheckable => {
                    let context = match &spec.measure {
                        Some(_) => {
                            let m = lookup()?;
                            format!(" For context: {}.", m.formula)
                        }
                        None => String::new(),
                    };
                    ClaimCheck {
                        id: spec.id.clone(),
                        quote: spec.quote.clone(),
                        rule: spec.rule,
                        verdict: Verdict::NotCheckable,
                        arithmetic_verdict: None,
                        explanation: format!(
                            "{}{context}",
                            spec.note.clone().unwrap_or_else(|| "These data cannot check the claim.".into())
                        ),
                        claimed: spec.claimed.as_deref().and_then(|c| c.parse().ok()),
                        measured: None,
                        depends_on: None,
                        note: spec.note.clone(),
                    }
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_covers_each_numeric_verdict() {
        assert_eq!(classify(456.0, "456", Some(Unit::Count)).0, Verdict::Exact);
        assert_eq!(
            classify(60.714, "61", Some(Unit::Percent)).0,
            Verdict::RoundsCorrectly
        );
        let (v, text) = classify(47.807, "50", Some(Unit::Percent));
        assert_eq!(v, Verdict::Approximately);
        assert!(text.contains("2.19 percentage points below"), "{text}");
        assert_eq!(
            classify(30.0, "50", Some(Unit::Percent)).0,
            Verdict::NotSupported
        );
    }

    #[test]
    fn p_range_inverts_an_affine_measure() {
        let m = Measure {
            intercept: 110.0 / 456.0,
            slope: 216.0 / 456.0,
            formula: String::new(),
            is_fraction: true,
        };
        let (lo, hi) = p_range(&m, 0.475, 0.485).unwrap();
        assert!(
            (lo - 0.493_52).abs() < 1e-4 && (hi - 0.514_63).abs() < 1e-4,
            "{lo} {hi}"
        );
        assert_eq!(p_range(&m, 0.9, 1.0), None);
    }
}
