//! The raw labels a filter accepts, compared exactly inside both engines'
//! queries: the label asked for, and any spelling of it in the data that
//! differs only in spacing or case (found by a first pass).

use crate::records::select::aor::normalise_label;
use crate::records::select::filters::Filters;

/// Raw label values a filter accepts, compared exactly inside the query. They
/// start as the label asked for; [`scan_files`] adds any raw variant found in
/// the data that differs only in spacing or case, and scans again.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Accepted {
    /// `facility_aor` values that select the area.
    pub aor: Vec<String>,
    /// `facility_state` values that select the state.
    pub state: Vec<String>,
}

impl Accepted {
    /// The labels as given in the filters.
    pub(crate) fn from_filters(filters: &Filters) -> Self {
        let mut state = Vec::new();
        if let Some(s) = &filters.state {
            state.push(s.clone());
            if s.to_uppercase() != *s {
                state.push(s.to_uppercase());
            }
        }
        Accepted {
            aor: filters.aor.iter().map(|a| a.label.clone()).collect(),
            state,
        }
    }
}

pub(crate) fn same_label(value: &Option<String>, wanted: &str) -> bool {
    value
        .as_deref()
        .is_some_and(|v| normalise_label(v).eq_ignore_ascii_case(&normalise_label(wanted)))
}
