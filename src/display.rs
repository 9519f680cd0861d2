//! Display stage: numbers formatted for people, HTML escaping, and tables that
//! show as HTML in a notebook (with a plain-text fallback) and in the report.

use polars::prelude::{AnyValue, DataFrame};

/// A whole number with thousands separators: `1,234`.
pub fn fmt_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number for prose: whole numbers with separators, others with 2 decimals
/// (3 below 1), trailing zeros dropped. `NaN` shows as `n/a`.
pub fn fmt_number(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    if (x - x.round()).abs() < 1e-9 && x.abs() < 1e15 {
        let sign = if x < -0.5 { "-" } else { "" };
        return format!("{sign}{}", fmt_count(x.round().abs() as u64));
    }
    let places = if x.abs() < 1.0 { 3 } else { 2 };
    let s = format!("{x:.places$}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if x.abs() >= 1000.0 {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let sign = if x < 0.0 { "-" } else { "" };
        let int = fmt_count(int.trim_start_matches('-').parse().unwrap_or(0));
        return if frac.is_empty() {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac}")
        };
    }
    s.to_owned()
}

/// A fraction as a percentage: `fmt_percent(0.47807, 1)` is `47.8%`.
pub fn fmt_percent(fraction: f64, decimals: usize) -> String {
    if !fraction.is_finite() {
        return "n/a".into();
    }
    format!("{:.decimals$}%", fraction * 100.0)
}

/// A p-value: `< 0.0001` when tiny, else four decimals.
pub fn fmt_p_value(p: f64) -> String {
    if p < 1e-4 {
        "< 0.0001".into()
    } else {
        format!("{p:.4}")
    }
}

/// A p-value as a clause: `p < 0.0001` or `p = 0.0123`.
pub fn fmt_p_clause(p: f64) -> String {
    if p < 1e-4 {
        "p < 0.0001".into()
    } else {
        format!("p = {p:.4}")
    }
}

/// Escape text for HTML element content and attribute values.
///
/// ```
/// assert_eq!(detainers::display::escape_html("<b>\"A&B\"</b>"), "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;");
/// ```
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// How a column is shown to people (the data stay as they are).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnFormat {
    /// As the value is.
    Plain,
    /// A fraction shown as a percentage with one decimal.
    Percent,
    /// A probability shown as `< 0.0001` when tiny, else with four decimals.
    PValue,
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
}

impl ShowTable {
    /// A table with no percentage columns.
    pub fn new(frame: DataFrame, caption: impl Into<String>) -> Self {
        ShowTable {
            frame,
            caption: caption.into(),
            percent_columns: Vec::new(),
            p_value_columns: Vec::new(),
        }
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
        if self.p_value_columns.contains(&column) {
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
        let mut html = String::from("<table class=\"data\">\n");
        html.push_str(&format!(
            "<caption>{}</caption>\n<thead><tr>",
            escape_html(&self.caption)
        ));
        for name in df.get_column_names() {
            html.push_str(&format!("<th>{}</th>", escape_html(name)));
        }
        html.push_str("</tr></thead>\n<tbody>\n");
        for i in 0..df.height() {
            html.push_str("<tr>");
            for column in df.columns() {
                let value = column.get(i).unwrap_or(AnyValue::Null);
                let numeric = value.is_primitive_numeric();
                let text = format_value(&value, self.format_of(column.name()));
                let class = if numeric { " class=\"num\"" } else { "" };
                html.push_str(&format!("<td{class}>{}</td>", escape_html(&text)));
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</tbody>\n</table>\n");
        html
    }

    /// Print the table for evcxr: HTML, and text for viewers without HTML.
    pub fn evcxr_display(&self) {
        println!(
            "EVCXR_BEGIN_CONTENT text/html\n{}\nEVCXR_END_CONTENT",
            self.to_html()
        );
        println!(
            "EVCXR_BEGIN_CONTENT text/plain\n{}\n{}\nEVCXR_END_CONTENT",
            self.caption, self.frame
        );
    }
}

/// Format one cell for people.
pub fn format_value(value: &AnyValue<'_>, format: ColumnFormat) -> String {
    match value {
        AnyValue::Null => "\u{2014}".into(),
        AnyValue::Float64(x) => match format {
            ColumnFormat::Percent => fmt_percent(*x, 1),
            ColumnFormat::PValue => fmt_p_value(*x),
            ColumnFormat::Plain => fmt_number(*x),
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
    fn numbers_for_people() {
        assert_eq!(fmt_count(1_234_567), "1,234,567");
        assert_eq!(fmt_count(456), "456");
        assert_eq!(fmt_number(218.0), "218");
        assert_eq!(fmt_number(10.428_571), "10.43");
        assert_eq!(fmt_number(0.546_296), "0.546");
        assert_eq!(fmt_number(-238.0), "-238");
        assert_eq!(fmt_number(12_345.5), "12,345.5");
        assert_eq!(fmt_percent(0.478_07, 1), "47.8%");
        assert_eq!(fmt_p_value(3.4e-7), "< 0.0001");
    }

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
