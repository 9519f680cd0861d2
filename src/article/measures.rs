//! The named quantities a claim is checked against (`totals.hits`,
//! `custody.share`, ...): each an affine function of the honored share, so a
//! claim that rests on the assumption can be checked at every share.

use super::analysis::Analysis;
use super::model::{Dataset, Outcome};
use crate::render::format::{fmt_count, fmt_number, fmt_percent};

/// A named quantity, affine in the honored share `p`: `intercept + slope * p`.
/// Quantities that do not rest on the assumption have `slope == 0`.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// Value at p = 0.
    pub intercept: f64,
    /// Change per unit of p.
    pub slope: f64,
    /// How the value is computed, with the numbers at the analysis' p.
    pub formula: String,
    /// Whether the natural unit is a fraction (shown as a percent).
    pub is_fraction: bool,
}

impl Measure {
    fn fixed(value: f64, formula: String) -> Self {
        Measure {
            intercept: value,
            slope: 0.0,
            formula,
            is_fraction: false,
        }
    }

    fn fraction(mut self) -> Self {
        self.is_fraction = true;
        self
    }

    /// Value at honored share `p`.
    pub fn at(&self, p: f64) -> f64 {
        self.intercept + self.slope * p
    }

    /// Whether the value rests on the honored-share assumption.
    pub fn depends_on_assumption(&self) -> bool {
        self.slope != 0.0
    }
}

fn joined_sum(values: impl IntoIterator<Item = u64>) -> String {
    values
        .into_iter()
        .map(fmt_count)
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Look up a named measure. `groups` selects the group for `status.*` measures.
/// `None` when the name is unknown or the group is missing.
pub fn measure(name: &str, groups: &[String], dataset: &Dataset, a: &Analysis) -> Option<Measure> {
    let p = a.custody.honored_share;
    let hits = a.totals.hits as f64;
    let det = a.totals.detainers as f64;
    let cap = dataset.dispositions.count(Outcome::ReferredToCap) as f64;
    let cap_s = fmt_count(cap as u64);
    let det_s = fmt_count(a.totals.detainers);
    let hits_s = fmt_count(a.totals.hits);
    let p_s = fmt_number(p);
    let m = match name {
        "period.days" | "period.weeks" => {
            let days = format!(
                "{} days ({} to {}, both counted)",
                a.period.days, a.period.start, a.period.end
            );
            if name == "period.days" {
                Measure::fixed(a.period.days as f64, days)
            } else {
                Measure::fixed(
                    a.period.weeks,
                    format!("{days} / 7 = {} weeks", fmt_number(a.period.weeks)),
                )
            }
        }
        "totals.hits" => Measure::fixed(
            hits,
            format!(
                "hits by status: {} = {hits_s}",
                joined_sum(dataset.status.rows.iter().map(|r| r.hits))
            ),
        ),
        "totals.detainers" => Measure::fixed(
            det,
            format!(
                "detainers by status: {} = {det_s}",
                joined_sum(dataset.status.rows.iter().map(|r| r.detainers))
            ),
        ),
        "totals.detainer_rate" => Measure::fixed(
            a.totals.detainer_rate,
            format!(
                "{det_s} / {hits_s} = {}",
                fmt_percent(a.totals.detainer_rate, 2)
            ),
        )
        .fraction(),
        "dispositions.sum" => Measure::fixed(
            dataset.dispositions.total() as f64,
            format!(
                "outcomes: {} = {}",
                joined_sum(dataset.dispositions.rows.iter().map(|d| d.count)),
                fmt_count(dataset.dispositions.total())
            ),
        ),
        "custody.honored_detainers" => Measure {
            intercept: 0.0,
            slope: det,
            formula: format!("{p_s} x {det_s} = {}", fmt_number(p * det)),
            is_fraction: false,
        },
        "custody.in_custody" => Measure {
            intercept: cap,
            slope: det,
            formula: format!(
                "{cap_s} CAP referrals + {p_s} x {det_s} detainers = {}",
                fmt_number(cap + p * det)
            ),
            is_fraction: false,
        },
        "custody.share" => Measure {
            intercept: cap / hits,
            slope: det / hits,
            formula: format!(
                "({cap_s} + {p_s} x {det_s}) / {hits_s} = {}",
                fmt_percent((cap + p * det) / hits, 2)
            ),
            is_fraction: true,
        },
        "custody.not_in_custody" => Measure {
            intercept: hits - cap,
            slope: -det,
            formula: format!(
                "{hits_s} - {cap_s} - {p_s} x {det_s} = {}",
                fmt_number(hits - cap - p * det)
            ),
            is_fraction: false,
        },
        "cases.count" => Measure::fixed(
            dataset.cases.len() as f64,
            format!(
                "{} case examples described in the source",
                dataset.cases.len()
            ),
        ),
        "status.rate" | "status.hits" | "status.detainers" => {
            let [group] = groups else { return None };
            let g = a.by_status.iter().find(|g| &g.status == group)?;
            match name {
                "status.rate" => Measure::fixed(
                    g.rate?,
                    format!(
                        "{}: {} / {} = {}",
                        g.status,
                        fmt_count(g.detainers),
                        fmt_count(g.hits),
                        fmt_percent(g.rate?, 2)
                    ),
                )
                .fraction(),
                "status.hits" => {
                    Measure::fixed(g.hits as f64, format!("{}: {} hits", g.status, g.hits))
                }
                _ => Measure::fixed(
                    g.detainers as f64,
                    format!("{}: {} detainers", g.status, g.detainers),
                ),
            }
        }
        other => {
            let key = other.strip_prefix("dispositions.")?;
            let outcome = Outcome::from_key(key)?;
            let count = dataset.dispositions.count(outcome);
            Measure::fixed(count as f64, format!("{key}: {}", fmt_count(count)))
        }
    };
    Some(m)
}
