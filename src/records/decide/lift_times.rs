//! Time to lift: the days from a detainer's prepare date to its lift date,
//! per outcome class, where a file has a lift date (TRAC's FOIA rows, in
//! DDP's historical file). A lift date before the prepare date is left out
//! of the distribution and counted; so is a lift date not in a form read.
//!
//! Quartiles and the median are R's and numpy's default (type 7): the
//! value at position `(n - 1) p` of the sorted days, interpolated linearly
//! between the two nearest.

use crate::records::count::counts::LIFT_UNREADABLE;
use crate::records::decide::outcomes::OutcomeClass;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Days to lift for one outcome class.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LiftTime {
    /// `declined`, `custody`, `other_resolved`, `unclassified`,
    /// `no_lift_reason`, or `all` for every class together.
    pub outcome: String,
    /// Detainers with a lift date on or after the prepare date: the
    /// distribution below.
    pub detainers: u64,
    /// Median days.
    pub median_days: Option<f64>,
    /// First quartile.
    pub q1_days: Option<f64>,
    /// Third quartile.
    pub q3_days: Option<f64>,
    /// Detainers whose lift date is before the prepare date: left out.
    pub lift_before_prepare: u64,
    /// Detainers whose lift date is not a date in a form read: left out.
    pub unreadable_lift_date: u64,
}

/// The outcome classes, in the order `results.json` lists them.
pub(crate) const CLASSES: [&str; 6] = [
    "all",
    "declined",
    "custody",
    "other_resolved",
    "unclassified",
    "no_lift_reason",
];

/// Rows per number of days, per outcome class, as gathered from the
/// combinations.
#[derive(Debug, Default, Clone)]
pub(crate) struct LiftDays {
    by_class: BTreeMap<&'static str, BTreeMap<i32, u64>>,
}

impl LiftDays {
    /// Add the lifts of rows whose lift reason has `class` (`None`: no
    /// reason; `Some(None)`: a reason the crosswalk does not list).
    pub(crate) fn add(&mut self, class: Option<Option<OutcomeClass>>, lifts: &[(i32, u64)]) {
        if lifts.is_empty() {
            return;
        }
        let class = match class {
            None => "no_lift_reason",
            Some(Some(OutcomeClass::Declined)) => "declined",
            Some(Some(OutcomeClass::Custody)) => "custody",
            Some(Some(OutcomeClass::OtherResolved)) => "other_resolved",
            Some(None) => "unclassified",
        };
        for name in ["all", class] {
            let days = self.by_class.entry(name).or_default();
            for (d, n) in lifts {
                *days.entry(*d).or_default() += n;
            }
        }
    }

    /// Every class with a lift date, in [`CLASSES`] order.
    pub(crate) fn times(&self) -> Vec<LiftTime> {
        CLASSES
            .iter()
            .filter_map(|name| {
                let days = self.by_class.get(name)?;
                let unreadable = days.get(&LIFT_UNREADABLE).copied().unwrap_or(0);
                let before: u64 = days.range(LIFT_UNREADABLE + 1..0).map(|(_, n)| n).sum();
                let kept: Vec<(i32, u64)> = days.range(0..).map(|(d, n)| (*d, *n)).collect();
                let q = |p: f64| quantile(&kept, p);
                Some(LiftTime {
                    outcome: name.to_string(),
                    detainers: kept.iter().map(|(_, n)| n).sum(),
                    median_days: q(0.5),
                    q1_days: q(0.25),
                    q3_days: q(0.75),
                    lift_before_prepare: before,
                    unreadable_lift_date: unreadable,
                })
            })
            .collect()
    }
}

/// The type-7 quantile `p` of the values in `counts` (`(value, rows)` in
/// value order); `None` when there are none.
pub(crate) fn quantile(counts: &[(i32, u64)], p: f64) -> Option<f64> {
    let n: u64 = counts.iter().map(|(_, c)| c).sum();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * p;
    let below = h.floor() as u64;
    let at = |k: u64| -> f64 {
        let mut seen = 0;
        for (v, c) in counts {
            seen += c;
            if k < seen {
                return f64::from(*v);
            }
        }
        f64::from(counts[counts.len() - 1].0)
    };
    let low = at(below);
    let high = at((below + 1).min(n - 1));
    Some(low + (h - below as f64) * (high - low))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::decide::outcomes::LiftOutcomes;

    #[test]
    fn quantiles_are_type_seven() {
        // 1, 2, 2, 9: numpy.quantile([1,2,2,9], [.25,.5,.75]) = 1.75, 2, 3.75.
        let c = [(1, 1), (2, 2), (9, 1)];
        assert_eq!(quantile(&c, 0.25), Some(1.75));
        assert_eq!(quantile(&c, 0.5), Some(2.0));
        assert_eq!(quantile(&c, 0.75), Some(3.75));
        assert_eq!(quantile(&[(5, 1)], 0.75), Some(5.0));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn early_and_unreadable_lifts_are_counted_apart() {
        let mut d = LiftDays::default();
        let crosswalk = LiftOutcomes::bundled();
        let declined = crosswalk.class("Detainer Declined by LEA");
        d.add(Some(declined), &[(3, 2), (-1, 1), (LIFT_UNREADABLE, 4)]);
        d.add(None, &[(10, 1)]);
        let t = d.times();
        let names: Vec<&str> = t.iter().map(|t| t.outcome.as_str()).collect();
        assert_eq!(names, ["all", "declined", "no_lift_reason"]);
        assert_eq!(
            (
                t[1].detainers,
                t[1].lift_before_prepare,
                t[1].unreadable_lift_date
            ),
            (2, 1, 4)
        );
        assert_eq!(t[0].detainers, 3);
        assert_eq!(t[0].median_days, Some(3.0));
    }
}
