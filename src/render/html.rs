//! HTML text: escaping for element content and attribute values.

/// Escape text for HTML element content and attribute values.
///
/// ```
/// assert_eq!(detainers::render::escape_html("<b>\"A&B\"</b>"), "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;");
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

/// `url` when it is an `http` or `https` address (compared without case,
/// after surrounding spaces), else `None`: pages link only to the web, so a
/// `javascript:` or `data:` address from someone's dataset is shown as text,
/// never followed.
///
/// ```
/// assert_eq!(detainers::render::http_url(" https://example.org/x "), Some("https://example.org/x"));
/// assert_eq!(detainers::render::http_url("javascript:alert(1)"), None);
/// ```
pub fn http_url(url: &str) -> Option<&str> {
    let url = url.trim();
    let scheme = url.split_once("://").map(|(s, _)| s)?;
    (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")).then_some(url)
}
