#!/usr/bin/env python3
"""Time notebook 01 on the project's kernel against named baselines, in one run.

Stacks (each runs the same steps; see BENCHMARKS.md):

  detainers  the project's kernel, "Rust (detainers)" (notebooks/kernel): a
             build slot per kernel, cells linked against the crate built once
             as a shared library; notebooks/01 as committed;
  rust       the baseline this replaced: evcxr's own kernelspec, a new build
             folder per kernel, the crate as a path dependency compiled and
             linked statically into every cell, with evcxr's `:cache 4096`;
             notebooks/01 with its `:dep` line replaced by the old one;
  detainers-nocache
             the project's kernel with nothing carried from one kernel to
             the next: each kernel starts cold (no kernel waiting) with an
             empty cell cache of its own, as before the cache and the
             waiting kernel (the crate is still loaded at kernel start);
  python3    pandas + matplotlib, bench/pandas-baseline.ipynb.

For each stack, two kernels are started one after the other, by one process.
For `detainers` the cell cache is a new, empty folder for the run, so the
first kernel compiles every cell; it starts cold (this process's provisioner
has no kernel waiting yet) on build slots scripts/setup filled. The second is
the kernel the provisioner started while the first ran, and finds the cells
the first compiled in the cache. For each kernel: seconds from kernel start to
the first chart and to the end of the notebook. In the second kernel, the
whole notebook is then run again (a second Run All), and three cells are
re-run three times each (median): the first chart cell, the first table cell,
and `1+1` (for Python `1+1` too); last, three cells never run before
(`<a new number>_u64 + 1`), which every kernel compiles (median).

--phases adds, for each Rust stack, a third kernel run under `strace -f
--seccomp-bpf` (process starts and exits only), and splits each cell's time
into phases: evcxr's own work before cargo (type inference with
rust-analyzer, code generation), cargo without rustc, rustc without the link,
the link, time between two builds of one cell, and loading and running the
cell's library after the last build. strace slows every process start, so
the traced times are longer than the untraced ones: read the shares.

Usage: .venv/bin/python bench/notebook_timings.py [--stacks detainers,detainers-nocache,rust,python3]
           [--phases] [--out bench/results/notebook-timings.json]
Prints Markdown tables and writes the JSON given by --out.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "01-reproduce-the-report.ipynb"
BASELINE = ROOT / "bench" / "pandas-baseline.ipynb"
RERUNS = 3
TIMEOUT = 3600


def outputs_have(cell, mimes) -> bool:
    return any(set(o.get("data", {})) & set(mimes) for o in cell.get("outputs", []))


def has_chart(cell) -> bool:
    return outputs_have(cell, ("image/svg+xml", "image/png"))


def has_table(cell) -> bool:
    return outputs_have(cell, ("text/html",)) and not has_chart(cell)


DEP_LINE = ':dep detainers = { path = "kernel", package = "detainers-kernel" }'
# How notebooks loaded the crate before the project's kernel.
OLD_DEP = ':cache 4096\n:dep detainers = { path = "..", default-features = false }'


def load(path: Path, kernel: str, stack: str) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            if stack == "rust":
                cell.source = "".join(cell.source).replace(DEP_LINE, OLD_DEP)
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": ""}
    return nb


def failed_output(cell) -> str | None:
    for out in cell.get("outputs", []):
        if out.output_type == "error":
            return f"{out.ename}: {out.evalue}"
        if out.output_type == "stream" and out.name == "stderr" and "panicked" in out.text:
            return out.text
    return None


class Session:
    """One kernel, its cells executed one by one, each timed."""

    def __init__(self, kernel: str, path: Path, env: dict, stack: str):
        self.nb = load(path, kernel, stack)
        self.client = NotebookClient(
            self.nb, kernel_name=kernel, timeout=TIMEOUT, startup_timeout=1800,
            resources={"metadata": {"path": str(path.parent)}},
        )
        self.env = env
        self.stack = stack
        self.cells: list[dict] = []  # every execution: index, start, end

    def run_cell(self, index: int, source: str | None = None) -> float:
        cell = self.nb.cells[index]
        if source is not None:
            cell = nbformat.v4.new_code_cell(source)
        start = time.time()
        self.client.execute_cell(cell, index)
        end = time.time()
        problem = failed_output(cell)
        if problem:
            raise RuntimeError(f"cell {index} failed: {problem[:400]}")
        self.cells.append({"index": index, "source": "".join(cell.source)[:60], "start": start, "end": end})
        return end - start

    def run(self, reruns: int) -> dict:
        result: dict = {}
        start = time.time()
        with self.client.setup_kernel(env=self.env):
            result["kernel_ready_s"] = time.time() - start
            first_chart = first_table = None
            for index, cell in enumerate(self.nb.cells):
                if cell.cell_type != "code":
                    continue
                self.run_cell(index)
                if first_chart is None and has_chart(cell):
                    first_chart = index
                    result["first_chart_s"] = time.time() - start
                if first_table is None and has_table(cell):
                    first_table = index
            result["whole_notebook_s"] = time.time() - start
            if reruns:
                # Run All again, in the same kernel: every cell as it was.
                again = time.time()
                for index, cell in enumerate(self.nb.cells):
                    if cell.cell_type == "code":
                        self.run_cell(index)
                result["second_run_all_s"] = time.time() - again

                def median_of(index, source=None):
                    return statistics.median(self.run_cell(index, source) for _ in range(reruns))
                result["rerun_chart_cell_s"] = median_of(first_chart)
                result["rerun_table_cell_s"] = median_of(first_table)
                result["rerun_one_plus_one_s"] = median_of(first_table, "1+1")
                # A cell never run before, on this machine or any kernel:
                # compiled every time.
                suffix = "" if self.stack == "python3" else "_u64"
                result["changed_cell_s"] = statistics.median(
                    self.run_cell(first_table, f"{time.time_ns()}{suffix} + 1") for _ in range(reruns))
        self.cells.insert(0, {"index": -1, "source": "(kernel start)", "start": start, "end": start + result["kernel_ready_s"]})
        return result


# ---------------------------------------------------------------- phases

EXEC = re.compile(r'^(\d+)\s+(\d+\.\d+) execve\("([^"]+)", \[(.*)\], ')
EXIT = re.compile(r"^(\d+)\s+(\d+\.\d+) \+\+\+ (?:exited with \d+|killed by \w+.*) \+\+\+")


def parse_strace(log: Path) -> list[dict]:
    """Processes seen: pid, program, argv text, start and end times."""
    procs: dict[int, dict] = {}
    for line in log.read_text(errors="replace").splitlines():
        m = EXEC.match(line)
        if m and " = 0" in line[-8:]:
            pid, t, prog, argv = int(m[1]), float(m[2]), m[3], m[4]
            old = procs.get(pid)
            if old and "end" not in old:
                old["end"] = t  # exec'd into something else
            procs[pid] = {"pid": pid, "prog": os.path.basename(prog), "argv": argv, "start": t}
            continue
        m = EXIT.match(line)
        if m and int(m[1]) in procs:
            procs[int(m[1])].setdefault("end", float(m[2]))
    return [p for p in procs.values() if "end" in p]


def phases_of(cell: dict, procs: list[dict]) -> dict:
    inside = [p for p in procs if cell["start"] <= p["start"] <= cell["end"]]
    cargo = sorted((p for p in inside if p["prog"] == "cargo" and " \"build\"" in p["argv"].replace(",", "")),
                   key=lambda p: p["start"])
    ctx = sorted((p for p in inside if p["prog"].startswith("rustc") and '"ctx"' in p["argv"]), key=lambda p: p["start"])
    link = sorted((p for p in inside if p["prog"] in ("cc", "gcc", "x86_64-linux-gnu-gcc-12")), key=lambda p: p["start"])
    total = cell["end"] - cell["start"]
    out = {"cell": cell["source"], "total_s": total, "cargo_builds": len(cargo)}
    if not cargo:
        out["evcxr_no_build_s"] = total
        return out
    first, last = cargo[0], cargo[-1]
    out["before_cargo_s"] = first["start"] - cell["start"]
    out["cargo_s"] = sum(p["end"] - p["start"] for p in cargo)
    out["rustc_ctx_s"] = sum(p["end"] - p["start"] for p in ctx)
    out["link_s"] = sum(p["end"] - p["start"] for p in link)
    out["between_builds_s"] = sum(b["start"] - a["end"] for a, b in zip(cargo, cargo[1:]))
    out["cargo_without_rustc_s"] = out["cargo_s"] - out["rustc_ctx_s"]
    out["rustc_without_link_s"] = out["rustc_ctx_s"] - out["link_s"]
    out["after_cargo_s"] = cell["end"] - last["end"]
    other = [p for p in inside if p["prog"].startswith("rustc") and '"ctx"' not in p["argv"]]
    out["other_rustc_units"] = len(other)
    return out


def traced_kernelspec(kernel: str, log: Path, home: Path) -> str:
    """A copy of `kernel`'s spec whose argv runs under strace; returns its name."""
    from jupyter_client.kernelspec import KernelSpecManager
    spec = KernelSpecManager().get_kernel_spec(kernel)
    name = f"{kernel}-traced"
    folder = home / "kernels" / name
    folder.mkdir(parents=True, exist_ok=True)
    argv = ["strace", "-f", "--seccomp-bpf", "-ttt", "-q", "-e", "trace=execve", "-e", "signal=none",
            "-o", str(log), *spec.argv]
    (folder / "kernel.json").write_text(json.dumps(
        {"argv": argv, "display_name": name, "language": "rust", "interrupt_mode": "message", "env": spec.env}))
    return name


PHASE_KEYS = ["total_s", "cargo_builds", "before_cargo_s", "cargo_without_rustc_s", "rustc_without_link_s",
              "link_s", "between_builds_s", "after_cargo_s"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stacks", default="detainers,detainers-nocache,rust,python3")
    parser.add_argument("--phases", action="store_true", help="trace the detainers kernel's processes (needs strace)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "notebook-timings.json")
    args = parser.parse_args()
    results = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": f"{os.cpu_count()} cores",
               "notebook": str(NOTEBOOK.relative_to(ROOT)), "stacks": {}}
    cache = Path(tempfile.mkdtemp(prefix="nb-cell-cache-"))
    for stack in args.stacks.split(","):
        path = BASELINE if stack == "python3" else NOTEBOOK
        entry = {}
        env = dict(os.environ, DETAINERS_CELL_CACHE=str(cache)) if stack == "detainers" else dict(os.environ)
        env.pop("CARGO_INCREMENTAL", None)
        sessions = (1, 2, 3) if args.phases and stack in ("detainers", "rust") else (1, 2)
        for n in sessions:
            kernel = "detainers" if stack == "detainers-nocache" else stack
            if stack == "detainers-nocache":
                # Nothing kept from one kernel to the next: a cache of its own,
                # empty, for each kernel, and no kernel waiting.
                env["DETAINERS_CELL_CACHE"] = tempfile.mkdtemp(prefix="nb-cell-cache-", dir=cache)
                os.environ["DETAINERS_KERNEL_POOL"] = "0"
            else:
                os.environ.pop("DETAINERS_KERNEL_POOL", None)
            trace_dir = None
            if n == 3:
                trace_dir = Path(tempfile.mkdtemp(prefix="nb-trace-"))
                log = trace_dir / "strace.log"
                kernel = traced_kernelspec(stack, log, trace_dir)
                os.environ["JUPYTER_PATH"] = os.pathsep.join(
                    [str(trace_dir), *filter(None, [os.environ.get("JUPYTER_PATH")])])
            session = Session(kernel, path, env, stack)
            timed = session.run(reruns=RERUNS if n >= 2 else 0)
            if trace_dir:
                procs = parse_strace(log)
                entry["traced"] = timed
                entry["phases"] = [phases_of(c, procs) for c in session.cells]
                shutil.rmtree(trace_dir, ignore_errors=True)
            else:
                entry[f"kernel_{n}"] = timed
            print(stack, n, json.dumps(timed), flush=True)
        results["stacks"][stack] = entry
    shutil.rmtree(cache, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")

    def s(v):
        return "n/a" if v is None else f"{v:.2f} s"

    print("\n| stack | kernel 1: first chart | kernel 1: whole | kernel 2: first chart | kernel 2: whole "
          "| second Run All | re-run chart cell | re-run table cell | re-run `1+1` | a changed cell |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for stack, e in results["stacks"].items():
        k1, k2 = e.get("kernel_1", {}), e.get("kernel_2", {})
        print(f"| {stack} | {s(k1.get('first_chart_s'))} | {s(k1.get('whole_notebook_s'))} | "
              f"{s(k2.get('first_chart_s'))} | {s(k2.get('whole_notebook_s'))} | {s(k2.get('second_run_all_s'))} | "
              f"{s(k2.get('rerun_chart_cell_s'))} | {s(k2.get('rerun_table_cell_s'))} | "
              f"{s(k2.get('rerun_one_plus_one_s'))} | {s(k2.get('changed_cell_s'))} |")
    if "python3" in results["stacks"]:
        base = results["stacks"]["python3"].get("kernel_2", {})
        print("\nRatios to pandas (kernel 2):")
        for stack, e in results["stacks"].items():
            k2 = e.get("kernel_2", {})
            ratios = {k: k2[k] / base[k] for k in k2 if base.get(k)}
            print(f"  {stack}: " + ", ".join(f"{k} {v:.1f}x" for k, v in ratios.items()))
    for stack, e in results["stacks"].items():
        if not e.get("phases"):
            continue
        print(f"\nPhases, {stack} (traced kernel; seconds):\n")
        print("| cell | " + " | ".join(PHASE_KEYS) + " |")
        print("|---|" + "---:|" * len(PHASE_KEYS))
        for p in e["phases"]:
            first = p["cell"].splitlines()[0] if p["cell"] else ""
            print(f"| `{first}` | "
                  + " | ".join(f"{p[k]:.2f}" if isinstance(p.get(k), float) else str(p.get(k, "")) for k in PHASE_KEYS)
                  + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
