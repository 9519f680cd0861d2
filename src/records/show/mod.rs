//! Stage 4, showing: [`decide::summary::RecordResults`](super::decide::summary::RecordResults)
//! as tables, figures, key numbers and a page, written as a folder.

pub(crate) mod figures;
pub(crate) mod key_numbers;
pub(crate) mod report;
pub(crate) mod tables;
