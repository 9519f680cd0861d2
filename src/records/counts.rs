//! What both engines produce: rows counted per combination of a reason and
//! the raw labels, never one entry per record.

use super::reasons::Exclusion;

/// One combination of a reason and raw labels, and how many rows carry it.
/// Used rows carry their labels; an excluded row carries only the area or
/// state that excluded it, so spacing variants of a filtered label can be
/// found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Combination {
    /// Why the rows are not used; `None` when they are.
    pub reason: Option<Exclusion>,
    /// Year and month of the date (`year * 100 + month`), for used rows.
    pub year_month: Option<i32>,
    /// Raw `facility_aor`.
    pub aor: Option<String>,
    /// Raw `facility_state`.
    pub state: Option<String>,
    /// Raw `case_category`.
    pub case_category: Option<String>,
    /// Raw `entry_status`.
    pub entry_status: Option<String>,
    /// Raw `final_order_yes_no`.
    pub final_order: Option<String>,
    /// Raw `illegal_reentry_yes_no`.
    pub illegal_reentry: Option<String>,
    /// Raw `detainer_lift_reason`.
    pub lift_reason: Option<String>,
    /// Raw `duplicate_likely`.
    pub duplicate: Option<String>,
    /// Rows with exactly these values.
    pub rows: u64,
}
