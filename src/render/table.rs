//! Tables that show as escaped HTML in a notebook (with a plain-text
//! fallback) and in the pages: a polars [`DataFrame`] with a caption and
//! display hints.

use super::format::{fmt_count, fmt_number, fmt_p_value, fmt_percent};
use super::html::escape_html;
use super::notebook::show;

/// The caption's look, as an inline style (see [`ShowTable::to_html`]).
const CAPTION_STYLE: &str = "text-align:left;font-weight:600;margin:0 0 .3em 0";

/// A cell's alignment and padding: numbers to the right in tabular figures,
/// text to the left, both at the top of their row.
fn cell_style(numeric: bool, header: bool) -> &'static str {
    match (numeric, header) {
        (true, false) => "text-align:right;font-variant-numeric:tabular-nums;vertical-align:top;padding:.25em .6em;border-bottom:1px solid #e3e3e3",
        (true, true) => "text-align:right;vertical-align:bottom;padding:.25em .6em;border-bottom:1px solid #999",
        (false, false) => "text-align:left;vertical-align:top;padding:.25em .6em;border-bottom:1px solid #e3e3e3",
        (false, true) => "text-align:left;vertical-align:bottom;padding:.25em .6em;border-bottom:1px solid #999",
    }
}
use polars::prelude::{AnyValue, DataFrame};

/// How a column is shown to people (the data stay as they are).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnFormat {
    /// As the value is.
    Plain,
    /// A fraction shown as a percentage with one decimal.
    Percent,
    /// A probability shown as `< 0.0001` when tiny, else with four decimals.
    PValue,
    /// A year: a number, shown without a thousands separator.
    Year,
}

/// A polars table with a caption and display hints. Shows as an HTML table in
/// evcxr (escaped), with the polars text rendering as the plain-text fallback.
#[derive(Debug, Clone)]
pub struct ShowTable {
    /// The data.
    pub frame: DataFrame,
    /// One line saying what the table is, with its unit and source.
    pub caption: String,
    /// Columns shown as percentages.
    pub percent_columns: Vec<&'static str>,
    /// Columns shown as p-values.
    pub p_value_columns: Vec<&'static str>,
    /// Columns of years (no thousands separator).
    pub year_columns: Vec<&'static str>,
}

impl ShowTable {
    /// A table with no percentage columns.
    pub fn new(frame: DataFrame, caption: impl Into<String>) -> Self {
        ShowTable {
            frame,
            caption: caption.into(),
            percent_columns: Vec::new(),
            p_value_columns: Vec::new(),
            year_columns: Vec::new(),
        }
    }

    /// Show these columns as years (no thousands separator).
    pub fn with_years(mut self, columns: &[&'static str]) -> Self {
        self.year_columns.extend_from_slice(columns);
        self
    }

    /// Show these columns as percentages.
    pub fn with_percent(mut self, columns: &[&'static str]) -> Self {
        self.percent_columns.extend_from_slice(columns);
        self
    }

    /// Show these columns as p-values.
    pub fn with_p_values(mut self, columns: &[&'static str]) -> Self {
        self.p_value_columns.extend_from_slice(columns);
        self
    }

    fn format_of(&self, column: &str) -> ColumnFormat {
        if self.year_columns.contains(&column) {
            ColumnFormat::Year
        } else if self.p_value_columns.contains(&column) {
            ColumnFormat::PValue
        } else if self.percent_columns.contains(&column) {
            ColumnFormat::Percent
        } else {
            ColumnFormat::Plain
        }
    }

    /// The table as an HTML `<table>`; every value is escaped; missing values
    /// show as an em dash.
    pub fn to_html(&self) -> String {
        let df = &self.frame;
        let numeric: Vec<bool> = df
            .columns()
            .iter()
            .map(|c| c.dtype().is_primitive_numeric())
            .collect();
        // Alignment and layout are inline styles: JupyterLab strips <style>
        // elements from a notebook it does not trust and right-aligns every
        // cell of its own accord; inline styles survive both. The caption is
        // a paragraph above the table, so a narrow table does not squeeze it
        // into a centred column; the wrapper scrolls a wide table sideways
        // instead of letting it run past the page.
        let mut html = format!(
            "<div class=\"data-table\" style=\"max-width:100%;overflow-x:auto;margin:1em 0\">\n\
             <p class=\"caption\" style=\"{CAPTION_STYLE}\">{}</p>\n\
             <table class=\"data\" style=\"border-collapse:collapse\">\n<thead><tr>",
            escape_html(&self.caption)
        );
        for (name, &num) in df.get_column_names().iter().zip(&numeric) {
            html.push_str(&format!(
                "<th style=\"{}\">{}</th>",
                cell_style(num, true),
                escape_html(name)
            ));
        }
        html.push_str("</tr></thead>\n<tbody>\n");
        for i in 0..df.height() {
            html.push_str("<tr>");
            for (column, &num) in df.columns().iter().zip(&numeric) {
                let value = column.get(i).unwrap_or(AnyValue::Null);
                let text = format_value(&value, self.format_of(column.name()));
                let class = if num { " class=\"num\"" } else { "" };
                html.push_str(&format!(
                    "<td{class} style=\"{}\">{}</td>",
                    cell_style(num, false),
                    escape_html(&text)
                ));
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</tbody>\n</table>\n</div>\n");
        html
    }

    /// Print the table for evcxr: HTML, and text for viewers without HTML.
    pub fn evcxr_display(&self) {
        show("text/html", &self.to_html());
        show("text/plain", &format!("{}\n{}", self.caption, self.frame));
    }
}

/// Format one cell for people.
pub fn format_value(value: &AnyValue<'_>, format: ColumnFormat) -> String {
    match value {
        AnyValue::Null => "\u{2014}".into(),
        AnyValue::Int32(_) | AnyValue::Int64(_) | AnyValue::UInt32(_) | AnyValue::UInt64(_)
            if format == ColumnFormat::Year =>
        {
            value.str_value().into_owned()
        }
        AnyValue::Float64(x) => match format {
            ColumnFormat::Percent => fmt_percent(*x, 1),
            ColumnFormat::PValue => fmt_p_value(*x),
            ColumnFormat::Plain | ColumnFormat::Year => fmt_number(*x),
        },
        AnyValue::Float32(x) => fmt_number(f64::from(*x)),
        AnyValue::UInt64(n) => fmt_count(*n),
        AnyValue::UInt32(n) => fmt_count(u64::from(*n)),
        AnyValue::Int64(n) if *n >= 0 => fmt_count(*n as u64),
        AnyValue::Int32(n) if *n >= 0 => fmt_count(*n as u64),
        AnyValue::Boolean(b) => if *b { "yes" } else { "no" }.into(),
        AnyValue::String(s) => (*s).to_owned(),
        AnyValue::StringOwned(s) => s.to_string(),
        other => other.str_value().into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    #[test]
    fn html_tables_escape_data_and_show_missing_as_a_dash() {
        let frame = df!(
            "status" => ["<script>alert(1)</script>", "B & C"],
            "rate" => [Some(0.5), None],
        )
        .unwrap();
        let html = ShowTable::new(frame, "Rates <by> group")
            .with_percent(&["rate"])
            .to_html();
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("B &amp; C"));
        assert!(html.contains("Rates &lt;by&gt; group"));
        assert!(html.contains(">50.0%<"));
        assert!(html.contains(">\u{2014}<"));
    }

    #[test]
    fn tiny_p_values_are_not_shown_as_zero() {
        let frame = df!("p_value" => [1.8e-7, 0.0312]).unwrap();
        let plain = ShowTable::new(frame.clone(), "t").to_html();
        assert!(plain.contains(">0<"), "the plain format would round to 0");
        let html = ShowTable::new(frame, "t")
            .with_p_values(&["p_value"])
            .to_html();
        assert!(
            html.contains(">&lt; 0.0001<") && html.contains(">0.0312<"),
            "{html}"
        );
    }
}
