//! Synthetic record files of any size and in every format, with the truth
//! of every row for the tests: the generator and its export.

pub(crate) mod export;
pub(crate) mod generate;
pub(crate) mod layouts;
