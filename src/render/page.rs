//! The pages' shared look: one style sheet for the report and the records page.

pub(crate) const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd}
table.data{border-collapse:collapse;margin:1em 0;font-size:.9em}
table.data caption{text-align:left;font-weight:600;padding:.3em 0}
table.data th,table.data td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}
table.data td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1em 0}figure svg{max-width:100%;height:auto}figcaption{font-size:.85em;color:#555}
.verdict{font-weight:600;white-space:nowrap}
.v-exact,.v-rounds_correctly,.v-supported{color:#006d4f}.v-approximately,.v-depends_on_assumption{color:#8a5a00}
.v-not_supported{color:#b03a00}.v-not_checkable{color:#555}
blockquote{margin:.2em 0;padding-left:.8em;border-left:3px solid #ccc;color:#333}
ul.key li{margin:.3em 0}.note{color:#555;font-size:.9em}";
