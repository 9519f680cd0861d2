//! The records' pipeline: a run end to end, the engines, the formats, every
//! area at once, and every number against the generator's truth.

mod areas;
mod engines;
mod formats;
mod layouts;
mod run;
mod truth;
