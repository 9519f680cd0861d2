//! Figures: a chart's SVG with the data it draws, rendered from any plotters
//! drawing function, with a PNG copy rasterised by resvg for viewers that
//! hide SVG. The colours are Okabe-Ito (colour-blind safe).

use super::html::escape_html;
use super::notebook::show;
use crate::error::{Error, Result};
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

/// A drawing error as the cause of an output error. The backend's error
/// type is generic and may borrow, so its text is what is kept.
pub(crate) fn out<E: std::fmt::Display>(e: E) -> Error {
    Error::output_caused("chart", e.to_string())
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
        show("image/svg+xml", &self.svg);
        match self.png() {
            Ok(png) => {
                use base64::Engine as _;
                show(
                    "image/png",
                    &base64::engine::general_purpose::STANDARD.encode(png),
                );
            }
            Err(e) => eprintln!("{}: no PNG fallback: {e}", self.name),
        }
        show("text/plain", &self.title);
    }

    /// The chart as PNG, rasterised from its SVG.
    pub fn png(&self) -> Result<Vec<u8>> {
        svg_to_png(&self.svg)
    }

    /// The SVG wrapped in a `<figure>`, for HTML pages, with a caption that
    /// names the CSV file of the data drawn.
    pub fn to_html(&self) -> String {
        // The chart carries its own title; the caption says where its data are.
        format!(
            "<figure id=\"fig-{name}\" style=\"margin:1em 0;max-width:100%\">{}<figcaption>The data drawn: figures/{name}.csv</figcaption></figure>\n",
            self.svg,
            name = escape_html(self.name),
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
        .ok_or_else(|| Error::output("chart: empty SVG canvas"))?;
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
}
