//! The article's figures: each chart of [`super::charts`] rendered to SVG,
//! with the table it draws, in report order.

use super::analysis::Analysis;
use super::charts::{
    draw_case_timeline, draw_custody_sensitivity, draw_dispositions, draw_hits_by_status,
    draw_rate_by_status,
};
use super::model::Dataset;
use super::tables;
use crate::error::{Error, Result};
use crate::render::figure::{render_svg, Figure, SIZE};
use crate::render::format::fmt_number;

/// The source line printed under every chart.
pub(crate) fn source_line(dataset: &Dataset) -> String {
    let s = dataset.meta.sources.first();
    let cite = s.map_or_else(
        || dataset.meta.title.clone(),
        |s| {
            let who = s.author.clone().unwrap_or_default();
            let when = s.published.clone().unwrap_or_default();
            format!("{who} ({when}), \u{201c}{}\u{201d}", s.title)
        },
    );
    let folder = dataset.folder_name();
    format!("Source: {cite}; data/{folder}. Chart: detainers.")
}

/// Chart 1: hits and detainers by status group.
pub fn figure_hits_by_status(dataset: &Dataset, a: &Analysis) -> Result<Figure> {
    let source = source_line(dataset);
    Ok(Figure {
        name: "hits_by_status",
        title: format!(
            "Hits and detainers by immigration status (people), {} to {}",
            a.period.start, a.period.end
        ),
        svg: render_svg(SIZE, |root| draw_hits_by_status(root, a, &source))?,
        data: tables::status_table(a)?.frame,
    })
}

/// Chart 2: detainer rate by group with 95% intervals.
pub fn figure_rate_by_status(dataset: &Dataset, a: &Analysis) -> Result<Figure> {
    let source = source_line(dataset);
    Ok(Figure {
        name: "rate_by_status",
        title: format!(
            "Detainer rate by status (% of hits, 95% Wilson interval), {} to {}",
            a.period.start, a.period.end
        ),
        svg: render_svg(SIZE, |root| draw_rate_by_status(root, a, &source))?,
        data: tables::status_table(a)?.frame,
    })
}

/// Chart 3: dispositions.
pub fn figure_dispositions(dataset: &Dataset, a: &Analysis) -> Result<Figure> {
    let source = source_line(dataset);
    Ok(Figure {
        name: "dispositions",
        title: format!(
            "ICE's response to {} hits (people), {} to {}",
            a.totals.hits, a.period.start, a.period.end
        ),
        svg: render_svg((SIZE.0, 300), |root| draw_dispositions(root, a, &source))?,
        data: tables::dispositions_table(a)?.frame,
    })
}

/// Chart 4: custody share against the honored share.
pub fn figure_custody_sensitivity(dataset: &Dataset, a: &Analysis) -> Result<Figure> {
    let source = source_line(dataset);
    Ok(Figure {
        name: "custody_sensitivity",
        title: format!(
            "Estimated custody share of hits (%) by share of detainers honored; marked: p = {}",
            fmt_number(a.custody.honored_share)
        ),
        svg: render_svg(SIZE, |root| draw_custody_sensitivity(root, a, &source))?,
        data: tables::sensitivity_table(a)?.frame,
    })
}

/// Chart 5: case examples against the study window.
///
/// # Errors
/// [`Error::Output`] when the dataset has no case examples.
pub fn figure_case_timeline(dataset: &Dataset, a: &Analysis) -> Result<Figure> {
    if dataset.cases.is_empty() {
        return Err(Error::output(
            "the dataset has no cases.csv, so there is no timeline to draw",
        ));
    }
    let source = source_line(dataset);
    let height = 120 + 34 * dataset.cases.len() as u32;
    Ok(Figure {
        name: "case_timeline",
        title: format!(
            "Case examples by month against the study period {} to {}",
            a.period.start, a.period.end
        ),
        svg: render_svg((SIZE.0, height.max(260)), |root| {
            draw_case_timeline(root, dataset, a, &source)
        })?,
        data: tables::cases_table(dataset, a)?.frame,
    })
}

/// Every chart for a dataset, in report order.
pub fn all_figures(dataset: &Dataset, a: &Analysis) -> Result<Vec<Figure>> {
    let mut figures = vec![
        figure_hits_by_status(dataset, a)?,
        figure_rate_by_status(dataset, a)?,
        figure_dispositions(dataset, a)?,
        figure_custody_sensitivity(dataset, a)?,
    ];
    if !dataset.cases.is_empty() {
        figures.push(figure_case_timeline(dataset, a)?);
    }
    Ok(figures)
}
