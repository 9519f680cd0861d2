//! The article's charts, each drawn onto any plotters drawing area (an SVG
//! file, a notebook output) through the shared frame (title, legend strip,
//! source line) and shapes of `render::draw`: hits and detainers by status,
//! the rate with its interval, the outcomes, the custody estimate against
//! the honored share, and the case examples against the study period.
//! Every chart has a title with its unit and period and a source line, and
//! its legend in a strip of its own, never over the data.

use super::analysis::{case_in_window, Analysis};
use super::model::Dataset;
use crate::error::Result;
use crate::render::draw::{
    bar_chart, category_label, category_points, draw_bars, draw_dot_intervals_with, frame,
    house_style, label_area_width, row_bottom, text_style, DotInterval, DotStyle, KeyedAxis,
    LegendItem, Swatch,
};
use crate::render::figure::{out, BLUE, GREY, ORANGE, SKY, VERMILLION};
use crate::render::format::{fmt_number, fmt_percent};
use chrono::{Datelike, NaiveDate};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Horizontal grouped bars: hits and detainers per status group.
pub fn draw_hits_by_status<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: &Analysis,
    source: &str,
) -> Result<()> {
    let title = format!(
        "Hits and detainers by immigration status, {} to {}",
        a.period.start, a.period.end
    );
    let legend = [
        LegendItem::new("actionable hits", Swatch::Bar(BLUE)),
        LegendItem::new("detainers issued", Swatch::Bar(ORANGE)),
    ];
    let frame = frame(root, &title, &legend, source)?;
    {
        let labels: Vec<String> = a.by_status.iter().map(|g| g.status.clone()).collect();
        let n = labels.len();
        let max = a.by_status.iter().map(|g| g.hits).max().unwrap_or(1) as f64;
        let mut chart = bar_chart(&frame.plot, &labels, max * 1.15, "people")?;
        // Row i is drawn top to bottom so the table order reads downwards.
        let row_y = |i: usize| row_bottom(n, i);
        chart
            .draw_series(a.by_status.iter().enumerate().map(|(i, g)| {
                let y = row_y(i);
                Rectangle::new([(0.0, y + 0.52), (g.hits as f64, y + 0.88)], BLUE.filled())
            }))
            .map_err(out)?;
        chart
            .draw_series(a.by_status.iter().enumerate().map(|(i, g)| {
                let y = row_y(i);
                Rectangle::new(
                    [(0.0, y + 0.12), (g.detainers as f64, y + 0.48)],
                    ORANGE.filled(),
                )
            }))
            .map_err(out)?;
        chart
            .draw_series(a.by_status.iter().enumerate().flat_map(|(i, g)| {
                let y = row_y(i);
                [
                    Text::new(
                        g.hits.to_string(),
                        (g.hits as f64 + max * 0.01, y + 0.82),
                        text_style(),
                    ),
                    Text::new(
                        g.detainers.to_string(),
                        (g.detainers as f64 + max * 0.01, y + 0.42),
                        text_style(),
                    ),
                ]
            }))
            .map_err(out)?;
    }
    frame.finish()
}

/// Detainer rate per group with its 95% Wilson interval, and the overall
/// rate: the shared dot-and-interval shape.
pub fn draw_rate_by_status<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: &Analysis,
    source: &str,
) -> Result<()> {
    let rows: Vec<DotInterval> = a
        .by_status
        .iter()
        .filter_map(|g| {
            let ci = g.interval()?;
            Some(DotInterval {
                label: format!("{} (n = {})", g.status, g.hits),
                value: g.rate?,
                low: ci.low,
                high: ci.high,
                highlight: false,
            })
        })
        .collect();
    let overall = a.totals.detainer_rate;
    let all_groups = format!("all groups: {}", fmt_percent(overall, 1));
    let style = DotStyle {
        dot: VERMILLION,
        line: BLUE,
        label_every_row: true,
        reference: Some((overall, all_groups.clone())),
        legend: vec![
            LegendItem::new(all_groups, Swatch::Line(GREY, 1)),
            LegendItem::new("95% Wilson interval", Swatch::Line(BLUE, 3)),
            LegendItem::new("rate", Swatch::Dot(VERMILLION)),
        ],
        ..DotStyle::default()
    };
    let title = format!(
        "Detainer rate by status, 95% interval, {} to {}",
        a.period.start, a.period.end
    );
    draw_dot_intervals_with(
        root,
        &title,
        &rows,
        "detainers as a share of hits",
        source,
        &style,
    )
}

/// ICE's response to the hits, one bar per outcome: the shared bar shape.
pub fn draw_dispositions<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: &Analysis,
    source: &str,
) -> Result<()> {
    let title = format!(
        "ICE's response to {} hits (people), {} to {}",
        a.totals.hits, a.period.start, a.period.end
    );
    let rows: Vec<(String, u64)> = a
        .dispositions
        .iter()
        .map(|d| (d.label.clone(), d.count))
        .collect();
    draw_bars(root, &title, &rows, "people", source)
}

/// Custody share against the honored share p, with the analysis' p marked.
pub fn draw_custody_sensitivity<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: &Analysis,
    source: &str,
) -> Result<()> {
    let title = format!(
        "Custody share of hits by share of detainers honored, {} to {}",
        a.period.start, a.period.end
    );
    let legend = [
        LegendItem::new("half of hits", Swatch::Line(GREY, 1)),
        LegendItem::new("(CAP + p x detainers) / hits", Swatch::Line(BLUE, 3)),
        LegendItem::new("assumption used", Swatch::Dot(VERMILLION)),
    ];
    let frame = frame(root, &title, &legend, source)?;
    {
        let mut chart = ChartBuilder::on(&frame.plot)
            .margin(12)
            .margin_top(4)
            .margin_right(30)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..1f64, 0f64..1f64)
            .map_err(out)?;
        let pct = |v: &f64| fmt_percent(*v, 0);
        house_style(&mut chart.configure_mesh())
            .x_label_formatter(&pct)
            .y_label_formatter(&pct)
            .x_desc("share of detainers honored (p)")
            .y_desc("custody share of hits")
            .draw()
            .map_err(out)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.5), (1.0, 0.5)],
                GREY.stroke_width(1),
            )))
            .map_err(out)?;
        chart
            .draw_series(LineSeries::new(
                a.sensitivity.iter().map(|c| (c.honored_share, c.share)),
                BLUE.stroke_width(3),
            ))
            .map_err(out)?;
        let c = a.custody;
        chart
            .draw_series([
                Circle::new((c.honored_share, c.share), 6, VERMILLION.filled()).into_dyn(),
                Text::new(
                    format!(
                        "p = {}: {} of {} = {}",
                        fmt_number(c.honored_share),
                        fmt_number(c.in_custody),
                        a.totals.hits,
                        fmt_percent(c.share, 1)
                    ),
                    (c.honored_share + 0.02, c.share - 0.06),
                    text_style(),
                )
                .into_dyn(),
            ])
            .map_err(out)?;
    }
    frame.finish()
}

fn day_number(d: NaiveDate) -> f64 {
    f64::from(d.num_days_from_ce())
}

/// The case examples by month against the study window.
pub fn draw_case_timeline<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    dataset: &Dataset,
    a: &Analysis,
    source: &str,
) -> Result<()> {
    let title = format!(
        "Case examples by month against the study period, {} to {}",
        a.period.start, a.period.end
    );
    let legend = [
        LegendItem::new("study period", Swatch::Band(SKY, 0.3)),
        LegendItem::new("month the source gives", Swatch::Line(BLUE, 6)),
    ];
    let frame = frame(root, &title, &legend, source)?;
    draw_case_marks(&frame.plot, dataset, a)?;
    frame.finish()
}

/// [`draw_case_timeline`]'s axes and marks on `plot`.
fn draw_case_marks<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    dataset: &Dataset,
    a: &Analysis,
) -> Result<()> {
    let cases = &dataset.cases;
    let n = cases.len().max(1);
    let labels: Vec<String> = cases.iter().map(|c| c.id.clone()).collect();
    let first = cases
        .iter()
        .map(|c| c.month)
        .min()
        .unwrap_or(a.period.start)
        .min(a.period.start);
    let last = cases
        .iter()
        .map(|c| c.month)
        .max()
        .unwrap_or(a.period.end)
        .max(a.period.end);
    let x0 = day_number(first) - 20.0;
    let x1 = day_number(last) + 45.0;
    let mut ticks = Vec::new();
    let mut m = NaiveDate::from_ymd_opt(first.year(), first.month(), 1).expect("valid date");
    while day_number(m) <= x1 {
        ticks.push(day_number(m));
        m = if m.month() == 12 {
            NaiveDate::from_ymd_opt(m.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(m.year(), m.month() + 1, 1)
        }
        .expect("valid date");
    }
    let stride = ticks.len().div_ceil(12).max(1);
    let ticks: Vec<f64> = ticks.into_iter().step_by(stride).collect();
    let mut chart = ChartBuilder::on(plot)
        .margin(12)
        .margin_top(4)
        .margin_right(30)
        .x_label_area_size(36)
        .y_label_area_size(label_area_width(&labels))
        .build_cartesian_2d(
            KeyedAxis::new(x0..x1, ticks),
            KeyedAxis::new(0f64..n as f64, category_points(n)),
        )
        .map_err(out)?;
    let fmt_x = |x: &f64| {
        NaiveDate::from_num_days_from_ce_opt(x.round() as i32)
            .map(|d| d.format("%Y-%m").to_string())
            .unwrap_or_default()
    };
    let fmt_y = |y: &f64| category_label(&labels, *y);
    house_style(&mut chart.configure_mesh())
        .disable_y_mesh()
        .x_label_formatter(&fmt_x)
        .y_label_formatter(&fmt_y)
        .draw()
        .map_err(out)?;
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [
                (day_number(a.period.start), 0.0),
                (day_number(a.period.end) + 1.0, n as f64),
            ],
            SKY.mix(0.3).filled(),
        )))
        .map_err(out)?;
    let row_y = |i: usize| row_bottom(n, i) + 0.5;
    chart
        .draw_series(cases.iter().enumerate().map(|(i, c)| {
            let start = day_number(c.month);
            let end = start + case_in_window(c, &dataset.meta.period).days_in_month as f64;
            PathElement::new(
                vec![(start, row_y(i)), (end, row_y(i))],
                BLUE.stroke_width(6),
            )
        }))
        .map_err(out)?;
    Ok(())
}
