//! The article's charts, each drawn onto any plotters drawing area (an SVG
//! file, a notebook output): hits and detainers by status, the rate with its
//! interval, the outcomes, the custody estimate against the honored share,
//! and the case examples against the study period. Every chart has a title
//! with its unit and period and a source line.

use super::analysis::{case_in_window, Analysis};
use super::model::Dataset;
use crate::error::Result;
use crate::render::draw::{
    bar_chart, category_label, category_points, house_style, label_area_width, row_bottom,
    text_style, title_style, with_footer, KeyedAxis,
};
use crate::render::figure::{out, BLUE, GREEN, GREY, ORANGE, SKY, VERMILLION};
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
    let area = with_footer(root, source)?;
    let labels: Vec<String> = a.by_status.iter().map(|g| g.status.clone()).collect();
    let n = labels.len();
    let max = a.by_status.iter().map(|g| g.hits).max().unwrap_or(1) as f64;
    let title = format!(
        "Hits and detainers by immigration status, {} to {}",
        a.period.start, a.period.end
    );
    let mut chart = bar_chart(&area, &title, &labels, max * 1.15, "people")?;
    // Row i is drawn top to bottom so the table order reads downwards.
    let row_y = |i: usize| row_bottom(n, i);
    chart
        .draw_series(a.by_status.iter().enumerate().map(|(i, g)| {
            let y = row_y(i);
            Rectangle::new([(0.0, y + 0.52), (g.hits as f64, y + 0.88)], BLUE.filled())
        }))
        .map_err(out)?
        .label("actionable hits")
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], BLUE.filled()));
    chart
        .draw_series(a.by_status.iter().enumerate().map(|(i, g)| {
            let y = row_y(i);
            Rectangle::new(
                [(0.0, y + 0.12), (g.detainers as f64, y + 0.48)],
                ORANGE.filled(),
            )
        }))
        .map_err(out)?
        .label("detainers issued")
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], ORANGE.filled()));
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
    chart
        .configure_series_labels()
        .label_font(text_style())
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.9))
        .border_style(GREY)
        .draw()
        .map_err(out)?;
    Ok(())
}

/// Detainer rate per group with its 95% Wilson interval, and the overall rate.
pub fn draw_rate_by_status<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: &Analysis,
    source: &str,
) -> Result<()> {
    let area = with_footer(root, source)?;
    let labels: Vec<String> = a
        .by_status
        .iter()
        .map(|g| format!("{} (n = {})", g.status, g.hits))
        .collect();
    let n = labels.len();
    let mut chart = ChartBuilder::on(&area)
        .caption(
            format!(
                "Detainer rate by status, 95% interval, {} to {}",
                a.period.start, a.period.end
            ),
            title_style(),
        )
        .margin(12)
        .margin_right(30)
        .x_label_area_size(36)
        .y_label_area_size(label_area_width(&labels))
        .build_cartesian_2d(
            0f64..1f64,
            KeyedAxis::new(0f64..n as f64, category_points(n)),
        )
        .map_err(out)?;
    let fmt_y = |y: &f64| category_label(&labels, *y);
    let fmt_x = |x: &f64| fmt_percent(*x, 0);
    house_style(&mut chart.configure_mesh())
        .disable_y_mesh()
        .y_label_formatter(&fmt_y)
        .x_label_formatter(&fmt_x)
        .x_desc("detainers as a share of hits")
        .draw()
        .map_err(out)?;
    let overall = a.totals.detainer_rate;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(overall, 0.0), (overall, n as f64)],
            GREY.stroke_width(1),
        )))
        .map_err(out)?
        .label(format!("all groups: {}", fmt_percent(overall, 1)))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], GREY.stroke_width(1)));
    let row_y = |i: usize| row_bottom(n, i) + 0.5;
    chart
        .draw_series(a.by_status.iter().enumerate().filter_map(|(i, g)| {
            let ci = g.interval()?;
            Some(PathElement::new(
                vec![(ci.low, row_y(i)), (ci.high, row_y(i))],
                BLUE.stroke_width(3),
            ))
        }))
        .map_err(out)?
        .label("95% Wilson interval")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], BLUE.stroke_width(3)));
    chart
        .draw_series(
            a.by_status.iter().enumerate().filter_map(|(i, g)| {
                Some(Circle::new((g.rate?, row_y(i)), 5, VERMILLION.filled()))
            }),
        )
        .map_err(out)?
        .label("rate")
        .legend(|(x, y)| Circle::new((x + 7, y), 5, VERMILLION.filled()));
    chart
        .draw_series(a.by_status.iter().enumerate().filter_map(|(i, g)| {
            Some(Text::new(
                fmt_percent(g.rate?, 0),
                (g.ci_high? + 0.01, row_y(i) + 0.15),
                text_style(),
            ))
        }))
        .map_err(out)?;
    chart
        .configure_series_labels()
        .label_font(text_style())
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(GREY)
        .draw()
        .map_err(out)?;
    Ok(())
}

/// ICE's response to the hits, one bar per outcome.
pub fn draw_dispositions<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: &Analysis,
    source: &str,
) -> Result<()> {
    let area = with_footer(root, source)?;
    let labels: Vec<String> = a.dispositions.iter().map(|d| d.label.clone()).collect();
    let n = labels.len();
    let max = a.dispositions.iter().map(|d| d.count).max().unwrap_or(1) as f64;
    let title = format!(
        "ICE's response to {} hits (people), {} to {}",
        a.totals.hits, a.period.start, a.period.end
    );
    let mut chart = bar_chart(&area, &title, &labels, max * 1.2, "people")?;
    let colours = [ORANGE, VERMILLION, GREEN];
    let row_y = |i: usize| row_bottom(n, i);
    chart
        .draw_series(a.dispositions.iter().enumerate().map(|(i, d)| {
            Rectangle::new(
                [(0.0, row_y(i) + 0.2), (d.count as f64, row_y(i) + 0.8)],
                colours[i % 3].filled(),
            )
        }))
        .map_err(out)?;
    chart
        .draw_series(a.dispositions.iter().enumerate().map(|(i, d)| {
            Text::new(
                format!("{} ({})", d.count, fmt_percent(d.share, 1)),
                (d.count as f64 + max * 0.01, row_y(i) + 0.58),
                text_style(),
            )
        }))
        .map_err(out)?;
    Ok(())
}

/// Custody share against the honored share p, with the analysis' p marked.
pub fn draw_custody_sensitivity<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: &Analysis,
    source: &str,
) -> Result<()> {
    let area = with_footer(root, source)?;
    let mut chart = ChartBuilder::on(&area)
        .caption(
            format!(
                "Custody share of hits by share of detainers honored, {} to {}",
                a.period.start, a.period.end
            ),
            title_style(),
        )
        .margin(12)
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
        .map_err(out)?
        .label("half of hits")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], GREY.stroke_width(1)));
    chart
        .draw_series(LineSeries::new(
            a.sensitivity.iter().map(|c| (c.honored_share, c.share)),
            BLUE.stroke_width(3),
        ))
        .map_err(out)?
        .label("(CAP + p x detainers) / hits")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], BLUE.stroke_width(3)));
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
        .map_err(out)?
        .label("assumption used")
        .legend(|(x, y)| Circle::new((x + 7, y), 5, VERMILLION.filled()));
    chart
        .configure_series_labels()
        .label_font(text_style())
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(GREY)
        .draw()
        .map_err(out)?;
    Ok(())
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
    let area = with_footer(root, source)?;
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
    let mut chart = ChartBuilder::on(&area)
        .caption(
            format!(
                "Case examples by month against the study period, {} to {}",
                a.period.start, a.period.end
            ),
            title_style(),
        )
        .margin(12)
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
        .map_err(out)?
        .label("study period")
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], SKY.mix(0.3).filled()));
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
        .map_err(out)?
        .label("month the source gives")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], BLUE.stroke_width(6)));
    chart
        .configure_series_labels()
        .label_font(text_style())
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(GREY)
        .draw()
        .map_err(out)?;
    Ok(())
}
