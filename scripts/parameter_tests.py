#!/usr/bin/env python3
"""Notebook parameters, papermill and scripts/run, checked end to end.

  1. the translator: each kind of value becomes the Rust literal expected,
     and a string literal decodes (by a decoder written here) to exactly the
     text given, whatever it holds;
  2. the checks that need no kernel (ranges, a path inside the repository
     passed relative to it, ~) and hostile values escaped in a page and the
     index; bad parameters: an unknown name, a value of the wrong kind, a missing
     path, a date that is not one, a notebook without parameters: each stops
     scripts/run with one line naming the parameter and exit status 2, before
     a kernel starts (no site folder is written), and papermill itself
     refuses an unknown name; a policy name only the crate can judge stops
     the run at the injected cell (evcxr reports it only on stderr) with one
     line naming the cell and the parameter, and exit status 1, as does a
     cell that runs out of time;
  3. injection on the kernel: papermill's own command line runs
     tests/fixtures/notebooks/parameters.ipynb with a string holding quotes,
     backslashes and `"); panic!("`, and the cell that prints it shows
     exactly that string (data, not code); numbers, booleans, None and a
     date arrive as given;
  4. notebook 04 on tests/fixtures/synthetic-2019 at an honored share of
     0.7, through scripts/run into out/site-runs/: no error, charts with
     their PNG, and key numbers for that dataset and share equal to the
     results.json that `detainers report` writes for the same folder;
  5. notebook 06 on a generated record file for another area (SEA) and
     period (2019 to 2022) under the episode rule, into the same site: key
     numbers equal to `detainers records` on the same file and filters.

scripts/browser_test.py then checks out/site-runs/ as it checks out/site/.
Needs `cargo build` (the key numbers are compared with the binary's
results.json). The last line is "parameters: N passed, N failed".
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_notebooks as checks  # noqa: E402
from detainers_papermill import RustTranslator, declared, rust_string  # noqa: E402
from papermill.exceptions import PapermillException  # noqa: E402

RUN = ROOT / "scripts" / "run"
PAPERMILL = ROOT / ".venv" / "bin" / "papermill"
SITE = ROOT / "out" / "site-runs"
WORK = ROOT / "out" / "parameter-tests"
FIXTURE = ROOT / "tests" / "fixtures" / "notebooks" / "parameters.ipynb"
BINARY = ROOT / "target" / "debug" / "detainers"
HOSTILE = 'say "hi" \\ C:\\path\\ "); panic!("injected"); let x = (" // */ {} {{x}} \\u{41}\n\ttab ünï 🚀 \u202e end'


class Failure(Exception):
    pass


def expect(cond: bool, message: str) -> None:
    if not cond:
        raise Failure(message)


def decode_rust_string(literal: str) -> str:
    """A Rust string literal's value, for the escapes rust_string may write
    (\\\\, \\", \\u{hex}); anything else is a failure."""
    expect(literal.startswith('"') and literal.endswith('"') and len(literal) >= 2, f"not a string literal: {literal!r}")
    body, out, i = literal[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch == '"':
            raise Failure(f"an unescaped quote ends the literal early at {i}: {literal!r}")
        if ch != "\\":
            expect(0x20 <= ord(ch) < 0x7F, f"a raw non-printable or non-ASCII character {ch!r} in {literal!r}")
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in '"\\':
            out.append(nxt)
            i += 2
        elif nxt == "u":
            end = body.index("}", i)
            expect(body[i + 2] == "{", f"bad \\u escape in {literal!r}")
            out.append(chr(int(body[i + 3:end], 16)))
            i = end + 1
        else:
            raise Failure(f"an escape rust_string should not write: \\{nxt} in {literal!r}")
    return "".join(out)


def test_translator() -> str:
    for text in ["", "plain", HOSTILE, '"', "\\", '\\"', "\\\\\"", "a\r\nb\x00c\x7f", "\u2028\u200b\ufeff", "𝔘"]:
        got = decode_rust_string(rust_string(text))
        expect(got == text, f"{text!r} came back as {got!r}")
    # Pairs, not a dict: 1.0 and True are one key to Python.
    cases = [
        (7, "7_i64"), (-3, "-3_i64"), (0.7, "0.7_f64"), (1.0, "1.0_f64"), (1e16, "1e+16_f64"),
        (2.5e-07, "2.5e-07_f64"), (math.inf, "f64::INFINITY"), (-math.inf, "f64::NEG_INFINITY"),
        (True, "true"), (False, "false"), (None, "()"), ("x", '"x"'),
    ]
    for value, literal in cases:
        got = RustTranslator.translate(value)
        expect(got == literal, f"{value!r} translated to {got!r}, not {literal!r}")
    expect(RustTranslator.translate(math.nan) == "f64::NAN", "NaN")
    expect(RustTranslator.translate(["a.csv", "b.csv"]) == '["a.csv", "b.csv"]', "a list of text")
    for bad in ([], ["a", 1], {"a": 1}, 2**63, "\ud800"):
        try:
            RustTranslator.translate(bad)
        except PapermillException:
            continue
        raise Failure(f"{bad!r} was translated instead of refused")
    expect(RustTranslator.assign("area", '"SEA"') == 'detainers::set_param("area", &mut area, "SEA")?;', "assign")
    for name in ("fn", "a-b", "1x", 'x"); panic!("'):
        try:
            RustTranslator.assign(name, "1_i64")
        except PapermillException:
            continue
        raise Failure(f"{name!r} was accepted as a parameter name")
    names = [(p.name, p.rust_type) for p in declared(nbformat.read(ROOT / "notebooks" / "06-measuring-the-honored-share.ipynb", as_version=4))]
    expect(names == [("files", "Option<Vec<PathBuf>>"), ("area", "String"), ("from", "Option<NaiveDate>"),
                     ("to", "Option<NaiveDate>"), ("duplicates", "Duplicates"), ("request_type", "RequestChoice"),
                     ("follow_up_days", "u32")], f"notebook 06 declares {names}")
    return f"{len(cases)} values written as expected, 10 strings round-trip, 9 refusals"


def test_checks_and_pages() -> str:
    """The checks that need no kernel, and what a page shows of the values."""
    import run_notebook
    from detainers_papermill import ParameterError, check_values

    nb06 = nbformat.read(ROOT / "notebooks" / "06-measuring-the-honored-share.ipynb", as_version=4)
    params = declared(nb06)
    inside = str(ROOT / "data" / "boston-2018" / "status.csv")
    got = check_values(params, {"files": inside}, ROOT, Path("/"))
    expect(got == {"files": ["data/boston-2018/status.csv"]}, f"an absolute path inside the repository: {got}")
    home = Path.home()
    if home.is_dir() and not home.resolve().is_relative_to(ROOT):
        got = check_values(params, {"files": "~"}, ROOT, ROOT)
        expect(got == {"files": [str(home.resolve())]}, f"~ is {got}")
    for values, words in [({"follow_up_days": 2**40}, "out of its range"), ({"follow_up_days": True}, "not a boolean"),
                          ({"area": 7}, "-r NAME VALUE"), ({"to": "2020-1-5"}, "YYYY-MM-DD")]:
        try:
            check_values(params, values, ROOT, ROOT)
        except ParameterError as e:
            expect(words in str(e) and str(e).startswith(f"parameter {next(iter(values))} "), f"{values}: {e}")
            continue
        raise Failure(f"{values} passed the checks")
    hostile = {"area": '<script>alert(1)</script>" onload="x', "files": ["a&b.csv"]}
    box = run_notebook.params_box("my <b>#1</b>.ipynb", "today", hostile)
    index = run_notebook.index_page([{"number": 1, "notebook": "my <b>#1</b>.ipynb", "title": "T<i>", "when": "now",
                                      "parameters": hostile, "page": "runs/01-my #1.html",
                                      "notebook_file": "runs/01-my #1.ipynb"}])
    for text in (box, index):
        expect("<script>" not in text and "<b>" not in text and "<i>" not in text, f"markup got through: {text[:300]}")
        expect("&lt;script&gt;alert(1)&lt;/script&gt;&quot; onload=&quot;x" in text, "the value is not shown escaped")
    expect('href="runs/01-my%20%231.html"' in index, "a page's link is not URL-encoded")
    # A damaged list of runs is named with its line and column, not a traceback.
    damaged = WORK / "site-damaged"
    shutil.rmtree(damaged, ignore_errors=True)
    damaged.mkdir(parents=True)
    (damaged / "runs.json").write_text('[{"number": 1,\n oops')
    try:
        run_notebook.read_runs(damaged)
    except run_notebook.Usage as e:
        expect("runs.json: line 2, column 2: not JSON" in str(e), f"a damaged runs.json: {e}")
    else:
        raise Failure("a damaged runs.json was read")
    return ("4 refusals, paths relative to the root, ~, hostile values escaped in a page and the index, "
            "a damaged runs.json named by line and column")


def run(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=ROOT, **kw)


def test_bad_parameters() -> str:
    cases = [
        (["04", "-p", "honored_sahre", "0.7"], "honored_sahre", "unknown parameter"),
        (["04", "-p", "honored_share", "most"], "honored_share", "not text"),
        (["04", "-p", "data_dir", "tests/fixtures/no-such-folder"], "data_dir", "does not exist"),
        (["06", "-p", "from", "2019-02-30"], "from", "YYYY-MM-DD"),
        (["06", "-p", "follow_up_days", "-5"], "follow_up_days", "negative"),
        (["06", "-y", "files", "[]"], "files", "non-empty list"),
        (["01", "-p", "data_dir", "data"], "parameters", "takes no parameters"),
    ]
    site = WORK / "site-never-written"
    shutil.rmtree(site, ignore_errors=True)
    for args, name, words in cases:
        t = time.time()
        done = run(RUN, *args, "--site", site)
        lines = done.stderr.strip().splitlines()
        label = " ".join(args)
        expect(done.returncode == 2, f"{label}: exit {done.returncode}, not 2 ({done.stderr.strip()[:300]})")
        expect(len(lines) == 1, f"{label}: {len(lines)} lines on stderr, not one: {done.stderr[:400]}")
        expect(name in lines[0] and words in lines[0], f"{label}: {lines[0]!r} does not name {name!r} with {words!r}")
        expect(not site.exists(), f"{label}: the site folder was written before the values were checked")
        expect(time.time() - t < 30, f"{label}: took {time.time() - t:.0f} s: a kernel started?")
    out = WORK / "never.ipynb"
    done = run(PAPERMILL, "notebooks/04-your-own-data.ipynb", out, "-p", "honored_sahre", "0.7")
    expect(done.returncode != 0, "papermill ran notebook 04 with an unknown parameter")
    last = done.stderr.strip().splitlines()[-1]
    expect("unknown parameter honored_sahre" in last, f"papermill's last line: {last!r}")
    return f"{len(cases)} bad values for scripts/run, one for papermill"


def test_failing_cell() -> str:
    """A value only the crate can judge (a policy's name) fails in the
    injected cell: evcxr reports it on stderr only, and the run must still
    stop there, with one line naming the cell and the parameter."""
    site = WORK / "site-failed"
    shutil.rmtree(site, ignore_errors=True)
    done = run(RUN, "06", "-p", "duplicates", "first-seen", "--site", site, timeout=900)
    lines = done.stderr.strip().splitlines()
    expect(done.returncode == 1, f"exit {done.returncode}, not 1 ({done.stderr.strip()[-300:]})")
    expect(len(lines) == 1, f"{len(lines)} lines on stderr, not one: {done.stderr[-600:]}")
    expect("// Parameters" in lines[0] and "parameter duplicates: unknown duplicates policy 'first-seen'" in lines[0],
           f"the line does not name the injected cell and the parameter: {lines[0]!r}")
    kept = site.with_name("site-failed.failed") / "06-measuring-the-honored-share.ipynb"
    expect(kept.exists(), f"the failed run was not kept at {kept}")
    expect(not list((site / "runs").glob("*.html")), "a failed run was added to the site")
    expect(not [p for p in site.rglob("*") if p.suffix in (".ipynb", ".log")], "a failed run's files are in the site")
    # A cell that runs out of time fails the same way (nbclient raises
    # another error than a failed cell's): notebook 04 with a cell that
    # sleeps 120 s after its parameters, given 20 s a cell (cells compiled
    # against a library just rebuilt take a second or two each). The copy
    # sits in notebooks/ (hidden), where the kernel finds its crate.
    slow = ROOT / "notebooks" / f".timeout-test-{os.getpid()}.ipynb"
    nb = nbformat.read(ROOT / "notebooks" / "04-your-own-data.ipynb", as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])) + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell("std::thread::sleep(std::time::Duration::from_secs(120));"))
    nbformat.write(nb, slow)
    try:
        done = run(RUN, slow, "--timeout", "20", "--site", site, timeout=900)
    finally:
        slow.unlink(missing_ok=True)
    lines = done.stderr.strip().splitlines()
    expect(done.returncode == 1 and len(lines) == 1 and "Timeout" in lines[0] and "thread::sleep" in lines[0],
           f"a timeout: exit {done.returncode}, {done.stderr.strip()[-400:]!r}")
    return "a bad policy name and a timeout each stop the run at their cell, one line, exit 1, nothing in the site"


def test_injection() -> str:
    out = WORK / "parameters.ipynb"
    # The notebook named relative to the repository, which papermill leaves
    # for --cwd before the engine runs; the path relative to the root too.
    done = run(PAPERMILL, FIXTURE.relative_to(ROOT), out, "--cwd", "notebooks", "--no-progress-bar",
               "-r", "text", HOSTILE, "-p", "share", "0.25", "-p", "count", "-3", "-p", "flag", "True",
               "-p", "maybe", "None", "-p", "day", "2020-02-29", "-p", "path", "data/boston-2018", timeout=900)
    expect(done.returncode == 0, f"papermill failed: {done.stderr.strip()[-800:]}")
    nb = nbformat.read(out, as_version=4)
    checks.check_errors(nb)
    printed = ["".join(o.text for o in c.outputs if o.output_type == "stream" and o.name == "stdout")
               for c in nb.cells if c.cell_type == "code"]
    # println!, not print!: evcxr sends a cell's last line only once it ends.
    expect(f"<{HOSTILE}>\n" in printed, f"the string arrived changed: {[p[:120] for p in printed]}")
    expect("0.25 -3 true None Some(2020-02-29)\n" in printed, f"the other values arrived as {printed}")
    expect("data/boston-2018\n" in printed, f"the path arrived as {printed[-1]!r}")
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    expect(len(injected) == 1, f"{len(injected)} injected cells")
    shown = "".join(o.get("data", {}).get("text/plain", "") for o in injected[0].outputs)
    # papermill's command line gathers -p values before -r ones.
    expect(shown.startswith("Parameters set: ") and
           sorted(shown.removeprefix("Parameters set: ").split(", ")) ==
           sorted(["text", "share", "count", "flag", "maybe", "day", "path"]),
           f"the injected cell shows {shown!r}")
    return "a hostile string, a float, a negative integer, a boolean, None, a date and a path arrived as given"


def executed(page: str) -> nbformat.NotebookNode:
    return nbformat.read(SITE / page.replace(".html", ".ipynb"), as_version=4)


def site_run(*args) -> nbformat.NotebookNode:
    done = run(RUN, *args, "--site", SITE, timeout=1800)
    expect(done.returncode == 0, f"scripts/run {' '.join(map(str, args))}: {done.stderr.strip()[-800:]}")
    runs = json.loads((SITE / "runs.json").read_text())
    nb = nbformat.read(SITE / runs[-1]["notebook_file"], as_version=4)
    checks.check_errors(nb)
    checks.check_rich_display(nb)
    checks.check_png_fallback(nb)
    page = (SITE / runs[-1]["page"]).read_text(encoding="utf-8")
    box = page[page.index("This run</strong>"):page.index("</section>")] if "This run</strong>" in page else ""
    expect(box, "the page does not show the run's parameters at its top")
    for name, value in runs[-1]["parameters"].items():
        expect(f">{name}</th>" in box and run_notebook_shown(value) in box, f"the page does not show {name} = {value}")
    index = (SITE / "index.html").read_text(encoding="utf-8")
    expect([r["number"] for r in runs] == list(range(1, len(runs) + 1)), f"run numbers {[r['number'] for r in runs]}")
    for r in runs:
        expect(f'href="{r["page"]}"' in index, f"the index does not link run {r['number']}")
    return nb


def run_notebook_shown(value) -> str:
    import html

    import run_notebook
    return html.escape(run_notebook.shown(value))


def test_notebook_04() -> str:
    nb = site_run("notebooks/04-your-own-data.ipynb", "-p", "data_dir", "tests/fixtures/synthetic-2019",
                  "-p", "honored_share", "0.7")
    outputs = list(checks.key_number_outputs(nb))
    expect(len(outputs) == 1, f"{len(outputs)} key-number outputs")
    k = outputs[0][2]
    expect(k["dataset"] == "synthetic-2019" and k["honored_share"] == 0.7,
           f"the run used {k['dataset']} at {k['honored_share']}, not the parameters given")
    n = checks.check_key_numbers(nb)
    return f"{n} key-number output equal to results.json of synthetic-2019 at 0.7"


def test_notebook_06() -> str:
    WORK.mkdir(parents=True, exist_ok=True)
    records = WORK / "records.csv"
    done = run(BINARY, "generate", "--out", records, "--rows", "20000", "--seed", "11")
    expect(done.returncode == 0, f"detainers generate: {done.stderr.strip()}")
    nb = site_run("06", "-p", "files", records.relative_to(ROOT), "-p", "area", "SEA", "-p", "from", "2019-01-01",
                  "-p", "to", "2022-12-31", "-p", "duplicates", "episode")
    outputs = [k for _, _, k in checks.key_number_outputs(nb, "detainers.record_key_numbers")]
    expect(outputs, "no record key numbers")
    k = outputs[0]
    want = {"aor": "SEA", "from": "2019-01-01", "to": "2022-12-31", "duplicates": "episode",
            "files": [str(records.relative_to(ROOT))]}
    got = {key: k.get(key) for key in want}
    expect(got == want, f"the run's filters are {got}, not the parameters given {want}")
    expect(k["rows_read"] == 20000, f"rows read {k['rows_read']}")
    n = checks.check_record_key_numbers(nb)
    return f"{n} record key-number output(s) equal to results.json for SEA, 2019 to 2022, episodes"


def main() -> int:
    if not BINARY.exists():
        print(f"{BINARY} missing: run `cargo build` first", file=sys.stderr)
        return 1
    WORK.mkdir(parents=True, exist_ok=True)
    if SITE.exists():
        if not (SITE / ".detainers-runs").exists():
            print(f"{SITE} exists and was not written by scripts/run", file=sys.stderr)
            return 1
        shutil.rmtree(SITE)
    passed = failed = 0
    for test in (test_translator, test_checks_and_pages, test_bad_parameters, test_failing_cell, test_injection,
                 test_notebook_04, test_notebook_06):
        start = time.time()
        try:
            detail = test()
            print(f"ok   {test.__name__}: {detail} ({time.time() - start:.0f} s)")
            passed += 1
        except (Failure, checks.NotebookFailure, subprocess.TimeoutExpired) as e:
            print(f"FAIL {test.__name__}: {e}")
            failed += 1
    print(f"parameters: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
