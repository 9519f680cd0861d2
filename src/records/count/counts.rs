//! What both engines produce: rows counted per combination of a reason and
//! the raw labels, never one entry per record.

use crate::records::count::episodes::Role;
use crate::records::count::reasons::Exclusion;
use crate::records::read::dates::PrepareDate;

/// One combination of a reason and raw labels, and how many rows carry it.
/// Used rows carry their labels; an excluded row carries only the place
/// (area, state, city or facility) that excluded it, so spacing variants of
/// a filtered label can be found.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Combination {
    /// Why the rows are not used; `None` when they are.
    pub reason: Option<Exclusion>,
    /// Year and month of the date (`year * 100 + month`), for used rows.
    pub year_month: Option<i32>,
    /// Used rows per day of the month, as `(day, rows)` for the days with
    /// rows, in day order: a count up to any date can be taken after the
    /// scan without one combination per day.
    pub days: Vec<(u8, u64)>,
    /// The latest date among these rows as `yyyymmdd`, for rows whose date
    /// parses (a row with fewer fields than the header aside), used or not:
    /// the latest of these over a scan is the data's cut date.
    pub latest_day: Option<i32>,
    /// The raw place that excluded the rows (`facility_aor` for
    /// [`Exclusion::OutsideAor`], and so on); `None` for other rows.
    pub place: Option<String>,
    /// Whether the rows' file has a lift-reason column: rows of a file
    /// without one are counted, but in no outcome.
    pub lift_known: bool,
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
    /// `request_type`, for a used row or one counted in `by_area`: raw from
    /// the polars engine; from the block engine, one value per kind the
    /// crosswalk classes ([`crate::records::select::request_types::KeptTypes`]),
    /// which has the row's own kind, and raw for any other value.
    pub request_type: Option<String>,
    /// `detainer_type`, kept as `request_type` is (the block engine keeps
    /// it only for a row whose `request_type` is empty and whose form the
    /// crosswalk does not class).
    pub detainer_type: Option<String>,
    /// For a row used or counted in `by_area`: its classes under DDP's
    /// episode rule and the file's own, and the file's drop flag
    /// ([`super::episodes::Roles::repeat`]); 0 for none.
    pub repeat: u8,
    /// For a used row or one counted in `by_area` with a lift date: rows
    /// per number of days from the prepare date to the lift date (negative
    /// when the lift date is earlier), [`LIFT_UNREADABLE`] for a lift date
    /// not in a form read, in any order. Rows without a lift date are not
    /// here.
    pub lifts: Vec<(i32, u64)>,
    /// Rows with exactly these values.
    pub rows: u64,
    /// The row is counted in `by_area`.
    pub in_by: bool,
    /// Its `by_area` group (the raw area, state or facility); `None` when
    /// the value is missing or the row is not counted there.
    pub by: Option<String>,
    /// For a row flagged `duplicate_likely` that passes every other filter:
    /// what [`super::duplicates::resolve_duplicates`] decides it on. Such a
    /// row is a combination of its own and is neither used nor excluded yet.
    pub pending: Option<Box<Pending>>,
}

/// The key of [`Combination::lifts`] for a lift date not in a form read.
pub(crate) const LIFT_UNREADABLE: i32 = i32::MIN;

/// The [`Combination::lifts`] key of a row prepared on `prepared`
/// (`yyyymmdd`) with the lift date `lift` as written: the days from one to
/// the other (negative when the lift date is earlier), by the prepare
/// date's rule ([`PrepareDate::judge`]); [`LIFT_UNREADABLE`] for a lift date
/// not in a form read or outside the plausible window; `None` without a
/// lift date. Both engines call this.
pub(crate) fn lift_days(prepared: i32, lift: Option<&str>) -> Option<i32> {
    let prepared = chrono::NaiveDate::from_ymd_opt(
        prepared / 10000,
        (prepared / 100 % 100) as u32,
        (prepared % 100) as u32,
    )?;
    match PrepareDate::judge(lift) {
        PrepareDate::Missing => None,
        PrepareDate::Date(lifted) => Some((lifted - prepared).num_days() as i32),
        PrepareDate::Unparseable | PrepareDate::Implausible(_) => Some(LIFT_UNREADABLE),
    }
}

/// A row waiting for the duplicates policy, to be compared with others:
/// flagged `duplicate_likely` (for `keep-first`), or one of several rows on
/// its group's first day ([`super::episodes::Episodes`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Pending {
    /// `unique_identifier`; `None` when missing or when the file has no such
    /// column.
    pub id: Option<String>,
    /// The prepare date as `yyyymmdd`.
    pub day: i32,
    /// The row's place in the files: the file's position in the list, then
    /// two numbers that grow with the row's place in the file (each engine
    /// fills them its own way; only their order counts).
    pub order: (u32, u64, u64),
    /// Its split of an episode by DDP's rule, found over every file
    /// ([`super::episodes::Episodes`]); `None` for a row alone in its split.
    pub episode: Option<Role>,
    /// Its file episode's role, when of more than one row.
    pub file_role: Option<Role>,
    /// Flagged `duplicate_likely` (kept here because a row outside the
    /// selection keeps no labels).
    pub flagged: bool,
}
