//! The counts every decision reads: detainers per lift reason and per month.

use serde::{Deserialize, Serialize};

/// One month of detainers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MonthCount {
    /// `YYYY-MM`.
    pub month: String,
    /// Detainers prepared in the month.
    pub detainers: u64,
    /// Of those, lifted as declined by the law-enforcement agency.
    pub declined_by_lea: u64,
    /// Of those, lifted with a reason read as ICE taking custody
    /// (`data/crosswalk/lift_outcomes.csv`).
    pub custody: u64,
    /// `declined_by_lea / detainers`; `null` for a month with none.
    pub declined_share: Option<f64>,
}

/// One lift reason.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReasonCount {
    /// The lift reason (normalised); `null` when none is recorded yet.
    pub reason: Option<String>,
    /// Detainers with this reason.
    pub count: u64,
}
