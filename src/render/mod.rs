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

pub use draw::{
    draw_bars, draw_dot_intervals, draw_dot_intervals_with, draw_monthly, DotInterval, DotStyle,
    KeyedAxis, LegendItem, Marker, Swatch,
};
pub use figure::{
    render_svg, svg_to_png, Figure, BLUE, GREEN, GREY, ORANGE, SIZE, SKY, VERMILLION,
};
pub use format::{fmt_count, fmt_interval, fmt_number, fmt_p_clause, fmt_p_value, fmt_percent};
pub use html::{escape_html, http_url};
pub use notebook::{ShowAsText, Text};
pub use output::{frame_to_csv, Written};
pub use table::{format_value, ColumnFormat, ShowTable};
