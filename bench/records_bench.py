#!/usr/bin/env python3
"""Benchmark the record-level aggregation on a large synthetic detainer file.

One run measures, on the same file and in the same session:

  floor          cat FILE > /dev/null (reading the bytes, nothing else)
  rust           target/release/detainers records FILE --aor ... --from ... --to ...
                 (the default block engine), and the same binary with
                 --engine polars (polars' streaming CSV reader, the crate's
                 reference engine)
                 (and any further builds given with --rust-bin LABEL=PATH, e.g.
                 one compiled for x86-64-v3, the CPU level of Python polars' wheel)
  python-polars  the same query in Python polars (lazy scan, streaming engine)
  pandas         the same query in pandas (read_csv in chunks of 1,000,000 rows)
  rust, --by aor the default build and engine with every area counted beside
                 the selection (`by_area`), to price the grouping against the
                 same run without it

With --rust-only, the Python tools are left out (the Rust runs still agree
with each other).

Each tool runs in its own process, REPEATS times, in rotation; the table gives
the median wall time and the largest peak resident memory (ru_maxrss of the
child). The file is read once first so every tool starts from a warm page
cache. The three aggregations must agree on every count, or the run fails.

Usage:
  python bench/records_bench.py [--size 1G] [--seed 2018] [--repeats 3]
                                [--rust-bin "rust (x86-64-v3)=target/v3/release/detainers"]
Writes bench/results/records-bench.json (records-bench-rust.json with
--rust-only) and prints a Markdown table.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "detainers"
FILTERS = {"aor": "BOS", "label": "Boston Area of Responsibility", "from": "2016-10-01", "to": "2025-09-30"}
USED = [
    "detainer_prepare_date", "facility_aor", "facility_state", "case_category", "entry_status",
    "final_order_yes_no", "illegal_reentry_yes_no", "detainer_lift_reason", "duplicate_likely",
]
DECLINED = "detainer declined by lea"
POLARS_ENGINE = "rust, --engine polars (this crate's reference engine)"
BY_AOR = "rust, --by aor (every area beside the selection)"


def norm(v):
    if v is None:
        return None
    s = " ".join(str(v).split())
    return s or None


def crosswalk_rules():
    import csv
    with open(ROOT / "data" / "crosswalk" / "status_groups.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rows.sort(key=lambda r: int(r["rule"]))
    return [(r["field"], r["match"], norm(r["value"]).lower(), r["group"]) for r in rows]


def group_of(rules, rec):
    for field, match, value, group in rules:
        v = rec.get(field)
        if v is None:
            continue
        v = v.lower()
        if (match == "contains" and value in v) or (match == "equals" and v == value):
            return group
    return "Not mapped"


REASONS = ["short_row", "missing_date", "unparseable_date", "outside_dates", "outside_aor", "outside_state", "duplicate_likely"]


def summarise(combos):
    """combos: dicts with reason (0 = used, else 1 + index in REASONS),
    year_month and the raw labels of used rows, and rows. Mirrors
    records::summarise."""
    rules = crosswalk_rules()
    out = {"rows_read": 0, "rows_used": 0, "declined": 0, "excluded": {}, "groups": {}, "months": {}}
    for c in combos:
        n = int(c["rows"])
        out["rows_read"] += n
        if int(c["reason"]) > 0:
            name = REASONS[int(c["reason"]) - 1]
            out["excluded"][name] = out["excluded"].get(name, 0) + n
            continue
        out["rows_used"] += n
        rec = {k: norm(c[k]) for k in ("case_category", "entry_status", "final_order_yes_no", "illegal_reentry_yes_no")}
        g = group_of(rules, rec)
        out["groups"][g] = out["groups"].get(g, 0) + n
        ym = int(c["year_month"])
        m = f"{ym // 100:04d}-{ym % 100:02d}"
        d = n if (norm(c["detainer_lift_reason"]) or "").lower() == DECLINED else 0
        out["declined"] += d
        prev = out["months"].get(m, [0, 0])
        out["months"][m] = [prev[0] + n, prev[1] + d]
    return out


def day_key(text):
    y, m, d = text.split("-")
    return int(y) * 10000 + int(m) * 100 + int(d)


DETAIL = ["case_category", "entry_status", "final_order_yes_no", "illegal_reentry_yes_no", "detainer_lift_reason", "duplicate_likely"]


def run_python_polars(path):
    """The same query as records::aggregation_query, written for Python polars."""
    import polars as pl
    with open(path, encoding="utf-8") as f:
        header = f.readline()
    names = [h.strip().strip('"') for h in header.rstrip("\n").split(",")]
    schema = {n: pl.String for n in names}
    raw = pl.col("detainer_prepare_date")
    date = raw.str.to_date("%Y-%m-%d", strict=False, exact=True)
    day = date.dt.year() * 10000 + date.dt.month().cast(pl.Int32) * 100 + date.dt.day().cast(pl.Int32)
    in_dates = ((day >= day_key(FILTERS["from"])) & (day <= day_key(FILTERS["to"]))).fill_null(False)
    reason = (
        pl.when(pl.col(names[-1]).is_null()).then(1)
        .when(raw.is_null() | (raw == "")).then(2)
        .when(date.is_null()).then(3)
        .when(~in_dates).then(4)
        .when((pl.col("facility_aor") == FILTERS["label"]).fill_null(False).not_()).then(5)
        .when(pl.col("duplicate_likely").is_in(["TRUE", "True", "true"]).fill_null(False)).then(7)
        .otherwise(0).cast(pl.UInt8)
    )
    used = pl.col("reason") == 0
    q = (
        pl.scan_csv(path, schema=schema, null_values={c: "NA" for c in USED})
        .select(
            reason.alias("reason"),
            (date.dt.year() * 100 + date.dt.month().cast(pl.Int32)).alias("year_month"),
            *[pl.col(k) for k in DETAIL],
        )
        .select(
            "reason",
            pl.when(used).then(pl.col("year_month")).alias("year_month"),
            *[pl.when(used).then(pl.col(k)).alias(k) for k in DETAIL],
        )
        .group_by(["reason", "year_month", *DETAIL])
        .agg(pl.len().alias("rows"))
    )
    df = q.collect(engine="streaming")
    return summarise(df.iter_rows(named=True))


def run_pandas(path):
    """The same aggregation in pandas, in chunks of 1,000,000 rows."""
    import pandas as pd
    import numpy as np
    lo, hi = day_key(FILTERS["from"]), day_key(FILTERS["to"])
    with open(path, encoding="utf-8") as f:
        last = f.readline().rstrip("\n").split(",")[-1].strip('"')
    total = None
    for chunk in pd.read_csv(
        path, usecols=[*USED, last], dtype=str, keep_default_na=False,
        na_values={c: ["NA", ""] for c in USED} | {last: [""]}, chunksize=1_000_000,
    ):
        raw = chunk["detainer_prepare_date"]
        date = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
        day = (date.dt.year * 10000 + date.dt.month * 100 + date.dt.day).fillna(-1).astype("int64")
        reason = np.select(
            [chunk[last].isna(), raw.isna(), date.isna(), ~((day >= lo) & (day <= hi)),
             chunk["facility_aor"].ne(FILTERS["label"]) | chunk["facility_aor"].isna(),
             chunk["duplicate_likely"].isin(["TRUE", "True", "true"])],
            [1, 2, 3, 4, 5, 7], default=0,
        )
        frame = chunk[DETAIL].copy()
        frame["reason"] = reason
        frame["year_month"] = (date.dt.year * 100 + date.dt.month).fillna(-1).astype("int64")
        frame.loc[frame["reason"] != 0, [*DETAIL, "year_month"]] = None
        counts = frame.groupby(["reason", "year_month", *DETAIL], dropna=False).size()
        total = counts if total is None else total.add(counts, fill_value=0)
    out = total.rename("rows").reset_index()
    out = out.astype(object).where(out.notna(), None)
    return summarise(out.to_dict("records"))


def measure(cmd):
    """Wall seconds and peak RSS (MiB) of a child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out = proc.stdout.read().decode()
    err = proc.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"FAIL {' '.join(map(str, cmd))}:\n{err}")
    return wall, usage.ru_maxrss / 1024, out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="1G")
    ap.add_argument("--seed", type=int, default=2018)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--file", type=Path, default=ROOT / "out" / "bench" / "detainers-synthetic.csv")
    ap.add_argument("--rust-bin", action="append", default=[], metavar="LABEL=PATH",
                    help="another build of the detainers binary to time beside target/release")
    ap.add_argument("--rust-only", action="store_true", help="leave out python-polars and pandas")
    ap.add_argument("--worker", choices=["python-polars", "pandas"], help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker:
        fn = run_python_polars if args.worker == "python-polars" else run_pandas
        print(json.dumps(fn(str(args.file))))
        return

    bins = {"rust (this crate)": BIN}
    for spec in args.rust_bin:
        label, sep, path = spec.partition("=")
        if not sep or not label or not path:
            sys.exit(f"--rust-bin wants LABEL=PATH, got {spec!r}")
        bins[label] = (ROOT / path).resolve()
    for label, path in bins.items():
        if not path.exists():
            sys.exit(f"missing {path} ({label}): build it first (see BENCHMARKS.md)")
    args.file.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([BIN, "generate", "--out", args.file, "--size", args.size, "--seed", str(args.seed)], check=True)
    size = args.file.stat().st_size
    subprocess.run(["cat", str(args.file)], stdout=subprocess.DEVNULL, check=True)  # warm the page cache

    def rust_out(label):
        return ROOT / "out" / "bench" / ("rust-records-" + "".join(c if c.isalnum() else "-" for c in label))

    tools = {"floor (cat)": ["sh", "-c", f"cat '{args.file}' > /dev/null"]}
    def rust_cmd(path, label, *extra):
        return [path, "records", args.file, "--aor", FILTERS["aor"], "--from", FILTERS["from"],
                "--to", FILTERS["to"], "--out", rust_out(label), "--quiet", *extra]

    for label, path in bins.items():
        tools[label] = rust_cmd(path, label)
    tools[POLARS_ENGINE] = rust_cmd(BIN, POLARS_ENGINE, "--engine", "polars")
    tools[BY_AOR] = rust_cmd(BIN, BY_AOR, "--by", "aor")
    if not args.rust_only:
        tools |= {
            "python-polars": [sys.executable, __file__, "--worker", "python-polars", "--file", args.file],
            "pandas": [sys.executable, __file__, "--worker", "pandas", "--file", args.file],
        }
    runs = {name: [] for name in tools}
    outputs = {}
    for _ in range(args.repeats):
        for name, cmd in tools.items():
            wall, rss, out = measure([str(c) for c in cmd])
            runs[name].append((wall, rss))
            outputs[name] = out
            print(f"  {name}: {wall:.2f} s, {rss:.0f} MiB", file=sys.stderr)

    # Every aggregation must agree with the first Rust build's.
    rust = json.loads((rust_out("rust (this crate)") / "results.json").read_text())
    for label in [*list(bins)[1:], POLARS_ENGINE]:
        if json.loads((rust_out(label) / "results.json").read_text()) != rust:
            sys.exit(f"FAIL: {label} and rust (this crate) disagree")
    grouped = json.loads((rust_out(BY_AOR) / "results.json").read_text())
    if not grouped["by_area"]:
        sys.exit("FAIL: --by aor wrote no by_area")
    if {**grouped, "by": None, "by_area": []} != rust:
        sys.exit("FAIL: --by aor changed the main results")
    expected = {
        "rows_read": rust["rows_read"],
        "rows_used": rust["rows_used"],
        "declined": rust["declined_by_lea"]["count"],
        "groups": {g["group"]: g["detainers"] for g in rust["by_status_group"] if g["detainers"]},
        "months": {m["month"]: [m["detainers"], m["declined_by_lea"]] for m in rust["by_month"] if m["detainers"]},
        "excluded": {k: v for k, v in rust["rows_excluded"].items() if v},
    }
    for name in () if args.rust_only else ("python-polars", "pandas"):
        got = json.loads(outputs[name])
        got = {k: got[k] for k in expected}
        if got != expected:
            for k in expected:
                if got[k] != expected[k]:
                    print(f"{name} differs on {k}: {got[k]!r} vs rust {expected[k]!r}", file=sys.stderr)
            sys.exit(f"FAIL: {name} and rust disagree")

    def summary(name):
        walls = [w for w, _ in runs[name]]
        return {"median_s": statistics.median(walls), "runs_s": walls, "peak_rss_mib": max(r for _, r in runs[name])}

    table = {name: summary(name) for name in tools}
    base = table["python-polars"]["median_s"] if not args.rust_only else table["rust (this crate)"]["median_s"]
    base_name = "rust (this crate)" if args.rust_only else "python-polars"
    result = {
        "file_bytes": size,
        "rows": rust["rows_read"],
        "seed": args.seed,
        "filters": FILTERS,
        "repeats": args.repeats,
        "cpus": os.cpu_count(),
        "python_polars_version": None if args.rust_only else __import__("polars").__version__,
        "pandas_version": None if args.rust_only else __import__("pandas").__version__,
        "tools": table,
        "baseline": base_name,
        "over_baseline": {label: table[label]["median_s"] / base for label in table},
        "by_aor_over_plain": table[BY_AOR]["median_s"] / table["rust (this crate)"]["median_s"],
        "rust_builds": {label: str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
                        for label, path in bins.items()},
        "agreement": "every rust build, python-polars and pandas agree on rows read/used, exclusions, groups, months and declines",
    }
    name = "records-bench-rust.json" if args.rust_only else "records-bench.json"
    out = ROOT / "bench" / "results" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"file: {size / 2**30:.2f} GiB, {rust['rows_read']:,} rows; {args.repeats} runs each, median wall time\n")
    print(f"| tool | median wall (s) | vs {base_name} | peak memory (MiB) |")
    print("|---|---:|---:|---:|")
    for name, t in table.items():
        print(f"| {name} | {t['median_s']:.2f} | {t['median_s'] / base:.2f}x | {t['peak_rss_mib']:.0f} |")
    print(f"\n--by aor costs {result['by_aor_over_plain']:.2f}x the same run without it")
    print(f"\nwrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
