//! Pages from templates: one base layout (`templates/base.html`, with the
//! style sheet) that the report and the records page extend, rendered by
//! minijinja with HTML escaping on by default.
//!
//! A page passes its own template (Jinja syntax) and a serializable context.
//! Every value is escaped as it is written unless the template marks it
//! `|safe`, which the pages do only for the HTML of a [`super::Figure`] or a
//! [`super::ShowTable`], each of which escapes its own text.

use super::html::escape_html;
use crate::error::{Error, Result};
use minijinja::{AutoEscape, Environment, Value};
use serde::Serialize;

const BASE: &str = include_str!("templates/base.html");

pub(crate) const CSS: &str = "*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;overflow-wrap:anywhere}h2{margin-top:2em;border-bottom:1px solid #ddd}
p,li,td,th,blockquote,figcaption{overflow-wrap:break-word}
table.data{border-collapse:collapse;margin:1em 0;font-size:.9em;max-width:100%}
table.data th,table.data td{padding:.25em .5em;vertical-align:top}
table.ledger{width:100%}
table.ledger td:first-child{width:40%}
figure{margin:1em 0;max-width:100%}figure svg{display:block;max-width:100%;height:auto}figcaption{font-size:.85em;color:#555}
.verdict{font-weight:600;min-width:8.5em}
.v-exact,.v-rounds_correctly,.v-supported{color:#006d4f}.v-approximately,.v-depends_on_assumption{color:#8a5a00}
.v-not_supported{color:#b03a00}.v-not_checkable{color:#555}
blockquote{margin:.2em 0;padding-left:.8em;border-left:3px solid #ccc;color:#333}
ul.key li{margin:.3em 0}.note{color:#555;font-size:.9em}
@media (max-width:600px){body{margin:1em auto;padding:0 .6em;font-size:15px}h1{font-size:1.3em}
table.ledger,table.ledger tbody,table.ledger tr,table.ledger td{display:block;width:auto!important}table.ledger thead{display:none}table.ledger tr{border-bottom:1px solid #ddd;padding:.5em 0}}";

/// Render the page template `source` (named `name`, ending in `.html`) with
/// `context`; the template extends `base.html`, which receives `title` from
/// the context and the style sheet.
///
/// # Errors
/// [`Error::Output`] naming the template when it does not parse or render.
pub(crate) fn render_page(name: &str, source: &str, context: impl Serialize) -> Result<String> {
    let fail = |e: minijinja::Error| Error::output_caused(format!("page {name}"), e);
    let mut env = Environment::new();
    // Tags on lines of their own leave no blank lines behind.
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(fail)?;
    env.set_syntax(syntax);
    // The same escaping as every other piece of HTML here (no `&#x2f;` for
    // slashes, unlike minijinja's own).
    env.set_formatter(|out, state, value| match state.auto_escape() {
        AutoEscape::Html if !value.is_safe() => {
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            out.write_str(&escape_html(&text)).map_err(|_| {
                minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "write failed")
            })
        }
        _ => minijinja::escape_formatter(out, state, value),
    });
    env.add_template("base.html", BASE).map_err(fail)?;
    env.add_template(name, source).map_err(fail)?;
    let context = Value::from(minijinja::value::Serde(&context));
    let css = Value::from_safe_string(CSS.to_string());
    env.get_template(name)
        .and_then(|t| t.render(minijinja::context! { css => css, ..context }))
        .map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_unless_marked_safe() {
        let page = "{% extends \"base.html\" %}{% block body %}<p>{{ text }}</p>{{ html|safe }}{% endblock %}";
        let out = render_page(
            "t.html",
            page,
            minijinja::context! { title => "A & B", text => "<script>x</script> 'q' \"d\" a/b", html => "<b>ok</b>" },
        )
        .unwrap();
        assert!(out.contains("<title>A &amp; B</title>"), "{out}");
        assert!(
            out.contains("<p>&lt;script&gt;x&lt;/script&gt; &#39;q&#39; &quot;d&quot; a/b</p>"),
            "{out}"
        );
        assert!(out.contains("<b>ok</b>"));
        assert!(out.starts_with("<!DOCTYPE html>"));
    }
}
