//! Every area at once: what `by_area` groups the detainers by, and the
//! smallest count its chart shows.

use crate::error::{Error, Result};
use crate::records::select::filters::Place;
use serde::{Deserialize, Serialize};

/// What to group `by_area` by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    /// `facility_aor`: areas of responsibility.
    Aor,
    /// `facility_state`.
    State,
    /// `detention_facility`.
    Facility,
    /// `facility_city`.
    City,
}

impl By {
    /// The place grouped on (its column is the read stage's to name).
    pub(crate) fn place(self) -> Place {
        match self {
            By::Aor => Place::Aor,
            By::State => Place::State,
            By::Facility => Place::Facility,
            By::City => Place::City,
        }
    }

    /// Whether rows outside the selected area or state are counted (`aor`
    /// and `state`), so the selection can be compared with the rest.
    pub fn sets_area_filters_aside(self) -> bool {
        matches!(self, By::Aor | By::State)
    }

    /// The grouping in words, for captions.
    pub fn label(self) -> &'static str {
        match self {
            By::Aor => "area of responsibility",
            By::State => "facility state",
            By::Facility => "facility",
            By::City => "facility city",
        }
    }

    /// The name as the command line writes it.
    pub fn name(self) -> &'static str {
        match self {
            By::Aor => "aor",
            By::State => "state",
            By::Facility => "facility",
            By::City => "city",
        }
    }
}

impl std::str::FromStr for By {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        [By::Aor, By::State, By::City, By::Facility]
            .into_iter()
            .find(|b| b.name() == s)
            .ok_or_else(|| {
                Error::Argument(format!(
                    "unknown grouping '{s}'; use aor, state, city or facility"
                ))
            })
    }
}

/// How `by_area` was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupBy {
    /// The grouping.
    pub by: By,
    /// The chart shows areas with at least this many detainers resolved as
    /// declined or custody (the table and `results.json` show every area).
    pub min_n: u64,
}

/// The chart's default minimum of resolved detainers per area.
pub const MIN_RESOLVED: u64 = 30;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groupings_parse_and_say_what_they_set_aside() {
        assert_eq!("aor".parse::<By>().unwrap(), By::Aor);
        assert_eq!("facility".parse::<By>().unwrap().place(), Place::Facility);
        assert_eq!("city".parse::<By>().unwrap().place(), Place::City);
        assert!("county".parse::<By>().is_err());
        assert!(By::State.sets_area_filters_aside());
        assert!(!By::Facility.sets_area_filters_aside());
    }
}
