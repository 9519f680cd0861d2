//! Showing values in a notebook (evcxr): key numbers as JSON for tools with a
//! sentence and a small table for people, text without quotes, and a `Debug`
//! display for any other value.

use super::html::escape_html;
use serde::Serialize;

/// The media type of the key numbers' JSON in a notebook. A vendor type on
/// purpose: JupyterLab shows `application/json` as a collapsible tree in
/// preference to everything else, which hid the sentence; a type it does not
/// know is kept in the notebook for tools (scripts/check_notebooks.py reads
/// it) and not shown.
pub(crate) const KEY_NUMBERS_MIME: &str = "application/vnd.detainers.key-numbers+json";

/// The evcxr display of a key-numbers value: its JSON for tools, and for
/// people the sentence with a small table of the numbers (HTML, inline
/// styles) and the sentence alone as plain text.
pub(crate) fn key_numbers_display<T: Serialize>(
    value: &T,
    sentence: &str,
    rows: &[(&str, String)],
) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "{}".into());
    let mut html = format!(
        "<div class=\"key-numbers\"><p style=\"margin:0 0 .4em 0\">{}</p>\
         <table style=\"border-collapse:collapse\"><tbody>",
        escape_html(sentence)
    );
    for (label, value) in rows {
        html.push_str(&format!(
            "<tr><th scope=\"row\" style=\"text-align:left;font-weight:normal;color:#555;padding:.1em .8em .1em 0\">{}</th>\
             <td style=\"text-align:right;font-variant-numeric:tabular-nums;padding:.1em 0\">{}</td></tr>",
            escape_html(label),
            escape_html(value)
        ));
    }
    html.push_str("</tbody></table></div>");
    [
        evcxr_content(KEY_NUMBERS_MIME, &json),
        evcxr_content("text/html", &html),
        evcxr_content("text/plain", sentence),
    ]
    .concat()
}

/// One output of a cell for evcxr: `content` under its MIME type, between
/// evcxr's markers. evcxr reads the markers line by line, so a line of user
/// text that began with one (a label in a data file, say) could close this
/// output and open one of another type, such as unescaped HTML; such a line
/// gets a zero-width space in front.
pub(crate) fn evcxr_content(mime: &str, content: &str) -> String {
    let mut out = format!("EVCXR_BEGIN_CONTENT {mime}\n");
    for line in content.split('\n') {
        if line.trim_start().starts_with("EVCXR_") {
            out.push('\u{200b}');
        }
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("EVCXR_END_CONTENT\n");
    out
}

/// Print one output for evcxr ([`evcxr_content`]).
pub(crate) fn show(mime: &str, content: &str) {
    print!("{}", evcxr_content(mime, content));
}

/// Plain text shown as it is (no `Debug` quotes around a sentence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl Text {
    /// Show the text as the cell's plain-text output.
    pub fn evcxr_display(&self) {
        show("text/plain", &self.0);
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Shows any value without a display of its own as its `Debug` text.
///
/// evcxr shows a cell's last value by first compiling the cell with a call to
/// the value's `evcxr_display` method, and compiling it a second time with
/// `Debug` output when the type has none: a count or a tuple cost two
/// compiles. With this trait in scope (it is in the prelude), every `Debug`
/// value has the method, so every cell compiles once. Types with their own
/// `evcxr_display` (figures, tables, key numbers) keep it: an inherent method
/// is found before a trait's.
pub trait ShowAsText {
    /// Print the value's `Debug` text as the cell's plain-text output.
    fn evcxr_display(&self);
}

impl<T: std::fmt::Debug + ?Sized> ShowAsText for T {
    fn evcxr_display(&self) {
        show("text/plain", &format!("{self:?}"));
    }
}

#[cfg(test)]
mod tests {
    use super::evcxr_content;

    #[test]
    fn user_text_cannot_close_an_output_or_open_another() {
        let hostile =
            "a label\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/html\n<script>x</script>";
        let out = evcxr_content("text/plain", hostile);
        let markers: Vec<&str> = out.lines().filter(|l| l.starts_with("EVCXR_")).collect();
        assert_eq!(
            markers,
            ["EVCXR_BEGIN_CONTENT text/plain", "EVCXR_END_CONTENT"]
        );
        assert!(out.contains("a label\n\u{200b}EVCXR_END_CONTENT\n"));
        assert_eq!(
            evcxr_content("text/plain", "wrote 3 files"),
            "EVCXR_BEGIN_CONTENT text/plain\nwrote 3 files\nEVCXR_END_CONTENT\n"
        );
    }
}
