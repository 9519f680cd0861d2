#!/usr/bin/env python3
"""Write out/site/: one folder to share, zip, e-mail or serve as static pages.

  out/site/index.html            what is here, with links
  out/site/report/               the analysis of data/boston-2018 (report.html,
                                 results.json, figures, tables)
  out/site/records/              the record-level page for the real St. Paul
                                 sample (when ../shared/data/real is present)
  out/site/notebooks/NN-*.html   each committed notebook as a page, charts inline

Every file is self-contained: charts are inline SVG, styles are inline, and
the notebook pages have nbconvert's scripts from other sites removed (no
page here asks for anything outside the folder; scripts/browser_test.py
checks that). The notebooks are converted as committed, not re-executed.

Usage: .venv/bin/python scripts/export_site.py [--out out/site]
Builds the detainers binary if needed (`cargo build`); the last line says
where the site is.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SAMPLE = ROOT.parent / "shared" / "data" / "real" / "ddp-detainers-stpaul-sample" / "st_cloud_denied.csv"

# nbconvert's lab template loads require.js, MathJax and mermaid from a CDN;
# the notebooks use none of them.
EXTERNAL_SCRIPT = re.compile(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>', re.S)
CDN_MODULE = re.compile(r'<script type="module">(?:(?!</script>).)*?https?://(?:(?!</script>).)*?</script>', re.S)


MARKER = ".detainers-site"
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def binary() -> Path:
    """The debug build, brought up to date (a no-op after `cargo build`)."""
    if subprocess.run(["cargo", "build", "--quiet"], cwd=ROOT).returncode != 0:
        sys.exit("cargo build failed (its errors are above); no site written")
    return ROOT / "target" / "debug" / "detainers"


def run(binary: Path, *args) -> None:
    done = subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"detainers {' '.join(map(str, args))} failed: {done.stderr.strip()}")


def notebook_page(source) -> str:
    """A self-contained page of a notebook (a path, or a notebook already read)."""
    nb = nbformat.read(source, as_version=4) if isinstance(source, Path) else source
    name = source.name if isinstance(source, Path) else "the notebook"
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    body = EXTERNAL_SCRIPT.sub("", body)
    body = CDN_MODULE.sub("", body)
    left = re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="https?://[^"]*"', body)
    if left:
        sys.exit(f"{name}: nbconvert's page still loads {left[0]!r} from outside the folder; "
                 "update the patterns in scripts/export_site.py")
    if "name=\"viewport\"" not in body:
        body = body.replace("<head>", "<head>\n" + VIEWPORT, 1)
    return body


def first_heading(source) -> str:
    """The notebook's first level-one heading (a path, or a notebook already read)."""
    nb = nbformat.read(source, as_version=4) if isinstance(source, Path) else source
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in "".join(cell.source).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return source.stem if isinstance(source, Path) else "notebook"


INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>detainers: the analysis, the record-level page and the notebooks</title>
<style>body{{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:760px;margin:2em auto;padding:0 1em;color:#222;line-height:1.5}}
h1{{font-size:1.5em}}li{{margin:.4em 0}}.note{{color:#555;font-size:.92em}}</style></head><body>
<h1>ICE detainers in Massachusetts: a checked reproduction</h1>
<p>A reproduction and check of a July 2018 blog article on a report by ICE's Boston field office
(456 Secure Communities hits, March 19 to May 30, 2018), with uncertainty, the assumptions behind
each figure, and ICE's record-level detainer data run through the same analysis.</p>
<h2>Pages</h2>
<ul>
<li><a href="report/report.html">The analysis</a>: key figures, charts, tables, the claims ledger and sources
(<a href="report/results.json">results.json</a> holds every number).</li>
{records}
</ul>
<h2>Notebooks</h2>
<ul>
{notebooks}
</ul>
<p class="note">Every page in this folder is self-contained; the folder can be zipped, e-mailed or served as it is.
Written by scripts/export_site.py.</p>
</body></html>
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "site")
    args = parser.parse_args()
    final = args.out.resolve()
    if final.exists() and any(final.iterdir()) and not (final / MARKER).exists():
        sys.exit(f"{final} exists and was not written by this script; choose another --out")
    # Built beside its final place and swapped in at the end, so a failed
    # step leaves the previous site as it was.
    out = final.with_name(f".{final.name}.partial")
    if out.exists():
        shutil.rmtree(out)
    (out / "notebooks").mkdir(parents=True)
    (out / MARKER).write_text("written by scripts/export_site.py\n")
    detainers = binary()
    run(detainers, "report", "--out", out / "report")
    records = '<li class="note">The record-level page needs ../shared/data/real beside the repository.</li>'
    if SAMPLE.exists():
        # Named from the repository (the command runs there), so that the
        # shared results.json names no folder of this machine.
        sample = Path("..") / SAMPLE.relative_to(ROOT.parent)
        run(detainers, "records", sample, "--aor", "SPM", "--out", out / "records", "--quiet")
        records = ('<li><a href="records/report.html">ICE detainer records</a>: the real St. Paul sample '
                   "through the same analysis. It was published as a list of declined detainers, so its shares "
                   "describe that selection, not a jail's practice.</li>")
    items = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        page = out / "notebooks" / path.with_suffix(".html").name
        page.write_text(notebook_page(path), encoding="utf-8")
        items.append(f'<li><a href="notebooks/{page.name}">{html.escape(first_heading(path))}</a></li>')
    (out / "index.html").write_text(
        INDEX.format(records=records, notebooks="\n".join(items)), encoding="utf-8"
    )
    if final.exists():
        old = final.with_name(f".{final.name}.old")
        if old.exists():
            shutil.rmtree(old)
        final.rename(old)
        out.rename(final)
        shutil.rmtree(old)
    else:
        out.rename(final)
    print(f"site written to {final.relative_to(ROOT) if final.is_relative_to(ROOT) else final}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
