#!/usr/bin/env python3
"""What reading request types, lift dates and DDP's episodes costs.

One run, on one machine, in one session:

  1. writes a synthetic file of SIZE in DDP's historical layout (it carries
     detainer_type, a lift date, unique_identifier and an episode number),
     and a copy without its unique_identifier column (no person: the
     episode pass has nothing to read);
  2. times the baseline binary (--baseline, a build from before request
     types, episodes and lift dates were read) and the current
     target/release/detainers on both files, in rotation, REPEATS times,
     with the same arguments (--aor BOS --quiet, or --args), each in its own
     process, after reading each file once so the page cache is warm;
  3. prints the median wall time of each, and the ratio current / baseline.

The file without persons prices request types and time to lift alone (the
issue's budget: at most 1.1x); the file with them adds the episode pass
(one more read of the person, date, type and facility columns).

Usage:
  python bench/request_types_bench.py --baseline PATH [--size 2.5G] [--repeats 5]
         [--args "--aor BOS --by aor"] [--baseline-env MIMALLOC_ALLOW_THP=0]

--size is the size of the generator's full 65-column file; the historical
layout keeps 16 of its columns, so 2.5G gives a file of about 1.0 GB.
Writes bench/results/request-types-bench.json.
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "detainers"


def run(binary, path, out, extra, env=None):
    start = time.perf_counter()
    done = subprocess.run(
        [str(binary), "records", str(path), *extra, "--quiet", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{binary} failed on {path}: {done.stderr}")
    return elapsed, json.loads((out / "results.json").read_text())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", required=True)
    parser.add_argument("--size", default="2.5G")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--args", default="--aor BOS", help="the records command's options")
    parser.add_argument("--work", default=str(ROOT / "out" / "bench-request-types"))
    parser.add_argument("--baseline-env", action="append", default=[], metavar="NAME=VALUE",
                        help="run the baseline with this in its environment, e.g. MIMALLOC_ALLOW_THP=0 "
                             "to give it the allocator setting the current build is compiled with")
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    with_ids = work / "historical.csv"
    without_ids = work / "historical-no-person.csv"
    if not with_ids.exists():
        subprocess.run(
            [str(BIN), "generate", "--size", args.size, "--seed", str(args.seed), "--layout", "ddp-historical", "--out", str(with_ids)],
            check=True,
        )
    if not without_ids.exists():
        with open(with_ids, newline="") as src, open(without_ids, "w", newline="") as dst:
            reader = csv.reader(src)
            writer = csv.writer(dst, lineterminator="\n")
            header = next(reader)
            drop = header.index("unique_identifier")
            writer.writerow(header[:drop] + header[drop + 1:])
            for row in reader:
                writer.writerow(row[:drop] + row[drop + 1:])
    for path in (with_ids, without_ids):
        with open(path, "rb") as f:
            while f.read(1 << 24):
                pass
    tools = {"baseline": Path(args.baseline), "current": BIN}
    envs = {"baseline": dict(os.environ, **dict(e.split("=", 1) for e in args.baseline_env)), "current": None}
    files = {"with persons": with_ids, "without persons": without_ids}
    times = {(t, f): [] for t in tools for f in files}
    used = {}
    for _ in range(args.repeats):
        for fname, path in files.items():
            for tname, binary in tools.items():
                seconds, results = run(binary, path, work / f"out-{tname}", args.args.split(), envs[tname])
                times[(tname, fname)].append(seconds)
                used[(tname, fname)] = results["rows_read"]
    for fname in files:
        if used[("baseline", fname)] != used[("current", fname)]:
            sys.exit(f"rows read differ on {fname}")
    table = []
    for fname, path in files.items():
        base = statistics.median(times[("baseline", fname)])
        cur = statistics.median(times[("current", fname)])
        table.append({
            "file": fname,
            "bytes": path.stat().st_size,
            "rows": used[("current", fname)],
            "baseline_median_s": round(base, 3),
            "current_median_s": round(cur, 3),
            "ratio": round(cur / base, 3),
            "baseline_runs_s": [round(x, 3) for x in times[("baseline", fname)]],
            "current_runs_s": [round(x, 3) for x in times[("current", fname)]],
        })
    suffix = "" if args.args == "--aor BOS" else "-" + "-".join(a.strip("-") for a in args.args.split())
    if args.baseline_env:
        suffix += "-baseline-" + "-".join(e.replace("=", "-") for e in args.baseline_env)
    out = ROOT / "bench" / "results" / f"request-types-bench{suffix}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"repeats": args.repeats, "size": args.size, "args": args.args, "baseline": args.baseline,
                               "baseline_env": args.baseline_env, "runs": table}, indent=2) + "\n")
    print("| file | rows | baseline (s) | current (s) | current / baseline |")
    print("|---|---:|---:|---:|---:|")
    for row in table:
        print(f"| {row['file']} | {row['rows']:,} | {row['baseline_median_s']} | {row['current_median_s']} | {row['ratio']}x |")


if __name__ == "__main__":
    main()
