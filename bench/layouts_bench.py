#!/usr/bin/env python3
"""What reading a file through a layout's column map costs.

One run makes a large synthetic record file in the canonical layout
(`detainers generate --size`), then the same bytes with only the header
renamed into another published layout's names, and times
`detainers records FILE --aor BOS --quiet` on both, with each engine, in
rotation in the same session:

  canonical      the Deportation Data Project's 2025 names (the baseline)
  renamed        the same file under the August 2026 raw names
                 (detainer_prepared_date, aor, state, city): a map that is
                 not the identity, found from the header
  two sources    the same file with the area's column named detainer_aor and
                 an empty facility_aor column added after it, read with
                 --columns facility_aor=detainer_aor|facility_aor: every
                 row's area taken from the first of two sources it fills
                 (as DDP's historical layout is read)

Every run must give the same results.json (files aside), or the run fails.
The table gives median wall time and its ratio to the canonical layout with
the same engine, and the peak resident memory.

Usage: python bench/layouts_bench.py [--size 1G] [--seed 2018] [--repeats 3]
Writes bench/results/layouts-bench.json and prints a Markdown table.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from harness import result_header, rotate, warm  # noqa: E402
BIN = ROOT / "target" / "release" / "detainers"

# Canonical name -> the August 2026 raw name (DDP's script version that keeps
# ICE's names; data/crosswalk/layout_columns.csv, layout ddp-2026-08-raw-names).
RAW_NAMES = {
    "detainer_prepare_date": "detainer_prepared_date",
    "facility_aor": "aor",
    "facility_state": "state",
    "facility_city": "city",
}


def rewrite_header(src: Path, dst: Path, header_of):
    """Copy `src` to `dst` with its first line replaced by header_of(names),
    and each data line changed by the same function's row rule."""
    with open(src, "rb") as f, open(dst, "wb") as out:
        names = f.readline().decode().rstrip("\n").split(",")
        new_header, row_rule = header_of(names)
        out.write((",".join(new_header) + "\n").encode())
        if row_rule is None:
            while chunk := f.read(1 << 24):
                out.write(chunk)
        else:
            for line in f:
                out.write(row_rule(line))


def renamed(names):
    return [f'"{RAW_NAMES[n.strip(chr(34))]}"' if n.strip('"') in RAW_NAMES else n for n in names], None


def two_sources(names):
    at = [n.strip('"') for n in names].index("facility_aor")
    header = names[:at] + ['"detainer_aor"', '"facility_aor"'] + names[at + 1:]

    def rule(line: bytes) -> bytes:
        # Insert an empty field after the area's: split on the first `at`
        # commas outside quotes.
        fields, start, quoted, count = [], 0, False, 0
        for i, b in enumerate(line):
            if b == 0x22:
                quoted = not quoted
            elif b == 0x2C and not quoted:
                count += 1
                if count == at + 1:
                    return line[:i] + b",NA" + line[i:]
        return line
    return header, rule


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1G")
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not BIN.exists():
        sys.exit(f"build the binary first: cargo build --release ({BIN} is missing)")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = {"canonical": tmp / "canonical.csv"}
        subprocess.run([BIN, "generate", "--out", files["canonical"], "--size", args.size, "--seed", str(args.seed)],
                       check=True, stderr=subprocess.DEVNULL)
        files["renamed"] = tmp / "renamed.csv"
        rewrite_header(files["canonical"], files["renamed"], renamed)
        files["two sources"] = tmp / "two-sources.csv"
        rewrite_header(files["canonical"], files["two sources"], two_sources)
        for f in files.values():
            warm(f)

        extra = {"two sources": ["--columns", "facility_aor=detainer_aor|facility_aor"]}
        runs = [(layout, engine) for layout in files for engine in ("blocks", "polars")]
        times, peaks, reference = rotate(
            runs, args.repeats,
            lambda run, out: [BIN, "records", files[run[0]], "--aor", "BOS", "--engine", run[1], "--quiet",
                              "--out", out, *extra.get(run[0], [])],
            tmp,
        )
        size = files["canonical"].stat().st_size

    rows = []
    for layout, engine in runs:
        median = statistics.median(times[(layout, engine)])
        base = statistics.median(times[("canonical", engine)])
        rows.append({
            "layout": layout,
            "engine": engine,
            "median_seconds": round(median, 3),
            "ratio_to_canonical": round(median / base, 3),
            "peak_rss_mib": round(peaks[(layout, engine)]),
            "runs": [round(t, 3) for t in times[(layout, engine)]],
        })
    result = {
        **result_header(args.seed, args.repeats, "the canonical layout, same engine"),
        "file_bytes": size,
        "rows_read": reference.get("rows_read") if reference else None,
        "reads": rows,
    }
    target = ROOT / "bench" / "results" / "layouts-bench.json"
    target.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{size / 2**30:.2f} GiB, {result['rows_read']:,} rows, seed {args.seed}, median of {args.repeats}; "
          "all runs give the same results\n")
    print("| layout | engine | median time | / canonical, same engine | peak memory |")
    print("|---|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['layout']} | {r['engine']} | {r['median_seconds']:.2f} s | {r['ratio_to_canonical']:.3f}x | "
              f"{r['peak_rss_mib']} MiB |")
    print(f"\nwrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
