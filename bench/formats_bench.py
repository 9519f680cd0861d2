#!/usr/bin/env python3
"""Benchmark `detainers records` on one data set in each published format.

One run, on one machine, in one session:

  1. `detainers generate --format F` writes the same synthetic records (the
     release's 64 named columns, ROWS rows, one seed) as CSV, Parquet, Arrow
     IPC (Feather v2) and a release-style xlsx workbook (six preamble rows, a
     title-case header, Excel dates). The write time of each is recorded.
  2. `detainers records FILE --aor BOS --quiet` runs on each file REPEATS
     times, in rotation, with the default engine and with `--engine polars`
     (Parquet, IPC and xlsx are read by polars under either engine; CSV has
     two readers). Each file is read once first, so every run starts from a
     warm page cache.
  3. Every run's results.json, but for `files`, must be the same, or the run
     fails.

The table gives the median wall time, its ratio to the CSV file read by the
default engine in the same run (the baseline), and the largest peak resident
memory of the program (GNU time's %M, see harness.py).

Usage:
  cargo build --release --bin detainers
  python3 bench/formats_bench.py [--rows 340000] [--seed 2018] [--repeats 3]
Writes bench/results/formats-bench.json and prints a Markdown table.
"""

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from harness import measure, result_header, rotate, warm  # noqa: E402
BIN = ROOT / "target" / "release" / "detainers"
FORMATS = [("csv", "CSV"), ("parquet", "Parquet"), ("ipc", "Arrow IPC (Feather v2)"), ("xlsx", "xlsx")]
BASELINE = ("csv", "blocks")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=340_000, help="about the size of one year of ICE's release")
    ap.add_argument("--seed", type=int, default=2018)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=ROOT / "out" / "bench" / "formats")
    args = ap.parse_args()
    if not BIN.exists():
        sys.exit(f"{BIN} is missing: run `cargo build --release --bin detainers` first")
    args.dir.mkdir(parents=True, exist_ok=True)

    files, writes = {}, {}
    for fmt, _ in FORMATS:
        # One name for every format: the content tells the format.
        folder = args.dir / fmt
        folder.mkdir(exist_ok=True)
        path = folder / "records"
        wall, rss = measure([BIN, "generate", "--out", path, "--rows", str(args.rows),
                             "--seed", str(args.seed), "--format", fmt])
        files[fmt] = path
        writes[fmt] = {"seconds": round(wall, 2), "peak_rss_mib": round(rss), "bytes": path.stat().st_size}
        warm(path)

    runs = [(fmt, engine) for fmt, _ in FORMATS for engine in ("blocks", "polars")]
    with tempfile.TemporaryDirectory() as tmp:
        times, peaks, reference = rotate(
            runs, args.repeats,
            lambda run, out: [BIN, "records", files[run[0]], "--aor", "BOS", "--engine", run[1], "--quiet", "--out", out],
            Path(tmp),
        )

    base = statistics.median(times[BASELINE])
    rows = []
    for fmt, name in FORMATS:
        for engine in ("blocks", "polars"):
            median = statistics.median(times[(fmt, engine)])
            rows.append({
                "format": name,
                "engine": engine,
                "file_bytes": writes[fmt]["bytes"],
                "median_seconds": round(median, 3),
                "ratio_to_csv_blocks": round(median / base, 2),
                "peak_rss_mib": round(peaks[(fmt, engine)]),
                "runs": [round(t, 3) for t in times[(fmt, engine)]],
            })
    result = {
        **result_header(args.seed, args.repeats, "CSV, --engine blocks"),
        "rows": args.rows,
        "rows_used": reference.get("rows_used") if reference else None,
        "writes": {name: writes[fmt] for fmt, name in FORMATS},
        "reads": rows,
    }
    target = ROOT / "bench" / "results" / "formats-bench.json"
    target.write_text(json.dumps(result, indent=2) + "\n")

    print(f"{args.rows:,} rows, seed {args.seed}, median of {args.repeats}; all runs agree "
          f"({result['rows_used']:,} rows used)\n")
    print("| format | file size | engine | median time | / CSV (blocks) | peak memory |")
    print("|---|---:|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['format']} | {r['file_bytes'] / 2**20:.1f} MiB | {r['engine']} | "
              f"{r['median_seconds']:.2f} s | {r['ratio_to_csv_blocks']:.2f}x | {r['peak_rss_mib']} MiB |")
    print("\n| format | write time (`generate --format`) | peak memory |")
    print("|---|---:|---:|")
    for fmt, name in FORMATS:
        w = writes[fmt]
        print(f"| {name} | {w['seconds']:.1f} s | {w['peak_rss_mib']} MiB |")
    print(f"\nwrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
