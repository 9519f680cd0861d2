//! Chart stage: each chart draws onto any plotters drawing area, so one
//! function renders inline in a notebook and to an SVG file. Every chart has a
//! title with its unit and period, a source line, and colour-blind-safe
//! colours (Okabe-Ito). Text from data is escaped by plotters' SVG backend.

use crate::analysis::Analysis;
use crate::dataset::Dataset;
use crate::display::{escape_html, fmt_number, fmt_percent};
use crate::error::{Error, Result};
use crate::tables;
use chrono::{Datelike, NaiveDate};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::Shift;
use plotters::prelude::*;
use polars::prelude::DataFrame;

/// Okabe-Ito blue.
pub const BLUE: RGBColor = RGBColor(0, 114, 178);
/// Okabe-Ito orange.
pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
/// Okabe-Ito vermillion.
pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
/// Okabe-Ito bluish green.
pub const GREEN: RGBColor = RGBColor(0, 158, 115);
/// Okabe-Ito sky blue.
pub const SKY: RGBColor = RGBColor(86, 180, 233);
/// Neutral grey for reference lines.
pub const GREY: RGBColor = RGBColor(120, 120, 120);

/// Default figure size in pixels.
pub const SIZE: (u32, u32) = (860, 460);

fn out<E: std::fmt::Display>(e: E) -> Error {
    Error::Output(format!("chart: {e}"))
}

/// A rendered chart: its SVG and the data it draws.
#[derive(Debug, Clone)]
pub struct Figure {
    /// File stem, e.g. `hits_by_status`.
    pub name: &'static str,
    /// Title (with unit and period).
    pub title: String,
    /// The SVG document.
    pub svg: String,
    /// The data drawn, saved as CSV beside the SVG.
    pub data: DataFrame,
}

impl Figure {
    /// Show the chart inline in evcxr: SVG, a PNG of it (JupyterLab shows only
    /// the PNG in a notebook it does not trust, such as one opened from disk),
    /// and the title as the text fallback.
    pub fn evcxr_display(&self) {
        println!(
            "EVCXR_BEGIN_CONTENT image/svg+xml\n{}\nEVCXR_END_CONTENT",
            self.svg
        );
        match self.png() {
            Ok(png) => {
                use base64::Engine as _;
                println!(
                    "EVCXR_BEGIN_CONTENT image/png\n{}\nEVCXR_END_CONTENT",
                    base64::engine::general_purpose::STANDARD.encode(png)
                );
            }
            Err(e) => eprintln!("{}: no PNG fallback: {e}", self.name),
        }
        println!(
            "EVCXR_BEGIN_CONTENT text/plain\n{}\nEVCXR_END_CONTENT",
            self.title
        );
    }

    /// The chart as PNG, rasterised from its SVG.
    pub fn png(&self) -> Result<Vec<u8>> {
        svg_to_png(&self.svg)
    }

    /// The SVG wrapped in a `<figure>` with an escaped caption, for HTML pages.
    pub fn to_html(&self) -> String {
        format!(
            "<figure id=\"fig-{}\">{}<figcaption>{}</figcaption></figure>\n",
            self.name,
            self.svg,
            escape_html(&self.title)
        )
    }
}

/// The system fonts, loaded once, with `sans-serif` mapped to the first
/// installed of DejaVu Sans and Liberation Sans (the charts ask for
/// `sans-serif`; fontdb's own default is Arial, rarely installed on Linux).
fn font_database() -> std::sync::Arc<resvg::usvg::fontdb::Database> {
    static FONTS: std::sync::OnceLock<std::sync::Arc<resvg::usvg::fontdb::Database>> =
        std::sync::OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = resvg::usvg::fontdb::Database::new();
            db.load_system_fonts();
            let has = |family: &str| {
                db.faces()
                    .any(|f| f.families.iter().any(|(name, _)| name == family))
            };
            if let Some(family) = ["DejaVu Sans", "Liberation Sans", "Arial"]
                .into_iter()
                .find(|f| has(f))
            {
                db.set_sans_serif_family(family);
            }
            std::sync::Arc::new(db)
        })
        .clone()
}

/// Rasterise an SVG document to PNG bytes at its own size.
///
/// # Errors
/// [`Error::Output`] when the SVG cannot be parsed or the PNG encoded.
pub fn svg_to_png(svg: &str) -> Result<Vec<u8>> {
    use resvg::{tiny_skia, usvg};
    let options = usvg::Options {
        fontdb: font_database(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(out)?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| Error::Output("chart: empty SVG canvas".into()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(out)
}

/// Render a drawing function to an SVG string.
pub fn render_svg<F>(size: (u32, u32), draw: F) -> Result<String>
where
    F: FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<()>,
{
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root)?;
        root.present().map_err(out)?;
    }
    Ok(svg)
}

/// The source line printed under every chart.
pub fn source_line(dataset: &Dataset) -> String {
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

/// Split off a footer with the source line; returns the area above it.
fn with_footer<DB: DrawingBackend>(
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

fn title_style() -> TextStyle<'static> {
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
fn category_points(n: usize) -> Vec<f64> {
    (0..n).map(|i| i as f64 + 0.5).collect()
}

/// Width in pixels for a category axis' labels (about 6.6 px per character
/// at the 12 px label size), so long labels are not clipped.
fn label_area_width(labels: &[String]) -> u32 {
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    (longest as f64 * 6.6 + 24.0).clamp(80.0, 420.0) as u32
}

/// Bottom of row `i` of `n` on a category axis: row 0 is drawn at the top,
/// so the chart reads downwards in table order.
fn row_bottom(n: usize, i: usize) -> f64 {
    (n - 1 - i) as f64
}

/// The label of the row whose band holds `y` (the inverse of [`row_bottom`]).
fn category_label(labels: &[String], y: f64) -> String {
    let n = labels.len();
    let band = y.floor();
    if band < 0.0 || band as usize >= n {
        return String::new();
    }
    labels[n - 1 - band as usize].clone()
}

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
    let mut chart = ChartBuilder::on(&area)
        .caption(
            format!(
                "Hits and detainers by immigration status (people), {} to {}",
                a.period.start, a.period.end
            ),
            title_style(),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(label_area_width(&labels))
        .build_cartesian_2d(
            0f64..max * 1.15,
            KeyedAxis::new(0f64..n as f64, category_points(n)),
        )
        .map_err(out)?;
    let fmt_y = |y: &f64| category_label(&labels, *y);
    let fmt_people = |x: &f64| fmt_number(x.round());
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_label_formatter(&fmt_y)
        .x_label_formatter(&fmt_people)
        .x_desc("people")
        .draw()
        .map_err(out)?;
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
                    ("sans-serif", 12).into_font(),
                ),
                Text::new(
                    g.detainers.to_string(),
                    (g.detainers as f64 + max * 0.01, y + 0.42),
                    ("sans-serif", 12).into_font(),
                ),
            ]
        }))
        .map_err(out)?;
    chart
        .configure_series_labels()
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
                "Detainer rate by status (% of hits, 95% interval), {} to {}",
                a.period.start, a.period.end
            ),
            title_style(),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(label_area_width(&labels))
        .build_cartesian_2d(
            0f64..1f64,
            KeyedAxis::new(0f64..n as f64, category_points(n)),
        )
        .map_err(out)?;
    let fmt_y = |y: &f64| category_label(&labels, *y);
    let fmt_x = |x: &f64| fmt_percent(*x, 0);
    chart
        .configure_mesh()
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
                ("sans-serif", 12).into_font(),
            ))
        }))
        .map_err(out)?;
    chart
        .configure_series_labels()
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
    let mut chart = ChartBuilder::on(&area)
        .caption(
            format!(
                "ICE's response to {} hits (people), {} to {}",
                a.totals.hits, a.period.start, a.period.end
            ),
            title_style(),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(label_area_width(&labels))
        .build_cartesian_2d(
            0f64..max * 1.2,
            KeyedAxis::new(0f64..n as f64, category_points(n)),
        )
        .map_err(out)?;
    let fmt_y = |y: &f64| category_label(&labels, *y);
    let fmt_people = |x: &f64| fmt_number(x.round());
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_label_formatter(&fmt_y)
        .x_label_formatter(&fmt_people)
        .x_desc("people")
        .draw()
        .map_err(out)?;
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
                ("sans-serif", 13).into_font(),
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
                "Estimated share of hits taken into ICE custody (%), by share of detainers honored, {} to {}",
                a.period.start, a.period.end
            ),
            ("sans-serif", 16).into_font(),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(0f64..1f64, 0f64..1f64)
        .map_err(out)?;
    let pct = |v: &f64| fmt_percent(*v, 0);
    chart
        .configure_mesh()
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
                ("sans-serif", 13).into_font(),
            )
            .into_dyn(),
        ])
        .map_err(out)?
        .label("assumption used")
        .legend(|(x, y)| Circle::new((x + 7, y), 5, VERMILLION.filled()));
    chart
        .configure_series_labels()
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
                "Case examples by month (one row per person) against the study period {} to {}",
                a.period.start, a.period.end
            ),
            ("sans-serif", 16).into_font(),
        )
        .margin(12)
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
    chart
        .configure_mesh()
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
            let end = start
                + crate::analysis::case_in_window(c, &dataset.meta.period).days_in_month as f64;
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
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(GREY)
        .draw()
        .map_err(out)?;
    Ok(())
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
        return Err(Error::Output(
            "the dataset has no cases.csv, so there is no timeline to draw".into(),
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
                format!("{}{share}", crate::display::fmt_count(r.1)),
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
    fn svg_rasterises_to_a_png_of_the_same_size() {
        let svg = render_svg((200, 100), |root| {
            root.fill(&WHITE).map_err(out)?;
            root.draw_text(
                "label",
                &("sans-serif", 14).into_font().color(&BLACK),
                (10, 10),
            )
            .map_err(out)?;
            Ok(())
        })
        .unwrap();
        let png = svg_to_png(&svg).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // Width and height sit in the IHDR chunk, big-endian.
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 200);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 100);
        assert!(svg_to_png("<not svg").is_err());
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
