#!/usr/bin/env python3
"""Run a notebook on new data with papermill, and add the run to a folder of
pages to share.

  scripts/run notebooks/04-your-own-data.ipynb -p data_dir ~/my-dataset -p honored_share 0.7 --site out/site-mine

1. The values are checked against the notebook's parameters cell before any
   kernel starts: an unknown name, a value of the wrong kind, a path that
   does not exist or a date that is not one stops here with one line naming
   the parameter.
2. papermill runs the notebook on the project's kernel ("Rust (detainers)"),
   with the values injected after the parameters cell (see
   notebooks/papermill/). The first cell that fails (an error, a panic, any
   text on stderr) stops the run with one line naming the cell and its
   error; the executed notebook and the kernel's log are kept beside the
   site, in <site>.failed/, out of the folder to share.
3. The executed notebook and its self-contained page go into the site
   folder as runs/NN-<notebook>.ipynb and .html, the values at the top of
   the page, and <site>/index.html lists every run in the folder. Several
   runs, of one notebook or several, go into one folder.

Values are read as papermill reads them: -p NAME VALUE guesses (True/False,
None, an integer, a number, else text), -r NAME VALUE is always text,
-y NAME YAML is YAML (a list: -y files '[a.csv, b.csv]'). A relative path
is taken from the current folder when it exists there, else from the
repository root, where the notebooks read their own paths; a path inside the
repository is passed (and shown) relative to it, so a shared page names no
folder of this machine.

Exit status: 0 when the run is in the site; 2 for a bad parameter; 1 when a
cell failed. The last line says where the page is.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import fcntl
import html
import json
import os
import re
import sys
import tempfile
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(Path(__file__).resolve().parent))
MARKER = ".detainers-runs"
MANIFEST = "runs.json"


class Usage(Exception):
    """A bad command line or parameter: one line, exit status 2."""


def notebook_path(given: str) -> Path:
    path = Path(given)
    if path.exists():
        return path.resolve()
    # "04" or "04-your-own-data" for notebooks/04-your-own-data.ipynb
    matches = sorted(NOTEBOOKS.glob(f"{given}*.ipynb")) if re.fullmatch(r"[0-9A-Za-z-]+", given) else []
    if len(matches) == 1:
        return matches[0]
    raise Usage(f"no notebook {given!r} (give its path, or its number as in notebooks/: "
                + ", ".join(p.name[:2] for p in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))) + ")")


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write beside the target and rename over it: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        # mkstemp makes the file private; a page to share is as readable as
        # any file the user writes.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def shown(value) -> str:
    """A value as the page shows it (as given, in papermill's terms)."""
    if isinstance(value, str):
        return value
    return json.dumps(value)


PARAMS_BOX = (
    '<section aria-label="Parameters of this run" style="max-width:1100px;margin:1em auto;padding:.8em 1em;'
    'border:1px solid #c8d3e0;border-radius:6px;background:#f5f8fb;font-family:system-ui,-apple-system,'
    "'Segoe UI',sans-serif;font-size:14px;line-height:1.45;color:#222;overflow-wrap:anywhere\">"
    '<p style="margin:0 0 .4em"><strong>This run</strong> of {notebook}, {when}, by scripts/run with papermill. '
    "{what}</p>{table}</section>"
)


def params_box(notebook: str, when: str, given: dict) -> str:
    if given:
        rows = "".join(
            f'<tr><th scope="row" style="text-align:left;padding:.15em 1em .15em 0;font-weight:600;vertical-align:top">'
            f"{html.escape(name)}</th><td style=\"padding:.15em 0\"><code>{html.escape(shown(value))}</code></td></tr>"
            for name, value in given.items()
        )
        table = f'<table style="border-collapse:collapse">{rows}</table>'
        what = "The values below replaced the notebook's own (the cell marked injected-parameters sets them):"
    else:
        table = ""
        what = "No parameter was given: the notebook's own values were used."
    return PARAMS_BOX.format(notebook=html.escape(notebook), when=html.escape(when), what=what, table=table)


def with_params_box(page: str, box: str) -> str:
    """The page with the box as the first thing in its body."""
    m = re.search(r"<main\b[^>]*>", page) or re.search(r"<body\b[^>]*>", page)
    if not m:
        raise RuntimeError("nbconvert's page has no <body>; update scripts/run_notebook.py")
    return page[: m.end()] + box + page[m.end():]


INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>detainers: notebook runs</title>
<style>body{{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:760px;margin:2em auto;padding:0 1em;color:#222;line-height:1.5}}
h1{{font-size:1.5em}}li{{margin:.7em 0}}.note{{color:#555;font-size:.92em}}code{{overflow-wrap:anywhere}}</style></head><body>
<h1>Notebook runs</h1>
<p>Each page is a notebook of the detainers workspace run with the parameters listed under it, with its
charts and tables as the run produced them. Each page is self-contained, and the folder can be zipped,
e-mailed or served as it is.</p>
<ol>
{runs}
</ol>
<p class="note">Written by scripts/run; the .ipynb beside each page is the executed notebook.</p>
</body></html>
"""


def href(relative: str) -> str:
    """A link to a file of the site: URL-encoded (a notebook may be named
    "my #1"), then escaped for the attribute."""
    return html.escape(urllib.parse.quote(relative))


def index_page(runs: list[dict]) -> str:
    items = []
    for run in runs:
        given = ", ".join(f"{html.escape(k)} = <code>{html.escape(shown(v))}</code>" for k, v in run["parameters"].items())
        items.append(
            f'<li><a href="{href(run["page"])}">{html.escape(run["title"])}</a> '
            f'(<a href="{href(run["notebook_file"])}">.ipynb</a>)<br>'
            f'<span class="note">{html.escape(run["notebook"])}, {html.escape(run["when"])}; '
            f'{given or "the notebook&#39;s own values"}</span></li>'
        )
    return INDEX.format(runs="\n".join(items))


@contextlib.contextmanager
def locked(site: Path):
    """One run at a time writes the site's list of runs."""
    with open(site / ".lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


def read_runs(site: Path) -> list:
    """The site's list of runs (runs.json), or a one-line error naming the
    file, its line and column when it is not one."""
    manifest = site / MANIFEST
    if not manifest.exists():
        return []
    try:
        runs = json.loads(manifest.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise Usage(f"{manifest}: line {e.lineno}, column {e.colno}: not JSON ({e.msg}); "
                    "move the file aside to start a new list of runs") from None
    except UnicodeDecodeError:
        raise Usage(f"{manifest}: not UTF-8 text; move the file aside to start a new list of runs") from None
    if not (isinstance(runs, list) and all(isinstance(r, dict) and isinstance(r.get("number"), int) for r in runs)):
        raise Usage(f"{manifest}: line 1, column 1: not a list of runs as scripts/run writes it; "
                    "move the file aside to start a new list of runs")
    return runs


def prepare_site(site: Path) -> None:
    if site.exists() and not site.is_dir():
        raise Usage(f"--site {site} is a file, not a folder")
    if site.exists() and any(site.iterdir()) and not (site / MARKER).exists():
        raise Usage(f"--site {site} exists and was not written by scripts/run; choose another folder")
    (site / "runs").mkdir(parents=True, exist_ok=True)
    if not (site / MARKER).exists():
        write_atomic(site / MARKER, "written by scripts/run: runs.json lists the runs\n")
    # A damaged list of runs stops here, before the notebook runs.
    read_runs(site)


def keep_failed(site: Path, notebook: Path, scratch: Path, log: Path) -> Path:
    """Keep a failed run's notebook and kernel log beside the site (not in
    it: the site is the folder to share); the path of the notebook."""
    kept = site.with_name(f"{site.name}.failed") / f"{notebook.stem}.ipynb"
    if scratch.exists():
        write_atomic(kept, scratch.read_bytes())
    if log.exists():
        write_atomic(kept.with_suffix(".kernel.log"), log.read_bytes())
    return kept


def cell_line(source, count) -> str:
    """A cell as a reader finds it: its prompt number and first line."""
    text = "".join(source) if isinstance(source, list) else str(source)
    first = next((line for line in text.splitlines() if line.strip()), "")
    return f"cell [{count}] ({first.strip()[:60]})"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebook", help="a notebook's path, or its number (04)")
    parser.add_argument("-p", "--parameters", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    parser.add_argument("-r", "--parameters_raw", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    parser.add_argument("-y", "--parameters_yaml", nargs=2, action="append", default=[], metavar=("NAME", "YAML"))
    parser.add_argument("--site", type=Path, default=ROOT / "out" / "site-runs",
                        help="the folder of pages to add the run to (default out/site-runs)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds a cell may take (default 1800)")
    args = parser.parse_args(argv)
    try:
        return run(args)
    except Usage as e:
        print(f"scripts/run: {e}", file=sys.stderr)
        return 2


def run(args) -> int:
    import nbformat
    import yaml
    from detainers_papermill import ParameterError, check_values, declared, parameters_cell

    path = notebook_path(args.notebook)
    nb = nbformat.read(path, as_version=4)
    given: dict = {}
    # papermill's own reading of -p (pinned in requirements-notebooks.txt),
    # so a value means here what it means to papermill.
    from papermill.cli import _resolve_type

    for name, value in args.parameters:
        given[name] = _resolve_type(value)
    for name, value in args.parameters_raw:
        given[name] = value
    for name, value in args.parameters_yaml:
        try:
            given[name] = yaml.safe_load(value)
        except yaml.YAMLError as e:
            raise Usage(f"parameter {name}: {value!r} is not YAML ({str(e).splitlines()[0]})") from None
    if given and parameters_cell(nb) is None:
        raise Usage(f"{path.name} has no cell tagged 'parameters', so it takes no parameters")
    try:
        values = check_values(declared(nb), given, ROOT, Path.cwd())
    except ParameterError as e:
        raise Usage(str(e)) from None
    site = args.site.resolve()
    prepare_site(site)

    import logging

    import papermill
    from papermill.exceptions import PapermillExecutionError, PapermillException

    # papermill's and nbclient's log lines ("Timeout waiting for execute
    # reply") would come before this script's one line saying the same.
    logging.getLogger("papermill").propagate = False
    logging.getLogger("papermill").addHandler(logging.NullHandler())

    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with tempfile.TemporaryDirectory(prefix="detainers-run-") as scratch_dir:
        scratch = Path(scratch_dir) / f"{path.stem}.ipynb"
        # The kernel's start-up messages (evcxr's, the launcher's) would
        # bury this script's one line; they are kept with a failed run.
        log = Path(scratch_dir) / "kernel.log"
        os.environ["DETAINERS_KERNEL_LOG"] = str(log)
        # One notebook, one kernel: a kernel started to wait for the next
        # would only compete for the cores, then be stopped at exit.
        os.environ["DETAINERS_KERNEL_POOL"] = "0"
        try:
            executed = papermill.execute_notebook(
                str(path), str(scratch), parameters=values, cwd=str(path.parent),
                progress_bar=False, execution_timeout=args.timeout, request_save_on_cell_execute=False,
            )
        except PapermillExecutionError as e:
            kept = keep_failed(site, path, scratch, log)
            evalue = " ".join(str(e.evalue).split())
            print(f"scripts/run: {path.name} {cell_line(e.source, e.exec_count)}: {e.ename}: {evalue[:400]} "
                  f"(the executed notebook: {kept})", file=sys.stderr)
            return 1
        except PapermillException as e:
            raise Usage(str(e)) from None
        except Exception as e:  # the kernel would not start, a write failed, ...
            kept = keep_failed(site, path, scratch, log)
            reason = " ".join(str(e).split()) or type(e).__name__
            print(f"scripts/run: {path.name}: {type(e).__name__}: {reason[:400]} (kept in {kept.parent})",
                  file=sys.stderr)
            return 1

    from export_site import first_heading, notebook_page

    title = first_heading(executed)
    with locked(site):
        manifest = site / MANIFEST
        runs = read_runs(site)
        number = max((r["number"] for r in runs), default=0) + 1
        stem = f"{number:02d}-{path.stem}"
        page = notebook_page(executed).replace("<title>Notebook</title>", f"<title>{html.escape(title)}: run {number}</title>")
        page = with_params_box(page, params_box(path.name, when, values))
        write_atomic(site / "runs" / f"{stem}.ipynb", nbformat.writes(executed))
        write_atomic(site / "runs" / f"{stem}.html", page)
        runs.append({
            "number": number, "notebook": path.name, "title": title, "when": when, "parameters": values,
            "page": f"runs/{stem}.html", "notebook_file": f"runs/{stem}.ipynb",
        })
        write_atomic(manifest, json.dumps(runs, indent=1) + "\n")
        write_atomic(site / "index.html", index_page(runs))
    shown_site = site.relative_to(Path.cwd()) if site.is_relative_to(Path.cwd()) else site
    print(f"run {number} of {path.name} written to {shown_site}/runs/{stem}.html (index: {shown_site}/index.html)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
