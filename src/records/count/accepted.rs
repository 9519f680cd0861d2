//! The raw labels a filter accepts, compared exactly inside both engines'
//! queries: the label asked for, and any spelling of it in the data that
//! differs only in spacing or case (found by a first pass).

use crate::records::select::aor::normalise_label;
use crate::records::select::filters::{Filters, Place};

/// Raw label values a filter accepts, compared exactly inside the query. They
/// start as the label asked for; the scan adds any raw variant found in the
/// data that differs only in spacing or case, and scans again.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Accepted {
    /// For each of [`Place::ALL`], the raw values that select it; `None`
    /// when there is no filter on that place.
    pub(crate) places: [Option<Vec<String>>; 4],
}

impl Accepted {
    /// The labels as given in the filters (a state, city or facility also
    /// in capitals, as the release writes them).
    pub(crate) fn from_filters(filters: &Filters) -> Self {
        let places = Place::ALL.map(|p| {
            filters.wanted(p).map(|w| {
                let mut list = vec![w.to_string()];
                if p != Place::Aor && w.to_uppercase() != w {
                    list.push(w.to_uppercase());
                }
                list
            })
        });
        Accepted { places }
    }

    /// The raw values accepted for `place`, when it is filtered.
    pub(crate) fn of(&self, place: Place) -> Option<&[String]> {
        self.places[place as usize].as_deref()
    }

    /// Accept `raw` for `place`; whether it was new.
    pub(crate) fn add(&mut self, place: Place, raw: &str) -> bool {
        match &mut self.places[place as usize] {
            Some(list) if !list.iter().any(|v| v == raw) => {
                list.push(raw.to_string());
                true
            }
            _ => false,
        }
    }
}

/// Whether a raw label is the wanted one once spacing and case are
/// normalised.
pub(crate) fn same_label(value: &str, wanted: &str) -> bool {
    normalise_label(value).eq_ignore_ascii_case(&normalise_label(wanted))
}
