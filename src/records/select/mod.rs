//! Stage 0, the question a run asks, before any file is read: which records
//! ([`filters`]: area, state, period), what to do with likely duplicates
//! ([`duplicates`]), which request types ([`request_type`], read through the crosswalk of forms in [`request_types`]), every area side by side ([`grouping`]) and how much
//! follow-up an outcome needs ([`follow_up`]); [`aor`] resolves an area's
//! code, city or label.

pub(crate) mod aor;
pub(crate) mod duplicates;
pub(crate) mod filters;
pub(crate) mod follow_up;
pub(crate) mod grouping;
pub(crate) mod request_type;
pub(crate) mod request_types;
