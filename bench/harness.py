"""What the record benchmarks share: one way to time a child process, and
one rotation of runs that holds every run to the same results."""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


# GNU time (Debian package `time`) starts the measured program from a small
# process. A child forked straight from this script would start with this
# script's own high-water mark of resident memory (Linux copies it at fork and
# keeps it across exec), so its ru_maxrss could never be below this script's
# peak: a 500 MiB buffer once held here reads as 513 MiB for /bin/true.
TIME = "/usr/bin/time"


def measure(cmd):
    """Wall seconds and peak resident memory (MiB) of one program, measured
    through GNU time; a failing program stops the benchmark with its error."""
    if not os.access(TIME, os.X_OK):
        sys.exit(f"{TIME} is missing: apt-get install time")
    with tempfile.NamedTemporaryFile() as peak, tempfile.TemporaryFile() as out, \
            tempfile.TemporaryFile() as err:
        argv = [TIME, "-f", "%M", "-o", peak.name, *(str(c) for c in cmd)]
        start = time.perf_counter()
        status = subprocess.run(argv, stdout=out, stderr=err).returncode
        wall = time.perf_counter() - start
        if status != 0:
            err.seek(0)
            sys.exit(f"FAIL {' '.join(map(str, cmd))}:\n{err.read().decode()}")
        kib = int(Path(peak.name).read_text().split()[-1])
    return wall, kib / 1024


def warm(path: Path):
    """Read a file once so that the timed runs find it in the page cache; in
    blocks, so that this script's own memory stays small."""
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def results_without_files(out_dir: Path):
    """results.json with what names the input files left out."""
    data = json.loads((out_dir / "results.json").read_text())
    data.pop("files", None)
    for m in data.get("missing_columns", []):
        m.pop("files", None)
    return data


def rotate(runs, repeats, command, work: Path):
    """Run each of `runs` `repeats` times, in rotation; command(run, out)
    gives the argv writing to the folder `out`. Every run must give the same
    results (files aside), or the benchmark stops. Returns the times and
    peak memories by run, and the shared results."""
    times = {r: [] for r in runs}
    peaks = {r: 0.0 for r in runs}
    reference = None
    for i in range(repeats):
        for run in runs:
            out = work / f"out-{'-'.join(str(p).replace(' ', '_') for p in run)}-{i}"
            wall, rss = measure(command(run, out))
            times[run].append(wall)
            peaks[run] = max(peaks[run], rss)
            got = results_without_files(out)
            if reference is None:
                reference = got
            elif got != reference:
                sys.exit(f"FAIL: {run} gives other results than the first run")
    return times, peaks, reference


def result_header(seed, repeats, baseline):
    """What every record benchmark's result file says first: the command
    timed, the seed, the repeats, the baseline, the machine and the day."""
    return {
        "command": "detainers records FILE --aor BOS --engine ENGINE --quiet",
        "seed": seed,
        "repeats": repeats,
        "baseline": baseline,
        "machine": {"cpus": os.cpu_count()},
        "date": time.strftime("%Y-%m-%d"),
    }
