#!/usr/bin/env python3
"""Time the Rust notebooks against a pandas + matplotlib baseline, in one run.

For each stack (evcxr `rust` kernel on notebooks/01-reproduce-the-report.ipynb,
`python3` kernel on bench/pandas-baseline.ipynb) it measures:

  cold   a fresh kernel on an empty build/font cache (XDG_CACHE_HOME and
         MPLCONFIGDIR point at a new temporary folder; the user's caches are
         untouched): time to the first chart, and to the end of the notebook;
  warm   a fresh kernel on the caches `scripts/setup` fills: the same two times;
  rerun  in that warm kernel, re-executing the first chart cell (median of 3).

Usage: .venv/bin/python bench/notebook_timings.py [--skip-cold]
Writes bench/results/notebook-timings.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
STACKS = {
    "rust (evcxr, detainers + polars + plotters)": ("rust", ROOT / "notebooks" / "01-reproduce-the-report.ipynb", None),
    "rust, system linker instead of mold": ("rust", ROOT / "notebooks" / "01-reproduce-the-report.ipynb", ":linker system"),
    "python (pandas + matplotlib)": ("python3", ROOT / "bench" / "pandas-baseline.ipynb", None),
}


def has_chart(cell) -> bool:
    return any(
        "image/svg+xml" in o.get("data", {}) or "image/png" in o.get("data", {})
        for o in cell.get("outputs", [])
    )


def session(kernel: str, path: Path, env: dict, reruns: int, first_line: str | None) -> dict:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    if first_line:
        first = next(c for c in nb.cells if c.cell_type == "code")
        first.source = first_line + "\n" + "".join(first.source)
    client = NotebookClient(
        nb, kernel_name=kernel, timeout=3600, startup_timeout=300,
        resources={"metadata": {"path": str(path.parent)}},
    )
    result = {}
    start = time.perf_counter()
    with client.setup_kernel(env=env):
        first_chart_index = None
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            client.execute_cell(cell, index)
            if first_chart_index is None and has_chart(cell):
                first_chart_index = index
                result["first_chart_s"] = time.perf_counter() - start
        result["whole_notebook_s"] = time.perf_counter() - start
        times = []
        for _ in range(reruns):
            t = time.perf_counter()
            client.execute_cell(nb.cells[first_chart_index], first_chart_index)
            times.append(time.perf_counter() - t)
        if times:
            result["rerun_chart_cell_s"] = statistics.median(times)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-cold", action="store_true", help="skip the cold-cache sessions (minutes for polars)")
    args = parser.parse_args()
    results = {"machine": f"{os.cpu_count()} cores", "stacks": {}}
    for name, (kernel, path, first_line) in STACKS.items():
        entry = {}
        if not args.skip_cold and first_line is None:
            with tempfile.TemporaryDirectory() as empty:
                env = dict(os.environ, XDG_CACHE_HOME=empty, MPLCONFIGDIR=empty)
                entry["cold"] = session(kernel, path, env, reruns=0, first_line=first_line)
        entry["warm"] = session(kernel, path, dict(os.environ), reruns=3, first_line=first_line)
        results["stacks"][name] = entry
        print(name, json.dumps(entry), flush=True)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "notebook-timings.json").write_text(json.dumps(results, indent=2) + "\n")

    def cell(entry, phase, key):
        v = entry.get(phase, {}).get(key)
        return "n/a" if v is None else f"{v:.1f} s"

    print("\n| stack | cold: first chart | cold: whole notebook | warm: first chart | warm: whole notebook | re-run one chart cell |")
    print("|---|---|---|---|---|---|")
    for name, entry in results["stacks"].items():
        print(f"| {name} | {cell(entry, 'cold', 'first_chart_s')} | {cell(entry, 'cold', 'whole_notebook_s')} | "
              f"{cell(entry, 'warm', 'first_chart_s')} | {cell(entry, 'warm', 'whole_notebook_s')} | "
              f"{cell(entry, 'warm', 'rerun_chart_cell_s')} |")


if __name__ == "__main__":
    main()
