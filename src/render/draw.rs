//! Drawing shapes shared by every chart: the frame (a title, a legend in a
//! strip of its own under it, never over the data, and the source line at
//! the foot), category and month axes whose ticks are looked up by
//! position, horizontal bars, dots with intervals and monthly lines. They
//! know shapes and labels, not pipelines.

use super::figure::{out, BLUE, GREY, ORANGE, VERMILLION};
use super::format::{fmt_count, fmt_number, fmt_percent};
use crate::error::Result;
use plotters::chart::MeshStyle;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

// One chart style for every figure. Charts are drawn 860 px wide and shown
// at that size, in JupyterLab and in the pages. plotters' SVG backend writes
// a font size of the size asked for divided by 1.24, so these sizes give
// 17.7 px titles, 13.7 px text and a 12.9 px source line on the page: none
// below 12 px.

/// The title's size, as plotters takes it.
pub(crate) const TITLE_PX: u32 = 22;
/// Ticks, axis names, legends and labels on marks.
pub(crate) const TEXT_PX: u32 = 17;
/// The source line under the chart.
pub(crate) const NOTE_PX: u32 = 16;
/// The grid: major lines only, light enough to sit behind the marks.
pub(crate) const GRID: RGBColor = RGBColor(228, 228, 228);

/// Text on a chart: ticks, axis names, legends, labels on marks.
pub(crate) fn text_style() -> TextStyle<'static> {
    ("sans-serif", TEXT_PX).into_font().into()
}

/// A chart's title.
pub(crate) fn title_style() -> TextStyle<'static> {
    ("sans-serif", TITLE_PX).into_font().into()
}

/// The house style of an axis mesh: a light major grid and no minor lines,
/// labels and axis names at [`TEXT_PX`].
pub(crate) fn house_style<'a, 'b, X, Y, DB>(
    mesh: &'b mut MeshStyle<'a, 'b, X, Y, DB>,
) -> &'b mut MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged,
    Y: Ranged,
    DB: DrawingBackend,
{
    mesh.light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(GREY)
        .label_style(text_style())
        .axis_desc_style(text_style())
}

/// The fill of a legend's box: a white no chart uses for anything else, so
/// a test reading the SVG can find the box (it is drawn after every mark).
pub(crate) const LEGEND_BOX: RGBColor = RGBColor(253, 253, 253);

/// What a legend entry shows beside its label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Swatch {
    /// A filled square, as a bar is drawn.
    Bar(RGBColor),
    /// A filled square at this opacity, as a shaded band is drawn.
    Band(RGBColor, f64),
    /// A line of this width, as a series or a reference line is drawn.
    Line(RGBColor, u32),
    /// A dot, as a point estimate is drawn.
    Dot(RGBColor),
}

/// One entry of a chart's legend.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    /// What the entry names.
    pub label: String,
    /// How it is drawn.
    pub swatch: Swatch,
}

impl LegendItem {
    /// An entry.
    pub fn new(label: impl Into<String>, swatch: Swatch) -> Self {
        LegendItem {
            label: label.into(),
            swatch,
        }
    }
}

/// A chart's frame, drawn: the page white, the title at the top, the
/// source line at the foot, and a strip for the legend under the title.
/// The legend is drawn into [`Frame::legend`] by [`Frame::finish`], after
/// the marks, so it can never hide one: it has a strip of its own.
pub(crate) struct Frame<DB: DrawingBackend> {
    /// Where the chart (axes and marks) goes.
    pub(crate) plot: DrawingArea<DB, Shift>,
    legend: DrawingArea<DB, Shift>,
    items: Vec<LegendItem>,
}

/// Height of one row of legend entries.
const LEGEND_ROW_PX: u32 = 26;

/// Width of a legend entry in pixels: swatch, gap, label.
fn legend_entry_width(item: &LegendItem) -> u32 {
    // About 8.3 px per character at TEXT_PX, as for axis labels.
    34 + (item.label.chars().count() as f64 * 8.3).ceil() as u32
}

/// Split `items` into rows that fit `width`.
fn legend_rows(items: &[LegendItem], width: u32) -> Vec<Vec<&LegendItem>> {
    let mut rows: Vec<Vec<&LegendItem>> = Vec::new();
    let mut used = 0;
    for item in items {
        let w = legend_entry_width(item) + 18;
        if rows.is_empty() || used + w > width {
            rows.push(Vec::new());
            used = 0;
        }
        used += w;
        if let Some(row) = rows.last_mut() {
            row.push(item);
        }
    }
    rows
}

/// Draw the frame of a chart titled `title` with `legend` entries and the
/// `source` line; returns the areas to draw the chart in.
pub(crate) fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    legend: &[LegendItem],
    source: &str,
) -> Result<Frame<DB>> {
    let main = with_footer(root, source)?;
    let (width, _) = main.dim_in_pixel();
    let title_px = TITLE_PX + 14;
    let (head, rest) = main.split_vertically(title_px);
    head.draw_text(
        title,
        &title_style().pos(Pos::new(HPos::Center, VPos::Center)),
        (width as i32 / 2, (title_px / 2) as i32 + 2),
    )
    .map_err(out)?;
    let rows = legend_rows(legend, width.saturating_sub(40)).len() as u32;
    let strip = if rows == 0 {
        0
    } else {
        rows * LEGEND_ROW_PX + 8
    };
    let (legend_area, plot) = rest.split_vertically(strip);
    Ok(Frame {
        plot,
        legend: legend_area,
        items: legend.to_vec(),
    })
}

impl<DB: DrawingBackend> Frame<DB> {
    /// Draw the legend in its strip: a box with each entry, centred.
    pub(crate) fn finish(self) -> Result<()> {
        if self.items.is_empty() {
            return Ok(());
        }
        let (width, height) = self.legend.dim_in_pixel();
        let rows = legend_rows(&self.items, width.saturating_sub(40));
        let widest = rows
            .iter()
            .map(|r| r.iter().map(|i| legend_entry_width(i) + 18).sum::<u32>())
            .max()
            .unwrap_or(0);
        let left = (width.saturating_sub(widest) / 2) as i32;
        self.legend
            .draw(&Rectangle::new(
                [(left - 6, 2), (left + widest as i32, height as i32 - 4)],
                LEGEND_BOX.filled(),
            ))
            .map_err(out)?;
        for (r, row) in rows.iter().enumerate() {
            let y = 4 + (r as u32 * LEGEND_ROW_PX + LEGEND_ROW_PX / 2) as i32;
            let mut x = left;
            for item in row {
                draw_swatch(&self.legend, item.swatch, x, y)?;
                self.legend
                    .draw_text(
                        &item.label,
                        &text_style().pos(Pos::new(HPos::Left, VPos::Center)),
                        (x + 26, y),
                    )
                    .map_err(out)?;
                x += (legend_entry_width(item) + 18) as i32;
            }
        }
        Ok(())
    }
}

/// A legend entry's swatch, 18 px wide, centred on `y`.
fn draw_swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    swatch: Swatch,
    x: i32,
    y: i32,
) -> Result<()> {
    match swatch {
        Swatch::Bar(c) => area.draw(&Rectangle::new(
            [(x + 2, y - 6), (x + 16, y + 6)],
            c.filled(),
        )),
        Swatch::Band(c, opacity) => area.draw(&Rectangle::new(
            [(x + 2, y - 6), (x + 16, y + 6)],
            c.mix(opacity).filled(),
        )),
        Swatch::Line(c, w) => area.draw(&PathElement::new(
            vec![(x, y), (x + 18, y)],
            c.stroke_width(w),
        )),
        Swatch::Dot(c) => area.draw(&Circle::new((x + 9, y), 5, c.filled())),
    }
    .map_err(out)
}

/// At most this many lines of source under a chart; more end in an ellipsis.
const MAX_FOOTER_LINES: usize = 3;

/// Split off a footer with the source line, wrapped at word boundaries so
/// that a long citation is never cut at the chart's edge; returns the area
/// above it.
pub(crate) fn with_footer<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    source: &str,
) -> Result<DrawingArea<DB, Shift>> {
    root.fill(&WHITE).map_err(out)?;
    let (width, height) = root.dim_in_pixel();
    let mut lines = wrap(source, chars_per_line(width, NOTE_PX));
    if lines.len() > MAX_FOOTER_LINES {
        lines.truncate(MAX_FOOTER_LINES);
        if let Some(last) = lines.last_mut() {
            last.push_str(" \u{2026}");
        }
    }
    let line_px = NOTE_PX + 2;
    let footer_px = 10 + line_px * lines.len() as u32;
    let (main, footer) = root.split_vertically(height.saturating_sub(footer_px));
    let style = ("sans-serif", NOTE_PX).into_font().color(&GREY);
    for (i, line) in lines.iter().enumerate() {
        let y = 7 + (line_px * i as u32) as i32;
        footer.draw_text(line, &style, (10, y)).map_err(out)?;
    }
    Ok(main)
}

/// How many characters of text at `font_px` (as plotters takes it) fit on a
/// line `width` pixels wide, with a margin: a sans-serif glyph averages
/// about 0.55 em (0.6 leaves a margin), and the SVG backend shows
/// `font_px / 1.24`.
fn chars_per_line(width: u32, font_px: u32) -> usize {
    let glyph = 0.6 * f64::from(font_px) / 1.24;
    ((f64::from(width.saturating_sub(20)) / glyph) as usize).max(20)
}

/// Break `text` into lines of at most `max` characters at spaces; a word
/// longer than a line (a URL, say) is cut into pieces of `max` characters.
pub(crate) fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let chars: Vec<char> = word.chars().collect();
        for piece in chars.chunks(max) {
            let piece: String = piece.iter().collect();
            let len = line.chars().count();
            if len > 0 && len + 1 + piece.chars().count() > max {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&piece);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A linear f64 axis whose ticks sit exactly at given points (category
/// centres, month starts), so labels can be looked up by position.
#[derive(Debug, Clone)]
pub struct KeyedAxis {
    range: std::ops::Range<f64>,
    points: Vec<f64>,
}

impl KeyedAxis {
    /// An axis over `range` with ticks at `points`.
    pub fn new(range: std::ops::Range<f64>, points: Vec<f64>) -> Self {
        KeyedAxis { range, points }
    }
}

impl Ranged for KeyedAxis {
    type ValueType = f64;
    type FormatOption = DefaultFormatting;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        let t = if span == 0.0 {
            0.0
        } else {
            (value - self.range.start) / span
        };
        limit.0 + (f64::from(limit.1 - limit.0) * t).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        self.points.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.range.clone()
    }
}

/// Category axis helpers: `n` categories at y = 0.5, 1.5, ...
pub(crate) fn category_points(n: usize) -> Vec<f64> {
    (0..n).map(|i| i as f64 + 0.5).collect()
}

/// Width in pixels for a category axis' labels (about 8.3 px per character
/// at the [`TEXT_PX`] label size, which is 13.7 px on the page), so long
/// labels are not clipped.
pub(crate) fn label_area_width(labels: &[String]) -> u32 {
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    (longest as f64 * 8.3 + 24.0).clamp(90.0, 460.0) as u32
}

/// Bottom of row `i` of `n` on a category axis: row 0 is drawn at the top,
/// so the chart reads downwards in table order.
pub(crate) fn row_bottom(n: usize, i: usize) -> f64 {
    (n - 1 - i) as f64
}

/// The label of the row whose band holds `y` (the inverse of [`row_bottom`]).
pub(crate) fn category_label(labels: &[String], y: f64) -> String {
    let n = labels.len();
    let band = y.floor();
    if band < 0.0 || band as usize >= n {
        return String::new();
    }
    labels[n - 1 - band as usize].clone()
}

/// The axes of a horizontal bar chart on `plot`, one row per label from
/// top to bottom: the labels on the y axis, counts in `unit` on the x axis
/// from 0 to `x_max`, and the house mesh, drawn. The caller draws the bars
/// (row `i` spans `row_bottom(labels.len(), i)` plus 0 to 1) and their
/// labels.
pub(crate) fn bar_chart<'a, DB: DrawingBackend>(
    plot: &'a DrawingArea<DB, Shift>,
    labels: &[String],
    x_max: f64,
    unit: &str,
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, KeyedAxis>>> {
    row_chart(plot, labels, x_max, unit, &|x: &f64| fmt_number(x.round()))
}

/// [`bar_chart`]'s axes with the x axis labelled by `fmt_x`.
pub(crate) fn row_chart<'a, DB: DrawingBackend>(
    plot: &'a DrawingArea<DB, Shift>,
    labels: &[String],
    x_max: f64,
    unit: &str,
    fmt_x: &dyn Fn(&f64) -> String,
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, KeyedAxis>>> {
    let n = labels.len().max(1);
    let mut chart = ChartBuilder::on(plot)
        .margin(12)
        .margin_top(4)
        .margin_right(30)
        .x_label_area_size(36)
        .y_label_area_size(label_area_width(labels))
        .build_cartesian_2d(
            0f64..x_max,
            KeyedAxis::new(0f64..n as f64, category_points(n)),
        )
        .map_err(out)?;
    let fmt_y = |y: &f64| category_label(labels, *y);
    house_style(&mut chart.configure_mesh())
        .disable_y_mesh()
        .y_label_formatter(&fmt_y)
        .x_label_formatter(fmt_x)
        .x_desc(unit)
        .draw()
        .map_err(out)?;
    Ok(chart)
}

/// Horizontal bars, one per labelled value, top to bottom in the given order;
/// each bar carries its count and its share of the total.
pub fn draw_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    rows: &[(String, u64)],
    unit: &str,
    source: &str,
) -> Result<()> {
    let frame = frame(root, title, &[], source)?;
    {
        let labels: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
        let n = labels.len().max(1);
        let total: u64 = rows.iter().map(|r| r.1).sum();
        let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f64;
        let mut chart = bar_chart(&frame.plot, &labels, max * 1.25, unit)?;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, r)| {
                let y = row_bottom(n, i);
                Rectangle::new([(0.0, y + 0.2), (r.1 as f64, y + 0.8)], BLUE.filled())
            }))
            .map_err(out)?;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, r)| {
                let y = row_bottom(n, i);
                let share = if total > 0 {
                    format!(" ({})", fmt_percent(r.1 as f64 / total as f64, 1))
                } else {
                    String::new()
                };
                Text::new(
                    format!("{}{share}", fmt_count(r.1)),
                    (r.1 as f64 + max * 0.01, y + 0.62),
                    text_style(),
                )
            }))
            .map_err(out)?;
    }
    frame.finish()
}

/// One row of [`draw_dot_intervals`].
#[derive(Debug, Clone, PartialEq)]
pub struct DotInterval {
    /// The row's label.
    pub label: String,
    /// The estimate, 0 to 1.
    pub value: f64,
    /// The interval's ends, 0 to 1.
    pub low: f64,
    /// The interval's upper end.
    pub high: f64,
    /// Drawn in the highlight colour, with its value written beside it.
    pub highlight: bool,
}

/// How [`draw_dot_intervals_with`] draws its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct DotStyle {
    /// Colour of a row's dot.
    pub dot: RGBColor,
    /// Colour of a row's interval.
    pub line: RGBColor,
    /// Colour of a highlighted row's dot and interval.
    pub highlight: RGBColor,
    /// Write every row's value beside its interval (`61%`); otherwise only
    /// highlighted rows', with the interval (`61.0% (52-70%)`).
    pub label_every_row: bool,
    /// A reference value drawn as a grey line across the rows, with its
    /// legend label.
    pub reference: Option<(f64, String)>,
    /// The legend, in its strip under the title.
    pub legend: Vec<LegendItem>,
}

impl Default for DotStyle {
    fn default() -> Self {
        DotStyle {
            dot: BLUE,
            line: BLUE,
            highlight: ORANGE,
            label_every_row: false,
            reference: None,
            legend: Vec::new(),
        }
    }
}

/// Shares as dots with their intervals as lines, one row per entry from top
/// to bottom, on an axis from 0 to 100%. Highlighted rows are drawn in
/// orange with their value written at the right; the others in blue.
pub fn draw_dot_intervals<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    rows: &[DotInterval],
    unit: &str,
    source: &str,
) -> Result<()> {
    draw_dot_intervals_with(root, title, rows, unit, source, &DotStyle::default())
}

/// [`draw_dot_intervals`] in a chosen [`DotStyle`].
pub fn draw_dot_intervals_with<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    rows: &[DotInterval],
    unit: &str,
    source: &str,
    style: &DotStyle,
) -> Result<()> {
    let frame = frame(root, title, &style.legend, source)?;
    {
        let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
        let n = labels.len().max(1);
        let fmt_x = |x: &f64| fmt_percent(*x, 0);
        let mut chart = row_chart(&frame.plot, &labels, 1.0, unit, &fmt_x)?;
        if let Some((value, _)) = &style.reference {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(*value, 0.0), (*value, n as f64)],
                    GREY.stroke_width(1),
                )))
                .map_err(out)?;
        }
        let pick = |r: &DotInterval, normal: RGBColor| {
            if r.highlight {
                style.highlight
            } else {
                normal
            }
        };
        chart
            .draw_series(rows.iter().enumerate().map(|(i, r)| {
                let y = row_bottom(n, i) + 0.5;
                PathElement::new(
                    vec![(r.low, y), (r.high, y)],
                    pick(r, style.line).stroke_width(3),
                )
            }))
            .map_err(out)?;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, r)| {
                let y = row_bottom(n, i) + 0.5;
                Circle::new((r.value, y), 5, pick(r, style.dot).filled())
            }))
            .map_err(out)?;
        chart
            .draw_series(
                rows.iter()
                    .enumerate()
                    .filter(|(_, r)| style.label_every_row || r.highlight)
                    .map(|(i, r)| {
                        let y = row_bottom(n, i) + 0.5;
                        let text = if style.label_every_row {
                            fmt_percent(r.value, 0)
                        } else {
                            format!(
                                "{} ({}-{})",
                                fmt_percent(r.value, 1),
                                fmt_percent(r.low, 0),
                                fmt_percent(r.high, 0)
                            )
                        };
                        // A short value fits up to the axis' end; a long one
                        // with its interval is pulled in from it.
                        let x =
                            (r.high + 0.01).min(if style.label_every_row { 0.93 } else { 0.86 });
                        Text::new(text, (x, y + 0.12), text_style())
                    }),
            )
            .map_err(out)?;
    }
    frame.finish()
}

/// One row of [`draw_quartiles`]: a distribution's quartiles.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QuartileRow {
    /// The row's label.
    pub label: String,
    /// First quartile.
    pub q1: f64,
    /// Median.
    pub median: f64,
    /// Third quartile.
    pub q3: f64,
    /// How many values, written beside the median.
    pub n: u64,
}

/// Distributions as their middle halves: per row, a bar from the first to
/// the third quartile and a dot at the median, with the median and the
/// count written beside, on an axis from 0 to the largest third quartile.
pub(crate) fn draw_quartiles<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    rows: &[QuartileRow],
    unit: &str,
    source: &str,
) -> Result<()> {
    let frame = frame(root, title, &[], source)?;
    {
        let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
        let n = labels.len().max(1);
        let top = rows.iter().map(|r| r.q3).fold(1.0, f64::max) * 1.45;
        let fmt_x = |x: &f64| format!("{x:.0}");
        let mut chart = row_chart(&frame.plot, &labels, top, unit, &fmt_x)?;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, r)| {
                let y = row_bottom(n, i) + 0.5;
                Rectangle::new(
                    [(r.q1, y - 0.18), (r.q3.max(r.q1 + top * 0.004), y + 0.18)],
                    BLUE.mix(0.35).filled(),
                )
            }))
            .map_err(out)?;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, r)| {
                let y = row_bottom(n, i) + 0.5;
                Circle::new((r.median, y), 5, BLUE.filled())
            }))
            .map_err(out)?;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, r)| {
                let y = row_bottom(n, i) + 0.5;
                let text = format!("median {:.0} (n = {})", r.median, fmt_count(r.n));
                Text::new(text, (r.q3 + top * 0.02, y + 0.12), text_style())
            }))
            .map_err(out)?;
    }
    frame.finish()
}

/// An event marked on a monthly chart: a dashed vertical line at `x` (the
/// month's index, plus the fraction of the month gone by; month `i` spans
/// `i - 0.5` to `i + 0.5`) with a short label.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Where on the month axis.
    pub x: f64,
    /// A few words.
    pub label: String,
}

/// A monthly series as a line with points. `months` are `YYYY-MM`; `values`
/// with `None` (a month with nothing to divide) break the line. When
/// `as_share` is set the axis runs 0 to 100%. `markers` are drawn as dashed
/// lines with their labels.
#[allow(clippy::too_many_arguments)]
pub fn draw_monthly<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    months: &[String],
    values: &[Option<f64>],
    y_desc: &str,
    as_share: bool,
    markers: &[Marker],
    source: &str,
) -> Result<()> {
    let frame = frame(root, title, &[], source)?;
    draw_monthly_marks(&frame.plot, months, values, y_desc, as_share, markers)?;
    frame.finish()
}

/// [`draw_monthly`]'s axes and marks on `plot`.
fn draw_monthly_marks<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    months: &[String],
    values: &[Option<f64>],
    y_desc: &str,
    as_share: bool,
    markers: &[Marker],
) -> Result<()> {
    let n = months.len().max(1);
    let top = if as_share {
        1.0
    } else {
        values
            .iter()
            .flatten()
            .fold(0.0f64, |m, v| m.max(*v))
            .max(1.0)
            * 1.15
    };
    // About eight labelled ticks whatever the span.
    let step = n.div_ceil(8).max(1);
    let ticks: Vec<f64> = (0..n).step_by(step).map(|i| i as f64).collect();
    let mut chart = ChartBuilder::on(plot)
        .margin(12)
        .margin_top(4)
        .margin_right(30)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(KeyedAxis::new(-0.5..(n as f64 - 0.5), ticks), 0f64..top)
        .map_err(out)?;
    let fmt_x = |x: &f64| {
        let i = x.round();
        if i < 0.0 {
            return String::new();
        }
        months.get(i as usize).cloned().unwrap_or_default()
    };
    let fmt_y = |y: &f64| {
        if as_share {
            fmt_percent(*y, 0)
        } else {
            fmt_number(y.round())
        }
    };
    house_style(&mut chart.configure_mesh())
        .x_label_formatter(&fmt_x)
        .y_label_formatter(&fmt_y)
        .y_desc(y_desc)
        .draw()
        .map_err(out)?;
    let mut segment: Vec<(f64, f64)> = Vec::new();
    let mut segments: Vec<Vec<(f64, f64)>> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => segment.push((i as f64, *v)),
            None => {
                if !segment.is_empty() {
                    segments.push(std::mem::take(&mut segment));
                }
            }
        }
    }
    if !segment.is_empty() {
        segments.push(segment);
    }
    for s in segments {
        chart
            .draw_series(LineSeries::new(s.clone(), BLUE.stroke_width(2)))
            .map_err(out)?;
        if n <= 60 {
            chart
                .draw_series(s.into_iter().map(|p| Circle::new(p, 3, BLUE.filled())))
                .map_err(out)?;
        }
    }
    for (i, m) in markers.iter().enumerate() {
        chart
            .draw_series(DashedLineSeries::new(
                [(m.x, 0.0), (m.x, top * 0.93)],
                6,
                4,
                VERMILLION.stroke_width(2),
            ))
            .map_err(out)?;
        // Labels step down so that neighbours do not overwrite each other.
        let y = top * (0.97 - 0.06 * (i % 3) as f64);
        let right_half = m.x > n as f64 / 2.0;
        let style = text_style().color(&VERMILLION).pos(Pos::new(
            if right_half { HPos::Right } else { HPos::Left },
            VPos::Center,
        ));
        let nudge = if right_half { -0.15 } else { 0.15 } * (n as f64 / 40.0).max(0.5);
        chart
            .draw_series(std::iter::once(Text::new(
                m.label.clone(),
                (m.x + nudge, y),
                style,
            )))
            .map_err(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_within_the_width() {
        let lines = wrap("Source: a long citation of a report; data/boston-2018.", 20);
        assert_eq!(
            lines,
            [
                "Source: a long",
                "citation of a",
                "report;",
                "data/boston-2018."
            ]
        );
        assert_eq!(wrap("short", 20), ["short"]);
        assert_eq!(wrap("", 20), [""]);
        assert_eq!(
            wrap("averyveryverylongword x", 5),
            ["avery", "veryv", "erylo", "ngwor", "d x"]
        );
    }

    #[test]
    fn each_row_is_labelled_with_its_own_name() {
        let labels: Vec<String> = ["first", "second", "third"].map(String::from).to_vec();
        for (i, name) in labels.iter().enumerate() {
            let centre = row_bottom(labels.len(), i) + 0.5;
            assert_eq!(&category_label(&labels, centre), name);
        }
        assert_eq!(category_label(&labels, -0.5), "");
        assert_eq!(category_label(&labels, 3.5), "");
        assert_eq!(row_bottom(3, 0), 2.0);
    }
}
