//! The record-level charts: status groups, lift reasons, detainers and the
//! declined share by month.

use crate::error::Result;
use crate::records::decide::summary::RecordResults;
use crate::records::show::tables::{
    area_table, label, lift_reason_table, lift_time_table, month_table, record_scope, short_scope,
    source_line, status_group_table,
};
use crate::render::draw::{
    draw_bars, draw_dot_intervals, draw_monthly, draw_quartiles, DotInterval, Marker, QuartileRow,
};
use crate::render::figure::{render_svg, Figure, SIZE};
use chrono::Datelike;

/// Detainers by status group.
pub fn figure_status_groups(r: &RecordResults) -> Result<Figure> {
    let rows: Vec<(String, u64)> = r
        .by_status_group
        .iter()
        .map(|g| (g.group.clone(), g.detainers))
        .collect();
    bar_figure(
        r,
        "status_groups",
        "Detainers by immigration-status group",
        rows,
        SIZE.1,
        status_group_table(r)?.frame,
    )
}

/// Lift reasons.
pub fn figure_lift_reasons(r: &RecordResults) -> Result<Figure> {
    let rows: Vec<(String, u64)> = r
        .lift_reasons
        .iter()
        .map(|x| (label(&x.reason), x.count))
        .collect();
    let height = (140 + 34 * rows.len() as u32).max(260);
    bar_figure(
        r,
        "lift_reasons",
        "Why detainers were lifted",
        rows,
        height,
        lift_reason_table(r)?.frame,
    )
}

/// A bar per row, counted in detainers, titled `what` and the selection.
fn bar_figure(
    r: &RecordResults,
    name: &'static str,
    what: &str,
    rows: Vec<(String, u64)>,
    height: u32,
    data: polars::prelude::DataFrame,
) -> Result<Figure> {
    let caption = format!("{what}, {}", short_scope(r));
    let source = source_line(r);
    Ok(Figure {
        name,
        svg: render_svg((SIZE.0, height), |root| {
            draw_bars(root, &caption, &rows, "detainers", &source)
        })?,
        data,
        title: format!("{what}, {}", record_scope(r)),
    })
}

/// The events of the selection on the month axis of [`RecordResults::by_month`].
fn event_markers(r: &RecordResults) -> Vec<Marker> {
    r.events
        .iter()
        .filter_map(|e| {
            let month = e.date.format("%Y-%m").to_string();
            let i = r.by_month.iter().position(|m| m.month == month)?;
            let days = month_days(e.date);
            let gone = f64::from(e.date.day() - 1) / f64::from(days);
            Some(Marker {
                x: i as f64 - 0.5 + gone,
                label: e.label.clone(),
            })
        })
        .collect()
}

/// Days in the month of `d`.
fn month_days(d: chrono::NaiveDate) -> u32 {
    let first = d.with_day(1).unwrap_or(d);
    first
        .checked_add_months(chrono::Months::new(1))
        .map_or(31, |next| (next - first).num_days() as u32)
}

/// Detainers prepared per month.
pub fn figure_monthly_detainers(r: &RecordResults) -> Result<Figure> {
    let what = "Detainers prepared per month";
    let values = r.by_month.iter().map(|m| Some(m.detainers as f64));
    let title = format!("{what}, {}", record_scope(r));
    monthly_figure(
        r,
        "monthly_detainers",
        title,
        what,
        values.collect(),
        "detainers",
        false,
    )
}

/// Share of each month's detainers declined by the law-enforcement agency.
pub fn figure_monthly_declined_share(r: &RecordResults) -> Result<Figure> {
    let title = format!(
        "Share of detainers declined by the law-enforcement agency, by month prepared, {}",
        record_scope(r)
    );
    let values = r.by_month.iter().map(|m| m.declined_share);
    monthly_figure(
        r,
        "monthly_declined_share",
        title,
        "Share declined by the law-enforcement agency",
        values.collect(),
        "declined share",
        true,
    )
}

/// A value per month of [`RecordResults::by_month`], with the selection's
/// events marked; `caption` is completed by the selection's short scope.
fn monthly_figure(
    r: &RecordResults,
    name: &'static str,
    title: String,
    caption: &str,
    values: Vec<Option<f64>>,
    axis: &str,
    share: bool,
) -> Result<Figure> {
    let caption = format!("{caption}, {}", short_scope(r));
    let months: Vec<String> = r.by_month.iter().map(|m| m.month.clone()).collect();
    let source = source_line(r);
    let markers = event_markers(r);
    Ok(Figure {
        name,
        svg: render_svg(SIZE, |root| {
            draw_monthly(
                root, &caption, &months, &values, axis, share, &markers, &source,
            )
        })?,
        data: month_table(r)?.frame,
        title,
    })
}

/// The honored share, custody / (custody + declined), of every area with at
/// least the grouping's minimum of resolved detainers, highest first, each
/// with its 95% Wilson interval; the selected area in orange.
///
/// # Errors
/// [`crate::error::Error::Output`] when the results have no grouping.
pub fn figure_by_area(r: &RecordResults) -> Result<Figure> {
    let group = r.by.ok_or_else(|| {
        crate::error::Error::output("the results have no grouping (run with --by)")
    })?;
    let mut rows: Vec<DotInterval> = r
        .by_area
        .iter()
        .filter(|a| a.honored_share.of >= group.min_n.max(1))
        .filter_map(|a| {
            let share = a.honored_share.share?;
            let i = a.honored_share.interval?;
            Some(DotInterval {
                label: a.code.clone().unwrap_or_else(|| label(&a.area)),
                value: share,
                low: i.low,
                high: i.high,
                highlight: a.selected,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.value
            .total_cmp(&a.value)
            .then_with(|| a.label.cmp(&b.label))
    });
    let shown = rows.len();
    let all = r.by_area.len();
    let caption = format!("Honored share by {}, {}", group.by.label(), short_scope(r));
    let title = format!(
        "Honored share, custody / (custody + declined), by {}: {shown} of {all} with at least {} detainers lifted as custody or declined, {}",
        group.by.label(),
        group.min_n,
        record_scope(r)
    );
    let source = source_line(r);
    let height = (140 + 30 * rows.len() as u32).max(260);
    Ok(Figure {
        name: "by_area",
        svg: render_svg((SIZE.0, height), |root| {
            draw_dot_intervals(
                root,
                &caption,
                &rows,
                "honored share (95% interval)",
                &source,
            )
        })?,
        data: area_table(r)?.frame,
        title,
    })
}

/// Every chart, in report order (the `by_area` chart with a grouping).
pub fn record_figures(r: &RecordResults) -> Result<Vec<Figure>> {
    let mut figures = vec![
        figure_status_groups(r)?,
        figure_lift_reasons(r)?,
        figure_monthly_detainers(r)?,
        figure_monthly_declined_share(r)?,
    ];
    if r.by.is_some() {
        figures.push(figure_by_area(r)?);
    }
    if r.time_to_lift.iter().any(|t| t.median_days.is_some()) {
        figures.push(figure_time_to_lift(r)?);
    }
    Ok(figures)
}

/// Days from prepare date to lift date by outcome: the middle half of each
/// class's days and its median, for detainers with a lift date.
///
/// # Errors
/// [`crate::Error::Output`] when no detainer has a lift date.
pub fn figure_time_to_lift(r: &RecordResults) -> Result<Figure> {
    let rows: Vec<QuartileRow> = r
        .time_to_lift
        .iter()
        .filter_map(|t| {
            Some(QuartileRow {
                label: t.outcome.replace('_', " "),
                q1: t.q1_days?,
                median: t.median_days?,
                q3: t.q3_days?,
                n: t.detainers,
            })
        })
        .collect();
    if rows.is_empty() {
        return Err(crate::error::Error::output(
            "no detainer has a lift date: no file has a lift-date column (TRAC's FOIA rows do)",
        ));
    }
    let caption = format!("Days from prepare date to lift, {}", short_scope(r));
    let left_out: u64 = r
        .time_to_lift
        .first()
        .map_or(0, |t| t.lift_before_prepare + t.unreadable_lift_date);
    let title = format!(
        "Days from prepare date to lift date by outcome: the middle half (first to third quartile) and the median, for detainers with a lift date ({} left out: lift date before the prepare date or unreadable), {}",
        crate::render::format::fmt_count(left_out),
        record_scope(r)
    );
    let source = source_line(r);
    let height = (140 + 34 * rows.len() as u32).max(260);
    Ok(Figure {
        name: "time_to_lift",
        svg: render_svg((SIZE.0, height), |root| {
            draw_quartiles(
                root,
                &caption,
                &rows,
                "days from prepare date to lift",
                &source,
            )
        })?,
        data: lift_time_table(r)?.frame,
        title,
    })
}
