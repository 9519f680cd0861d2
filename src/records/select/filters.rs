//! Which records to use: area, state, dates and duplicates, and the raw labels
//! an area or state filter accepts.

use crate::error::{Error, Result};
use crate::records::select::aor::{normalise_label, resolve_aor, Aor};
use crate::records::select::duplicates::Duplicates;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Which records to use.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Filters {
    /// Area of responsibility (resolved from a code, city or label).
    pub aor: Option<AorFilter>,
    /// Facility state, compared case-insensitively (`Minnesota` = `MINNESOTA`).
    pub state: Option<String>,
    /// First day, inclusive.
    pub from: Option<NaiveDate>,
    /// Last day, inclusive.
    pub to: Option<NaiveDate>,
    /// What to do with rows flagged `duplicate_likely` (excluded by default).
    pub duplicates: Duplicates,
}

impl Filters {
    /// Check the filters as every caller needs them checked: the period runs
    /// forwards and the area is one of `data/crosswalk/aor.csv`, with that
    /// area's label. [`run_records`](crate::records::run_records) calls this first, so the command
    /// line, a notebook and a library caller get the same errors.
    ///
    /// # Errors
    /// [`Error::Argument`] saying which filter is wrong.
    pub fn check(&self) -> Result<()> {
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if from > to {
                return Err(Error::Argument(format!(
                    "the period starts ({from}) after it ends ({to})"
                )));
            }
        }
        if let Some(a) = &self.aor {
            let known = resolve_aor(&a.code)?;
            if normalise_label(&known.label) != normalise_label(&a.label) {
                return Err(Error::Argument(format!(
                    "area {} is labelled '{}' in the records, not '{}'",
                    known.code, known.label, a.label
                )));
            }
        }
        Ok(())
    }
}

/// The area of responsibility a filter selects.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AorFilter {
    /// Three-letter code, e.g. `BOS`.
    pub code: String,
    /// The `facility_aor` label matched.
    pub label: String,
}

impl From<Aor> for AorFilter {
    fn from(a: Aor) -> Self {
        AorFilter {
            code: a.code,
            label: a.label,
        }
    }
}

/// Parse a day given as `YYYY-MM-DD` (for filters).
///
/// # Errors
/// [`Error::Argument`] for anything else.
pub fn parse_day(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Error::Argument(format!("'{text}' is not a date in the form YYYY-MM-DD")))
}
