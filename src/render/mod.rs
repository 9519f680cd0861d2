//! What both pipelines show with, below both: numbers for people, escaped
//! HTML, tables, figures (SVG with a PNG copy) and the shapes they are drawn
//! with, pages, notebook displays and the writing of an output folder. It
//! knows shapes and labels, never an `Analysis` or a `RecordResults`.

pub(crate) mod draw;
pub(crate) mod figure;
pub(crate) mod format;
pub(crate) mod html;
pub(crate) mod notebook;
pub(crate) mod output;
pub(crate) mod page;
pub(crate) mod table;
