#!/usr/bin/env python3
"""Execute every notebook through the Jupyter kernel protocol and check it.

For each notebooks/NN-*.ipynb, in order:
  1. execute it with nbclient on the `detainers` kernel (explicit timeouts);
  2. fail on any error output and on any stderr text: evcxr reports panics
     and errors returned by `?` only there (nbclient would carry on);
  3. compare every key-numbers output (application/vnd.detainers.key-numbers+json,
     kind "detainers.key_numbers" or "detainers.record_key_numbers") with
     results.json written by the detainers binary for the same dataset and
     honored share, or the same detainer files and filters; and, for the
     bundled dataset at the article's own assumption, with the figures the
     article prints (read from its text: 456 hits, 216 detainers, 218 in
     custody, about 48 percent), which this crate does not compute;
     and check that every chart carries a valid PNG beside its SVG (JupyterLab
     shows only the PNG in a notebook it does not trust);
  4. compare the fresh outputs with the committed ones, after normalising what
     legitimately varies (execution counts, the clone's absolute path);
  5. write the executed notebook and its HTML to out/notebooks/.

--refresh writes the fresh outputs back into notebooks/ instead of comparing.
--warm runs only a short warm-up kernel, which builds the library the kernel
loads (kernel/build.rs) and leaves a build slot ready.
The last line is "notebooks: N passed, N failed".
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "out" / "notebooks"
BINARY = ROOT / "target" / "debug" / "detainers"
CELL_TIMEOUT = 1800  # a cold first cell builds the library and polars: minutes on 2 cores
# A kernel builds the library it loads as it starts (its init script): minutes
# after an edit to src/.
STARTUP_TIMEOUT = 1800
KERNEL = "detainers"  # "Rust (detainers)": notebooks/kernel/launch
DEP_LINE = ':dep detainers = { path = "kernel", package = "detainers-kernel" }'
# PNG bytes depend on the fonts installed, so the PNG is checked for being a
# PNG (check_png_fallback), and the SVG it is drawn from is compared exactly.
# The key numbers' JSON, under a vendor type that JupyterLab does not render
# (it shows application/json as a tree in preference to the sentence).
KEY_MIME = "application/vnd.detainers.key-numbers+json"
COMPARED_MIME = ("text/plain", "text/html", "image/svg+xml", KEY_MIME)
PNG_BASE64_MAGIC = "iVBORw0KGgo"



class NotebookFailure(Exception):
    """A notebook failed a check; the message says which cell and why."""


def execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    client = NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT,
        startup_timeout=STARTUP_TIMEOUT,
        # Run every cell and judge the outputs ourselves: the failing cell's own
        # error or stderr text is then what gets reported.
        allow_errors=True,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
        raise NotebookFailure(f"execution stopped: {str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__}") from e
    return nb


def cell_label(i: int, cell) -> str:
    first = "".join(cell.source).strip().splitlines()
    return f"cell {i} ({first[0][:60] if first else 'empty'})"


def check_errors(nb) -> None:
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                raise NotebookFailure(f"{cell_label(i, cell)}: {out.ename}: {out.evalue[:500]}")
        # Any text on stderr is a failure: a panic (evcxr reports it only
        # there), a compile error, or an error returned by `?`, which evcxr
        # prints there as the error's own message and nothing else. Streams
        # arrive in pieces, so the cell's whole stderr is reported.
        stderr = "".join(o.text for o in cell.get("outputs", []) if o.output_type == "stream" and o.name == "stderr")
        if stderr:
            raise NotebookFailure(f"{cell_label(i, cell)}: stderr: {stderr.strip()[:500]}")


# A value of these types shown only as text means evcxr fell back to Debug
# output instead of the type's rich display (a chart or table lost).
DEBUG_DUMPS = ("Figure {", "ShowTable {", "KeyNumbers {", "RecordKeyNumbers {", "RecordResults {")


def check_rich_display(nb) -> None:
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            text = data.get("text/plain", "")
            text = "".join(text) if isinstance(text, list) else text
            if set(data) == {"text/plain"} and text.lstrip().startswith(DEBUG_DUMPS):
                raise NotebookFailure(
                    f"{cell_label(i, cell)}: shown as Debug text, not as a chart or table; "
                    "put the displayed expression in a cell of its own"
                )


def check_png_fallback(nb) -> None:
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/svg+xml" not in data:
                continue
            png = data.get("image/png", "")
            png = "".join(png) if isinstance(png, list) else png
            if not png.strip().startswith(PNG_BASE64_MAGIC):
                raise NotebookFailure(f"{cell_label(i, cell)}: a chart has no PNG beside its SVG")


def key_number_outputs(nb, kind="detainers.key_numbers"):
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            value = data.get(KEY_MIME)
            if isinstance(value, dict) and value.get("kind") == kind:
                yield i, cell, value


def record_results_for(k: dict, n: int) -> dict:
    out = ROOT / "out" / "notebook-checks" / f"records-{n}"
    cmd = [str(BINARY), "records", *k["files"], "--out", str(out), "--quiet"]
    for flag in ("aor", "state", "from", "to"):
        if k.get(flag) is not None:
            cmd += [f"--{flag}", str(k[flag])]
    if k.get("duplicates"):
        cmd += ["--duplicates", k["duplicates"]]
    if k.get("request_type"):
        cmd += ["--request-type", k["request_type"]]
    # Relative paths in key numbers are relative to the repository root.
    run = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if run.returncode != 0:
        raise NotebookFailure(f"detainers records failed: {run.stderr.strip()}")
    return json.loads((out / "results.json").read_text())


def same_number(got, expected) -> bool:
    return (got is None and expected is None) or (
        got is not None and expected is not None and abs(float(got) - float(expected)) < 1e-9
    )


def check_record_key_numbers(nb) -> int:
    checked = 0
    for i, cell, k in key_number_outputs(nb, "detainers.record_key_numbers"):
        r = record_results_for(k, checked)
        pairs = {
            "rows_read": r["rows_read"],
            "rows_used": r["rows_used"],
            "declined_by_lea": r["declined_by_lea"]["count"],
            "declined_share": r["declined_by_lea"]["share"],
            "honored_share": r["outcomes"]["honored_share"]["share"],
        }
        for key, expected in pairs.items():
            if not same_number(k.get(key), expected):
                raise NotebookFailure(f"{cell_label(i, cell)}: {key} is {k.get(key)} but results.json says {expected}")
        checked += 1
    return checked


def dataset_folder(name: str) -> Path:
    for base in (ROOT / "data", ROOT / "tests" / "fixtures"):
        if (base / name / "datapackage.json").exists():
            return base / name
    raise NotebookFailure(f"key numbers name dataset '{name}', which is neither in data/ nor tests/fixtures/")


def results_for(name: str, honored_share: float) -> dict:
    out = ROOT / "out" / "notebook-checks" / f"{name}-p{honored_share}"
    run = subprocess.run(
        [str(BINARY), "report", "--data", str(dataset_folder(name)), "--out", str(out),
         "--honored-share", repr(honored_share)],
        capture_output=True, text=True,
    )
    if run.returncode != 0:
        raise NotebookFailure(f"detainers report failed for {name}: {run.stderr.strip()}")
    return json.loads((out / "results.json").read_text())


def check_key_numbers(nb) -> int:
    checked = 0
    for i, cell, k in key_number_outputs(nb):
        r = results_for(k["dataset"], k["honored_share"])
        pairs = {
            "hits": r["totals"]["hits"],
            "detainers": r["totals"]["detainers"],
            "detainer_rate": r["totals"]["detainer_rate"],
            "in_custody": r["custody"]["in_custody"],
            "custody_share": r["custody"]["share"],
            "not_in_custody": r["custody"]["not_in_custody"],
            "chi2": (r.get("independence") or {}).get("chi2"),
            "df": (r.get("independence") or {}).get("df"),
        }
        for key, expected in pairs.items():
            got = k.get(key)
            if not same_number(got, expected):
                raise NotebookFailure(f"{cell_label(i, cell)}: {key} is {got} but results.json says {expected}")
        checked += 1
    return checked + check_record_key_numbers(nb)


SEED = ROOT.parent / "shared" / "seed" / "000_1cd3e45d635d61c5.txt"
# The notebook that reproduces the article: it must show the article's
# printed figures at least once, so that this check cannot pass by finding
# nothing to compare.
REPRODUCES_ARTICLE = "01-reproduce-the-report.ipynb"


def printed_figures() -> dict | None:
    """The article's own printed figures, read from its text with patterns
    written here, not computed by the crate: hits, detainers, the custody
    count at p = 0.5 and the rounded custody percentage."""
    if not SEED.exists():
        if os.environ.get("CI") == "true":
            raise NotebookFailure(f"{SEED} is missing; CI must have ../shared beside the clone")
        print(f"SKIP the article's printed figures: {SEED} not found (outside CI)")
        return None
    import re
    text = SEED.read_text(encoding="utf-8")
    def number(pattern):
        m = re.search(pattern, text)
        if not m:
            raise NotebookFailure(f"the article's text no longer matches {pattern!r}")
        return int(m.group(1))
    return {
        "hits": number(r"identified (\d+) aliens who were arrested"),
        "detainers": number(r"(\d+) cases resulted in the issuance of an ICE detainer"),
        "in_custody": number(r"is a total of (\d+) criminal aliens out of"),
        "custody_percent": number(r"This is only about (\d+) percent"),
    }


def check_against_article(nb, name: str) -> int:
    """Every key-number output of the bundled dataset at the article's own
    assumption (p = 0.5) shows the figures the article prints; the notebook
    that reproduces the article must have one."""
    figures = printed_figures()
    if figures is None:
        return 0
    checked = 0
    for i, cell, k in key_number_outputs(nb):
        if k.get("dataset") != "boston-2018" or not same_number(k.get("honored_share"), 0.5):
            continue
        got = {
            "hits": k.get("hits"),
            "detainers": k.get("detainers"),
            "in_custody": k.get("in_custody"),
            "custody_percent": round(float(k.get("custody_share")) * 100),
        }
        for key, printed in figures.items():
            if not same_number(got[key], printed):
                raise NotebookFailure(f"{cell_label(i, cell)}: {key} is {got[key]} but the article prints {printed}")
        checked += 1
    if checked == 0 and name == REPRODUCES_ARTICLE:
        raise NotebookFailure("no key-number output of boston-2018 at an honored share of 0.5 to hold to the article")
    return checked


def normalise(nb) -> list:
    """The outputs that must not change between runs, cell by cell."""
    root = str(ROOT)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outs = []
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                outs.append(("stream", out.name, out.text.replace(root, "<repo>").rstrip()))
            elif out.output_type in ("execute_result", "display_data"):
                data = {}
                for mime in COMPARED_MIME:
                    if mime in out.get("data", {}):
                        value = out["data"][mime]
                        text = json.dumps(value, sort_keys=True) if not isinstance(value, str) else value
                        data[mime] = text.replace(root, "<repo>").rstrip()
                outs.append((out.output_type, data))
        cells.append(("".join(cell.source), outs))
    return cells


def compare_with_committed(fresh, committed) -> None:
    a, b = normalise(fresh), normalise(committed)
    if len(a) != len(b):
        raise NotebookFailure(f"{len(a)} code cells now, {len(b)} committed")
    for i, ((src_a, out_a), (src_b, out_b)) in enumerate(zip(a, b)):
        if src_a != src_b:
            raise NotebookFailure(f"code cell {i} source differs from the committed notebook")
        if out_a != out_b:
            raise NotebookFailure(
                f"code cell {i} ({src_a.splitlines()[0][:60] if src_a else ''}) outputs differ from the "
                "committed ones; if the change is deliberate, run scripts/refresh-notebooks"
            )


def number_outputs_as_inputs(nb) -> None:
    """Give each result the execution count of its cell. evcxr numbers a
    cell's result one above the cell, so JupyterLab showed [1]: beside the
    input and [2]: beside its output."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            # nbclient's timestamps change on every run and say nothing a
            # reader needs: dropped, so a refresh's diff is the outputs only.
            cell.metadata.pop("execution", None)
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = cell.execution_count


def check_prompts(nb) -> None:
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if "execution_count" in out and out["execution_count"] != cell.execution_count:
                raise NotebookFailure(
                    f"{cell_label(i, cell)}: output numbered [{out['execution_count']}] beside input "
                    f"[{cell.execution_count}]; run scripts/refresh-notebooks"
                )


def clear_outputs(nb):
    fresh = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in fresh.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return fresh


WARM_SLOTS = 3  # the launcher's default number of build slots


def outputs_text(nb) -> str:
    """Every stderr and error output of a notebook's cells (evcxr's own
    reason for a failure is often only there)."""
    details = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream" and out.name == "stderr":
                details.append(out.text.strip())
            elif out.output_type == "error":
                details.append(f"{out.ename}: {out.evalue}".strip())
    return "\n".join(details)


def warm() -> int:
    """Build the library the kernel loads and fill every build slot: one
    kernel per slot, each kept running while the next starts, so each takes a
    slot of its own. The first kernel after set-up then starts warm."""
    start = time.time()
    with contextlib.ExitStack() as kernels:
        for n in range(WARM_SLOTS):
            nb = nbformat.v4.new_notebook()
            nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Rust (detainers)", "language": "rust"}
            nb.cells = [
                nbformat.v4.new_code_cell(DEP_LINE + "\nuse detainers::prelude::*;"),
                nbformat.v4.new_code_cell('std::env::var("EVCXR_TMPDIR").unwrap_or_default()'),
            ]
            client = NotebookClient(nb, kernel_name=KERNEL, timeout=CELL_TIMEOUT, startup_timeout=STARTUP_TIMEOUT,
                                    resources={"metadata": {"path": str(NOTEBOOKS)}})
            kernels.enter_context(client.setup_kernel())
            t = time.time()
            try:
                for i, cell in enumerate(nb.cells):
                    client.execute_cell(cell, i)
                check_errors(nb)
            except (NotebookFailure, CellExecutionError, CellTimeoutError, DeadKernelError) as e:
                print(f"warm-up failed: {e}\n{outputs_text(nb)}", file=sys.stderr)
                return 1
            folder = "".join(o.get("data", {}).get("text/plain", "") for o in nb.cells[1].outputs).strip('"')
            print(f"kernel {n + 1}: {time.time() - t:.0f} s, build folder {Path(folder).name or '?'}")
    print(f"kernel warm-up: {time.time() - start:.0f} s")
    return 0


def run_check(label: str, check) -> bool:
    """Run one check, print one line for it, and say whether it passed."""
    start = time.time()
    try:
        checked = check()
    except NotebookFailure as e:
        print(f"FAIL {label}: {e}")
        return False
    print(f"ok   {label}: {time.time() - start:.0f} s, {checked} key-number output(s) match results.json")
    return True


def self_test() -> int:
    """A cell that panics must fail the check, even though evcxr only prints the
    panic to stderr and nbclient would carry on."""
    nb = nbformat.read(ROOT / "tests" / "fixtures" / "notebooks" / "panics.ipynb", as_version=4)
    try:
        execute(nb)
        check_errors(nb)
    except NotebookFailure as e:
        if "panicked" in str(e) or "index out of bounds" in str(e):
            print(f"ok   self-test: a panicking cell is reported ({str(e)[:120]})")
            print("notebook self-test: 1 passed, 0 failed")
            return 0
        print(f"FAIL self-test: reported, but not as a panic: {e}")
        return 1
    print("FAIL self-test: a panicking cell was not detected")
    return 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--refresh", action="store_true", help="write fresh outputs back into notebooks/")
    parser.add_argument("--warm", action="store_true", help="only warm the kernel's build cache")
    parser.add_argument("--self-test", action="store_true",
                        help="check that a panicking notebook is caught (tests/fixtures/notebooks/panics.ipynb)")
    args = parser.parse_args()
    if args.warm:
        return warm()
    if args.self_test:
        return self_test()
    if not BINARY.exists():
        print(f"{BINARY} missing: run `cargo build` first", file=sys.stderr)
        return 1
    paths = args.notebooks or sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    if not paths:
        print("no notebooks found", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    passed = failed = 0
    for path in paths:
        committed = nbformat.read(path, as_version=4)
        first_code = next((c for c in committed.cells if c.cell_type == "code"), None)
        if first_code is None or not "".join(first_code.source).startswith(DEP_LINE + "\n"):
            print(f"FAIL {path.name}: its first code cell must start with {DEP_LINE!r} (the project's kernel crate)")
            failed += 1
            continue
        if committed.metadata.get("kernelspec", {}).get("name") != KERNEL:
            print(f"FAIL {path.name}: its kernel must be {KERNEL!r}")
            failed += 1
            continue
        def check_committed(path=path, committed=committed) -> int:
            fresh = execute(clear_outputs(committed))
            number_outputs_as_inputs(fresh)
            nbformat.write(fresh, OUT / path.name)
            body, _ = HTMLExporter().from_notebook_node(fresh)
            (OUT / path.with_suffix(".html").name).write_text(body, encoding="utf-8")
            check_errors(fresh)
            check_rich_display(fresh)
            check_png_fallback(fresh)
            checked = check_key_numbers(fresh) + check_against_article(fresh, path.name)
            if args.refresh:
                nbformat.write(fresh, path)
            else:
                check_prompts(committed)
                compare_with_committed(fresh, committed)
            return checked

        # Runs with other parameters (notebook 04 on a second dataset, 06
        # on another area and period) are scripts/parameter_tests.py's.
        if run_check(path.name, check_committed):
            passed += 1
        else:
            failed += 1
    print(f"notebooks: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
