//! Which records to use: area, state, city, facility, dates and duplicates.

use crate::error::{Error, Result};
use crate::records::select::aor::{normalise_label, resolve_aor, Aor};
use crate::records::select::duplicates::Duplicates;
use crate::records::select::request_type::RequestChoice;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Which records to use.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Filters {
    /// Area of responsibility (resolved from a code, city or label).
    pub aor: Option<AorFilter>,
    /// Facility state, compared case-insensitively (`Minnesota` = `MINNESOTA`).
    pub state: Option<String>,
    /// Facility city, compared as the state is.
    #[serde(default)]
    pub city: Option<String>,
    /// Facility (`detention_facility`), compared as the state is.
    #[serde(default)]
    pub facility: Option<String>,
    /// First day, inclusive.
    pub from: Option<NaiveDate>,
    /// Last day, inclusive.
    pub to: Option<NaiveDate>,
    /// What to do with repeated records (flagged rows excluded by default).
    pub duplicates: Duplicates,
    /// Which request types to read (hold requests, when the files say
    /// which is which, by default).
    #[serde(default)]
    pub request_type: RequestChoice,
}

/// A place a filter can select by, or `by_area` group by
/// (`read::schema::place_column` names its column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// `facility_aor`.
    Aor,
    /// `facility_state`.
    State,
    /// `facility_city`.
    City,
    /// `detention_facility`.
    Facility,
}

impl Place {
    /// Every place, in the order a row is tested against them.
    pub(crate) const ALL: [Place; 4] = [Place::Aor, Place::State, Place::City, Place::Facility];

    /// The option that selects it.
    pub(crate) fn option(self) -> &'static str {
        match self {
            Place::Aor => "--aor",
            Place::State => "--state",
            Place::City => "--city",
            Place::Facility => "--facility",
        }
    }
}

impl Filters {
    /// The label a place's filter asks for (an area's label as the records
    /// write it), when there is a filter on that place.
    pub(crate) fn wanted(&self, place: Place) -> Option<&str> {
        match place {
            Place::Aor => self.aor.as_ref().map(|a| a.label.as_str()),
            Place::State => self.state.as_deref(),
            Place::City => self.city.as_deref(),
            Place::Facility => self.facility.as_deref(),
        }
    }

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
