#!/usr/bin/env python3
"""What a reader sees, checked in a real browser (Debian's Chromium, driven by
Playwright): the notebooks in JupyterLab, opened from disk (untrusted), and
every page of the shared folder out/site/.

JupyterLab runs on a free port of 127.0.0.1, with its own settings (no
autosave, every cell rendered), and is stopped by its own PID at the end.
For each notebook it asserts:

  - every chart shows as a loaded image of sensible size (JupyterLab hides
    SVG in an untrusted notebook; the PNG beside it must show);
  - every table is a table whose text columns are left-aligned and number
    columns right-aligned, with its caption left-aligned;
  - key numbers show as a sentence, not as a JSON tree;
  - each output's prompt equals its input's ([3]: beside [3]:);
  - no noise: no `cache:` line, no string result in Debug quotes;
  - no error in the browser console;

and saves a screenshot in out/screenshots/. Then, as a reader would, it runs
the first notebook from its top down to its first chart, Shift+Enter by
Shift+Enter on the project's kernel started from the page, and waits for the
chart to be drawn again.

For each page of out/site/ (scripts/export_site.py writes it) and of
out/site-runs/ (scripts/run writes it; scripts/parameter_tests.py runs two
notebooks into it), at 1280 and
390 px wide: nothing wider than the page's column (tables may scroll inside
their own box), every chart visible, its text inside the chart (and at least 12 px at 1280),
no legend box over anything drawn before it (marks, axes, labels), no figure
caption repeating its chart's title, links only to http(s) or inside the
folder, no request for anything outside the folder, no console error; and a
screenshot of each.

Usage: .venv/bin/python scripts/browser_test.py [--notebooks N ...] [--skip-run]
       [--site out/site [--site out/site-runs ...]] [--screenshots out/screenshots]
The last line is "browser: N passed, N failed".
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CHROMIUM = os.environ.get("DETAINERS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
KEY_MIME = "application/vnd.detainers.key-numbers+json"
LAB_SETTINGS = {
    # Opening and running must never write the committed notebooks.
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    # Render every cell, so every output can be checked and photographed.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # No requests to the internet for news or updates.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"checkForUpdates": False, "fetchNews": "false"},
}


class Failure(Exception):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server on 127.0.0.1 for the notebooks folder."""

    def __init__(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="lab-"))
        for rel, value in LAB_SETTINGS.items():
            path = self.tmp / "settings" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value))
        self.port, self.token = free_port(), secrets.token_hex(16)
        env = dict(os.environ, JUPYTER_DATA_DIR=str(self.tmp / "data"), JUPYTER_RUNTIME_DIR=str(self.tmp / "runtime"))
        cmd = [str(ROOT / ".venv" / "bin" / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1",
               f"--port={self.port}", f"--ServerApp.token={self.token}", f"--ServerApp.root_dir={NOTEBOOKS}",
               f"--LabApp.user_settings_dir={self.tmp / 'settings'}", f"--LabApp.workspaces_dir={self.tmp / 'ws'}",
               "--ServerApp.open_browser=False"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log = open(self.tmp / "lab.log", "w")
        self.process = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=NOTEBOOKS)
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/api/status?token={self.token}", timeout=2)
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.5)
        self.stop()
        raise Failure(f"JupyterLab did not start: {(self.tmp / 'lab.log').read_text()[-2000:]}")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, notebook: str) -> str:
        return f"{self.base}/lab/tree/{notebook}?reset&token={self.token}"

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def expected_outputs(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    counts = {"charts": 0, "tables": 0, "key_numbers": 0}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            counts["charts"] += "image/png" in data
            counts["tables"] += "<table" in "".join(data.get("text/html", "")) and KEY_MIME not in data
            counts["key_numbers"] += KEY_MIME in data or "application/json" in data
    return counts


PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"

CHECK_NOTEBOOK = """(panel) => {
  const root = document.querySelector(panel);
  const problems = [];
  const imgs = [...root.querySelectorAll('.jp-OutputArea-output img')];
  for (const img of imgs) {
    if (!img.complete || img.naturalWidth < 600 || img.getBoundingClientRect().width < 300)
      problems.push(`a chart image is not shown at a sensible size (${img.naturalWidth} px, shown ${Math.round(img.getBoundingClientRect().width)} px)`);
  }
  const tables = [...root.querySelectorAll('.jp-OutputArea-output table')]
    .filter(t => !t.closest('.key-numbers'));
  for (const t of tables) {
    for (const cell of t.querySelectorAll('td, th')) {
      // Numeric by what the cell says (not by the class that also sets its style).
      const text = cell.textContent.trim();
      if (/^[\u2014-]?$/.test(text)) continue;  // a placeholder sits in text and number columns alike
      const numeric = /^[-+\u2212]?[\d.,]+%?$|^< ?[\d.]+$/.test(text);
      const align = getComputedStyle(cell).textAlign;
      if (cell.tagName === 'TD' && align !== (numeric ? 'right' : 'left') && !(align === 'start' && !numeric)) {
        problems.push(`a ${numeric ? 'number' : 'text'} cell is aligned ${align}: "${cell.textContent.slice(0, 40)}"`);
        break;
      }
    }
    const caption = t.querySelector('caption') || t.parentElement.querySelector('.caption');
    if (caption && !['left', 'start'].includes(getComputedStyle(caption).textAlign))
      problems.push(`a table caption is aligned ${getComputedStyle(caption).textAlign}`);
  }
  if (root.querySelector('.jp-RenderedJSON'))
    problems.push('key numbers show as a JSON tree');
  for (const cell of root.querySelectorAll('.jp-CodeCell')) {
    const input = cell.querySelector('.jp-InputPrompt')?.textContent.trim();
    for (const p of cell.querySelectorAll('.jp-OutputPrompt')) {
      const output = p.textContent.trim();
      if (output && output !== input) problems.push(`output prompt ${output} beside input prompt ${input}`);
    }
  }
  for (const out of root.querySelectorAll('.jp-OutputArea-output.jp-RenderedText, .jp-OutputArea-output pre')) {
    const text = out.textContent.trim();
    if (/^cache: /.test(text)) problems.push(`noise output: ${text}`);
    if (/^".*"$/s.test(text)) problems.push(`a string result in Debug quotes: ${text.slice(0, 60)}`);
  }
  return {problems, images: imgs.length, tables: tables.length,
          sentences: [...root.querySelectorAll('.key-numbers p')].map(p => p.textContent)};
}"""


def check_notebook(browser, lab: Lab, path: Path, shots: Path, run_cells: bool) -> str:
    expected = expected_outputs(path)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(lab.url(path.name))
        page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=90_000)
        page.wait_for_function(
            """([panel, n]) => {
              const imgs = [...document.querySelectorAll(panel + ' .jp-OutputArea-output img')];
              return imgs.length >= n && imgs.every(i => i.complete && i.naturalWidth > 0);
            }""", arg=[PANEL, expected["charts"]], timeout=60_000)
        result = page.evaluate(CHECK_NOTEBOOK, PANEL)
        problems = list(result["problems"])
        if result["images"] != expected["charts"]:
            problems.append(f"{result['images']} chart images shown, {expected['charts']} charts in the notebook")
        if result["tables"] < expected["tables"]:
            problems.append(f"{result['tables']} tables shown, {expected['tables']} in the notebook")
        if len(result["sentences"]) != expected["key_numbers"]:
            problems.append(f"{len(result['sentences'])} key-number sentences shown, {expected['key_numbers']} in the notebook")
        height = page.evaluate(
            f"(document.querySelector('{PANEL} .jp-WindowedPanel-outer') || document.querySelector('{PANEL} .jp-Notebook')).scrollHeight")
        page.set_viewport_size({"width": 1280, "height": min(int(height) + 200, 16000)})
        page.wait_for_timeout(500)
        page.screenshot(path=str(shots / f"{path.stem}.png"))
        page.set_viewport_size({"width": 1280, "height": 900})
        if run_cells:
            problems += run_as_a_reader(page)
            if not problems:
                # A restart hands over the kernel that was waiting, on other
                # ports; the page must follow it and run the cells again.
                problems += restart_kernel(page)
            if not problems:
                problems += [f"after a restart: {p}" for p in run_as_a_reader(page)]
        if errors:
            problems.append(f"console errors: {errors[:3]}")
        if problems:
            raise Failure("; ".join(problems[:6]))
        return f"{result['images']} charts, {result['tables']} tables, {len(result['sentences'])} key-number sentences" + (
            "; ran the cells down to the first chart on the project's kernel, the chart was drawn again, "
            "and again after a restart from the Kernel menu" if run_cells else "")
    finally:
        page.close()


def restart_kernel(page) -> list[str]:
    """Kernel > Restart Kernel..., confirmed, as a reader would. Cells run
    after it wait in JupyterLab's queue until the new kernel is ready."""
    try:
        page.click("#jp-MainMenu >> text=Kernel", timeout=10_000)
        page.click(".lm-Menu-content >> text=Restart Kernel…", timeout=10_000)
        page.click(".jp-Dialog-footer button.jp-mod-accept", timeout=10_000)
        page.wait_for_selector(".jp-Dialog", state="detached", timeout=10_000)
    except Exception as e:
        return [f"restarting the kernel from the Kernel menu failed: {str(e).splitlines()[0][:200]}"]
    return []


def run_as_a_reader(page) -> list[str]:
    """Run the notebook from its first cell down to its first chart cell, one
    Shift+Enter at a time on the kernel the page started, as a reader would,
    and wait for the chart to be drawn again."""
    cells = page.locator(f"{PANEL} .jp-CodeCell")
    chart_cell = None
    for i in range(cells.count()):
        if cells.nth(i).locator(".jp-OutputArea-output img").count():
            chart_cell = i
            break
    if chart_cell is None:
        return ["no chart cell to run"]
    committed = cells.nth(chart_cell).locator(".jp-OutputArea-output img").first.element_handle()
    for index in range(chart_cell + 1):
        cell = cells.nth(index)
        outputs = cell.locator(".jp-OutputArea-output")
        # Running a cell clears its outputs: the cell has run again once the
        # outputs shown before are gone and its prompt holds a number (while
        # it is queued or running the prompt is [*]:).
        before = outputs.first.element_handle() if outputs.count() else None
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        handle = cell.element_handle()
        prompt = "el => el.querySelector('.jp-InputPrompt').textContent.trim()"
        if before is None:
            try:
                page.wait_for_function(f"el => ({prompt})(el) === '[*]:'", arg=handle, timeout=10_000)
            except Exception:
                pass
        try:
            page.wait_for_function(
                f"([el, old]) => (!old || !old.isConnected) && /^\\[\\d+\\]:$/.test(({prompt})(el))",
                arg=[handle, before], timeout=300_000)
        except Exception:
            return [f"cell {index} did not finish on the kernel within 5 minutes"]
        bad = cell.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        if bad.count():
            return [f"cell {index} failed on the kernel: {bad.first.inner_text()[:300]}"]
    try:
        # The committed chart must be gone, replaced by one the kernel drew.
        page.wait_for_function(
            """([old, cell]) => {
              const img = cell.querySelector('.jp-OutputArea-output img');
              return !old.isConnected && img && img.complete && img.naturalWidth >= 600;
            }""", arg=[committed, cells.nth(chart_cell).element_handle()], timeout=30_000)
    except Exception:
        return ["the re-run chart cell shows no new chart"]
    return []


CHECK_PAGE = """() => {
  const problems = [];
  const body = document.body.getBoundingClientRect();
  const right = body.right - parseFloat(getComputedStyle(document.body).paddingRight) + 1;
  if (document.scrollingElement.scrollWidth > innerWidth + 1)
    problems.push(`the page is ${document.scrollingElement.scrollWidth} px wide in a ${innerWidth} px window`);
  for (const el of document.querySelectorAll('table, figure, p, li, h1, h2, img, svg')) {
    if (el.closest('.data-table, .jp-OutputArea-output, .jp-RenderedHTMLCommon, figure svg text')) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > right) { problems.push(`a ${el.tagName.toLowerCase()} runs past the column (${Math.round(r.right)} > ${Math.round(right)})`); break; }
  }
  for (const fig of document.querySelectorAll('figure')) {
    const svg = fig.querySelector('svg');
    if (!svg) continue;
    const r = svg.getBoundingClientRect();
    if (r.width < 100 || r.height < 50) problems.push(`a chart is not visible (${Math.round(r.width)} x ${Math.round(r.height)})`);
    const scale = r.width / (svg.viewBox.baseVal.width || r.width);
    if (innerWidth >= 1000) {
      for (const t of svg.querySelectorAll('text')) {
        const px = parseFloat(t.getAttribute('font-size') || getComputedStyle(t).fontSize) * scale;
        if (px < 12) { problems.push(`chart text of ${px.toFixed(1)} px: "${t.textContent.slice(0, 30)}"`); break; }
      }
    }
    for (const t of svg.querySelectorAll('text')) {
      const b = t.getBoundingClientRect();
      if (b.width > 0 && (b.right > r.right + 1 || b.left < r.left - 1)) {
        problems.push(`chart text cut at the chart's edge: "${t.textContent.slice(0, 40)}"`); break;
      }
    }
    // A legend has a strip of its own: its box (the one fill no chart uses
    // for anything else) is drawn after every mark, and nothing drawn
    // before it (marks, axes, labels, the title) may overlap it.
    const all = [...svg.querySelectorAll('rect, circle, polyline, polygon, path, line, text')];
    const whole = r.width * r.height;
    for (const [k, box] of all.entries()) {
      if ((box.getAttribute('fill') || '').toUpperCase() !== '#FDFDFD') continue;
      const lb = box.getBoundingClientRect();
      for (const el of all.slice(0, k)) {
        const b = el.getBoundingClientRect();
        if (b.width * b.height >= whole * 0.9) continue;  // the page's white
        const w = Math.min(b.right, lb.right) - Math.max(b.left, lb.left);
        const h = Math.min(b.bottom, lb.bottom) - Math.max(b.top, lb.top);
        if (w > 0.5 && h > 0.5) {
          problems.push(`a legend box overlaps a drawn ${el.tagName}${el.textContent ? ` "${el.textContent.slice(0, 30)}"` : ''}`);
          break;
        }
      }
    }
    const caption = fig.querySelector('figcaption')?.textContent.trim();
    const size = t => parseFloat(t.getAttribute('font-size') || getComputedStyle(t).fontSize);
    const texts = [...svg.querySelectorAll('text')];
    const title = texts.length ? texts.reduce((a, b) => size(b) > size(a) ? b : a).textContent.trim() : null;
    if (caption && title && caption === title) problems.push(`a figure caption repeats its chart's title: ${caption.slice(0, 50)}`);
  }
  const local = [];
  for (const a of document.querySelectorAll('a[href]')) {
    const url = new URL(a.getAttribute('href'), location.href);
    if (url.protocol === 'file:') { if (!url.hash || url.pathname !== location.pathname) local.push(decodeURIComponent(url.pathname)); }
    else if (!['http:', 'https:'].includes(url.protocol)) problems.push(`a link to ${url.href.slice(0, 40)}`);
  }
  return {problems, local};
}"""


def check_site(browser, site: Path, shots: Path) -> list[tuple[str, str | None]]:
    results = []
    pages = [site / "index.html", *sorted(site.glob("*/report.html")), *sorted((site / "notebooks").glob("*.html")),
             *sorted((site / "runs").glob("*.html"))]
    root = site.resolve()
    for page_path in pages:
        label = f"{site.name}/{page_path.relative_to(site)}"
        problems = []
        for width in (1280, 390):
            # At 390 px, a phone: the page's viewport tag is honoured.
            context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 600)
            page = context.new_page()
            errors, outside = [], []
            page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda ex, e=errors: e.append(str(ex)))
            page.on("request", lambda r, o=outside: o.append(r.url) if not r.url.startswith(root.as_uri()) and not r.url.startswith("data:") else None)
            try:
                page.goto(page_path.as_uri())
                page.wait_for_load_state("load")
                found = page.evaluate(CHECK_PAGE)
                problems += [f"{width} px: {p}" for p in found["problems"]]
                for target in found["local"]:
                    path = Path(target).resolve()
                    if not path.is_relative_to(root):
                        problems.append(f"{width} px: a link leaves the folder: {target}")
                    elif not path.exists():
                        problems.append(f"{width} px: a link to a missing file: {path.relative_to(root)}")
                if outside:
                    problems.append(f"{width} px: requests outside the folder: {outside[:3]}")
                if errors:
                    problems.append(f"{width} px: console errors: {errors[:3]}")
                name = label.replace("/", "_").removesuffix(".html")
                page.screenshot(path=str(shots / f"site-{name}-{width}.png"), full_page=True)
            except Exception as e:  # one page's failure is reported, the others still run
                problems.append(f"{width} px: {type(e).__name__}: {str(e).splitlines()[0][:200]}")
            finally:
                context.close()
        results.append((label, "; ".join(problems[:6]) if problems else None))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notebooks", nargs="*", type=Path)
    parser.add_argument("--skip-run", action="store_true", help="do not run cells on the kernel")
    parser.add_argument("--site", type=Path, action="append",
                        help="a folder of pages to check (repeatable; default out/site, and out/site-runs "
                             "when scripts/parameter_tests.py has written it)")
    parser.add_argument("--screenshots", type=Path, default=ROOT / "out" / "screenshots")
    args = parser.parse_args()
    shots = args.screenshots.resolve()
    shots.mkdir(parents=True, exist_ok=True)
    notebooks = args.notebooks or sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    passed = failed = 0

    def report(label: str, problem: str | None, detail: str = "") -> None:
        nonlocal passed, failed
        if problem:
            print(f"FAIL {label}: {problem}")
            failed += 1
        else:
            print(f"ok   {label}{': ' + detail if detail else ''}")
            passed += 1

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        lab = Lab()
        try:
            for i, path in enumerate(notebooks):
                start = time.time()
                try:
                    detail = check_notebook(browser, lab, path.resolve(), shots, run_cells=(i == 0 and not args.skip_run))
                    report(f"JupyterLab {path.name}", None, f"{detail} ({time.time() - start:.0f} s)")
                except Failure as e:
                    report(f"JupyterLab {path.name}", str(e))
                except Exception as e:  # a timeout: the notebook did not render
                    report(f"JupyterLab {path.name}", f"{type(e).__name__}: {str(e).splitlines()[0][:300]}")
        finally:
            lab.stop()
        sites = args.site or [ROOT / "out" / "site", *[p for p in [ROOT / "out" / "site-runs"] if p.exists()]]
        for site in sites:
            if site.exists():
                for label, problem in check_site(browser, site.resolve(), shots):
                    report(f"page {label}", problem, "1280 and 390 px")
            else:
                report("pages", f"{site} is missing: run scripts/export_site.py (out/site) or scripts/run first")
        browser.close()
    print(f"browser: {passed} passed, {failed} failed (screenshots in {shots.relative_to(ROOT) if shots.is_relative_to(ROOT) else shots})")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
