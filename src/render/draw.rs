//! Drawing shapes shared by every chart: the footer with the source line,
//! category and month axes whose ticks are looked up by position, horizontal
//! bars and monthly lines. They know shapes and labels, not pipelines.

use super::figure::{out, BLUE, GREY};
use super::format::{fmt_count, fmt_number, fmt_percent};
use crate::error::Result;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Split off a footer with the source line; returns the area above it.
pub(crate) fn with_footer<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    source: &str,
) -> Result<DrawingArea<DB, Shift>> {
    root.fill(&WHITE).map_err(out)?;
    let (h, _) = (root.dim_in_pixel().1, ());
    let (main, footer) = root.split_vertically(h.saturating_sub(26));
    footer
        .draw_text(
            source,
            &("sans-serif", 12).into_font().color(&GREY),
            (10, 6),
        )
        .map_err(out)?;
    Ok(main)
}

pub(crate) fn title_style() -> TextStyle<'static> {
    ("sans-serif", 18).into_font().into()
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

/// Width in pixels for a category axis' labels (about 6.6 px per character
/// at the 12 px label size), so long labels are not clipped.
pub(crate) fn label_area_width(labels: &[String]) -> u32 {
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    (longest as f64 * 6.6 + 24.0).clamp(80.0, 420.0) as u32
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

/// Horizontal bars, one per labelled value, top to bottom in the given order;
/// each bar carries its count and its share of the total.
pub fn draw_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    rows: &[(String, u64)],
    unit: &str,
    source: &str,
) -> Result<()> {
    let area = with_footer(root, source)?;
    let labels: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let n = labels.len().max(1);
    let total: u64 = rows.iter().map(|r| r.1).sum();
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f64;
    let mut chart = ChartBuilder::on(&area)
        .caption(title, ("sans-serif", 16).into_font())
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(label_area_width(&labels))
        .build_cartesian_2d(
            0f64..max * 1.25,
            KeyedAxis::new(0f64..n as f64, category_points(n)),
        )
        .map_err(out)?;
    let fmt_y = |y: &f64| category_label(&labels, *y);
    let fmt_x = |x: &f64| fmt_number(x.round());
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_label_formatter(&fmt_y)
        .x_label_formatter(&fmt_x)
        .x_desc(unit)
        .draw()
        .map_err(out)?;
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
                ("sans-serif", 12).into_font(),
            )
        }))
        .map_err(out)?;
    Ok(())
}

/// A monthly series as a line with points. `months` are `YYYY-MM`; `values`
/// with `None` (a month with nothing to divide) break the line. When
/// `as_share` is set the axis runs 0 to 100%.
pub fn draw_monthly<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    months: &[String],
    values: &[Option<f64>],
    y_desc: &str,
    as_share: bool,
    source: &str,
) -> Result<()> {
    let area = with_footer(root, source)?;
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
    let mut chart = ChartBuilder::on(&area)
        .caption(title, ("sans-serif", 16).into_font())
        .margin(12)
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
    chart
        .configure_mesh()
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
