#!/usr/bin/env python3
"""Tests of the notebooks' kernel (notebooks/kernel): its build slots, the
library it loads, the kernel waiting in its provisioner (notebooks/kernel/pool)
and its cache of compiled cells (notebooks/kernel/evcxr-cell-cache.patch)
stay correct across edits, restarts, concurrent kernels and crashes.

Build slots and the library:
  1. an edit to the crate shows up after a kernel restart, and not before (a
     running kernel keeps the library it loaded); the kernel that was waiting
     when the edit was made is stopped, not handed over, and the cell cache
     does not answer the edited library's cell with the old library's result;
  2. two notebooks executed at the same time both pass, in different slots;
  3. a notebook executed after a kernel was killed passes, in the slot the
     killed kernel held.
The waiting kernel:
  4. the kernel started next is the one that was waiting, with the crate
     already loaded, in a build slot of its own;
  5. a restart hands over the waiting kernel too;
  6. two kernels open at once in one process: different processes and slots;
  7. a killed kernel that had been handed over leaves the next one working.
The cell cache:
  8. an unchanged cell in another kernel is loaded from the cache (no cargo
     run, no new entry) and gives the same result;
  9. an edited cell, a stored variable whose type changed and a file the
     cell reads with include_str! are compiled again, with the new result;
 10. a full cache removes its least recently used entries: with room for two
     cells, the oldest of three is compiled again and the newest is not.

Run after `cargo build` and scripts/setup, as scripts/test does; arguments,
if any, pick the tests whose names hold one of them. The last line is
"kernel tests: N passed, N failed".
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

import detainers_kernel_pool

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(ROOT / "scripts"))
from check_notebooks import DEP_LINE, KERNEL, check_errors, outputs_text  # noqa: E402

SLOT = re.compile(r"detainers kernel (\d+): build folder (\S+)")


class Kernel:
    """One kernel of the project's kernelspec, cells run one at a time."""

    def __init__(self, env: dict | None = None):
        self.nb = nbformat.v4.new_notebook()
        self.nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Rust (detainers)", "language": "rust"}
        self.client = NotebookClient(self.nb, kernel_name=KERNEL, timeout=1800, startup_timeout=1800,
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
        self.env = dict(os.environ, **(env or {}))

    def __enter__(self):
        self._context = self.client.setup_kernel(env=self.env)
        self._context.__enter__()
        return self

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)

    def run(self, source: str) -> str:
        """Run a cell; its plain-text result, or an exception with its errors."""
        cell = nbformat.v4.new_code_cell(source)
        self.nb.cells.append(cell)
        self.client.execute_cell(cell, len(self.nb.cells) - 1)
        single = nbformat.v4.new_notebook()
        single.cells = [cell]
        check_errors(single)
        if any(o.output_type == "error" for o in cell.outputs):
            raise AssertionError(f"cell failed: {outputs_text(single)}")
        return "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs).strip()

    @property
    def pid(self) -> int:
        return self.client.km.provisioner.process.pid

    def folder(self) -> str:
        """The kernel's build folder (its slot)."""
        return self.run('std::env::var("EVCXR_TMPDIR").unwrap_or_default()').strip('"')


def waiting_kernel(timeout: float = 120) -> subprocess.Popen:
    """The kernel this process's provisioner keeps waiting, once started."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        spare = detainers_kernel_pool.POOL._spare
        if spare is not None and spare.alive():
            return spare.process
        time.sleep(0.2)
    raise AssertionError("no kernel is waiting")


def cell_cache(env: dict | None = None) -> Path:
    return Path((env or {}).get("DETAINERS_CELL_CACHE") or ROOT / "target" / "evcxr" / "cells")


def cached_libraries(env: dict | None = None) -> set[str]:
    folder = cell_cache(env)
    return {p.name for p in folder.glob("*.so")} if folder.exists() else set()


def cargo_output_stamp(folder: str) -> list[int]:
    """Modification times of what cargo builds for a cell in a build folder."""
    return sorted(p.stat().st_mtime_ns for p in Path(folder).glob("target/**/deps/libctx*.so"))


def nonce() -> str:
    """A value no cell has held before, so that a cell holding it is new."""
    return f"{time.time_ns()}_{os.getpid()}"


def probe_value(kernel: Kernel) -> str:
    return kernel.run("detainers::KERNEL_PROBE").strip('"')


def copy_of_crate(into: Path, probe: str) -> Path:
    """The crate's files (not target/) in a new folder, with a marker constant."""
    crate = into / "crate"
    crate.mkdir()
    for name in ("Cargo.toml", "Cargo.lock"):
        shutil.copy2(ROOT / name, crate / name)
    for folder in ("src", "data"):
        shutil.copytree(ROOT / folder, crate / folder)
    set_probe(crate, probe)
    return crate


def set_probe(crate: Path, value: str) -> None:
    lib = crate / "src" / "lib.rs"
    text = re.sub(r"\n/// Marker for scripts/kernel_tests.py.\npub const KERNEL_PROBE.*\n", "\n", lib.read_text())
    lib.write_text(text + f'\n/// Marker for scripts/kernel_tests.py.\npub const KERNEL_PROBE: &str = "{value}";\n')


def forget_shared_library() -> None:
    """The copy builds `libdetainers.so` under the same name in the shared
    target folder; removing it makes the next kernel rebuild the real one
    (cargo would otherwise take the copy's newer file for its own)."""
    for path in (ROOT / "target" / "debug" / "libdetainers.so", ROOT / "target" / "debug" / "deps" / "libdetainers.so"):
        path.unlink(missing_ok=True)


def test_an_edit_shows_after_a_restart_and_not_before() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        crate = copy_of_crate(Path(tmp), "first")
        env = {"DETAINERS_KERNEL_CRATE": str(crate)}
        try:
            with Kernel(env) as kernel:
                kernel.run(DEP_LINE)
                assert probe_value(kernel) == "first"
                # The next kernel is started while this one runs, before the edit.
                waiting = waiting_kernel()
                set_probe(crate, "second")
                got = probe_value(kernel)
                assert got == "first", f"a running kernel changed library mid-session: {got}"
            with Kernel(env) as kernel:
                assert kernel.pid != waiting.pid, "the kernel started before the edit was handed over after it"
                deadline = time.time() + 15  # it is stopped in the background
                while waiting.poll() is None and time.time() < deadline:
                    time.sleep(0.2)
                assert waiting.poll() is not None, "the kernel started before the edit is still running"
                kernel.run(DEP_LINE)
                before = cached_libraries()
                got = probe_value(kernel)
                assert got == "second", f"the edit did not show after a restart: {got}"
                added = cached_libraries() - before
                assert len(added) == 1, f"the probe cell against the edited library left {len(added)} new cache entries"
        finally:
            forget_shared_library()
    return ("the restarted kernel loaded the edit, compiled its cell again, and was not the one waiting "
            "since before the edit (stopped); the running one kept its library")


def check_notebook_process(*notebooks: str) -> subprocess.Popen:
    """check_notebooks.py in a process of its own, which keeps no kernel
    waiting: the build folders it reports are those of its notebooks."""
    paths = [str(NOTEBOOKS / n) for n in notebooks]
    return subprocess.Popen([sys.executable, str(ROOT / "scripts" / "check_notebooks.py"), *paths],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, DETAINERS_KERNEL_POOL="0"))


def finish(process: subprocess.Popen) -> tuple[str, list[str]]:
    out, err = process.communicate(timeout=1800)
    if process.returncode != 0:
        raise AssertionError(f"check_notebooks failed:\n{out}\n{err[-2000:]}")
    return out, [m.group(2) for m in SLOT.finditer(err)]


def test_two_notebooks_at_once() -> str:
    a = check_notebook_process("01-reproduce-the-report.ipynb")
    b = check_notebook_process("03-checking-the-claims.ipynb")
    (_, slots_a), (_, slots_b) = finish(a), finish(b)
    assert len(slots_a) == len(slots_b) == 1, (slots_a, slots_b)
    assert slots_a != slots_b, f"two kernels shared {slots_a[0]}"
    return f"both passed, in {Path(slots_a[0]).name} and {Path(slots_b[0]).name}"


def test_a_notebook_after_a_killed_kernel() -> str:
    with Kernel() as kernel:
        kernel.run(DEP_LINE + "\nuse detainers::prelude::*;")
        folder = kernel.run('std::env::var("EVCXR_TMPDIR").unwrap_or_default()').strip('"')
        # A crash: the kernel process dies without shutting down.
        os.kill(kernel.pid, signal.SIGKILL)
        time.sleep(1)
    _, slots = finish(check_notebook_process("02-how-sure-can-we-be.ipynb"))
    assert slots == [folder], f"the killed kernel held {folder}; the next kernel used {slots}"
    return f"the next kernel took {Path(folder).name}, released by the killed one, and passed"


def test_the_waiting_kernel_is_handed_over() -> str:
    with Kernel() as first:
        first.run(DEP_LINE)
        first_folder = first.folder()
        waiting = waiting_kernel()
    with Kernel() as kernel:
        assert kernel.pid == waiting.pid, f"kernel {kernel.pid} was started, {waiting.pid} was waiting"
        # No `:dep` cell: the init script loaded the crate before the kernel was handed over.
        name = kernel.run("std::any::type_name::<detainers::prelude::Dataset>()").strip('"')
        assert name.startswith("detainers::") and name.endswith("Dataset"), name
        folder = kernel.folder()
        assert folder != first_folder, f"the waiting kernel shared {folder} with the kernel running beside it"
    return f"kernel {waiting.pid} was waiting in {Path(folder).name} and answered a cell naming the crate without a :dep"


def test_a_restart_gets_the_waiting_kernel() -> str:
    from jupyter_client.manager import KernelManager
    km = KernelManager(kernel_name=KERNEL)
    km.start_kernel(cwd=str(NOTEBOOKS), env=dict(os.environ))
    try:
        first = km.provisioner.process.pid
        waiting = waiting_kernel()
        km.restart_kernel(now=True)
        after = km.provisioner.process.pid
        assert after == waiting.pid, f"the restart started {after}; {waiting.pid} was waiting"
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=600)
            results: list[str] = []

            def keep(msg):
                if msg["msg_type"] == "execute_result":
                    results.append(msg["content"]["data"].get("text/plain", ""))

            reply = kc.execute_interactive("6 * 7", output_hook=keep, timeout=600)
            assert reply["content"]["status"] == "ok" and results == ["42"], (reply["content"], results)
        finally:
            kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)
    return f"kernel {first} restarted as {after}, the one waiting, which answered 6 * 7 = 42"


def test_two_kernels_at_once_in_one_process() -> str:
    with Kernel() as a, Kernel() as b:
        pids = a.pid, b.pid
        assert pids[0] != pids[1]
        folders = {a.folder(), b.folder()}
        assert len(folders) == 2, f"two kernels shared {folders}"
        assert a.run("1 + 1") == "2" and b.run("2 + 2") == "4"
    return f"kernels {pids[0]} and {pids[1]} in {', '.join(sorted(Path(f).name for f in folders))}"


def test_after_a_handed_over_kernel_is_killed() -> str:
    with Kernel() as first:
        waiting_kernel()
    with Kernel() as kernel:
        killed = kernel.pid
        os.kill(killed, signal.SIGKILL)
        time.sleep(1)
    with Kernel() as kernel:
        pid = kernel.pid
        assert pid != killed
        assert kernel.run("3 * 3") == "9"
    return f"kernel {killed} was killed; the next one, {pid}, answered"


def test_an_unchanged_cell_is_loaded_not_compiled() -> str:
    source = f'format!("unchanged {nonce()}")'
    with Kernel() as kernel:
        before = cached_libraries()
        first = kernel.run(source)
        added = cached_libraries() - before
        assert len(added) == 1, f"a new cell left {len(added)} cache entries"
    with Kernel() as kernel:
        folder = kernel.folder()
        stamp = cargo_output_stamp(folder)
        before = cached_libraries()
        again = kernel.run(source)
        assert again == first, (first, again)
        assert cached_libraries() == before, "the unchanged cell was stored again"
        assert cargo_output_stamp(folder) == stamp, "cargo built the unchanged cell again"
    return f"compiled once ({first}); in the next kernel loaded from the cache, with no cargo run"


def test_an_edited_cell_and_a_changed_type_are_compiled() -> str:
    word = nonce()
    with Kernel() as kernel:
        kernel.run(f'format!("{word} one")')
        before = cached_libraries()
        edited = kernel.run(f'format!("{word} two")')
        assert edited == f'"{word} two"', edited
        assert len(cached_libraries() - before) == 1, "the edited cell was not compiled"
        # The same text over a stored variable whose type changed.
        kernel.run(f"let v{word}: i64 = 2;")
        as_int = kernel.run(f'format!("{{:?}}", v{word})')
        kernel.run(f"let v{word}: f64 = 2.0;")
        before = cached_libraries()
        as_float = kernel.run(f'format!("{{:?}}", v{word})')
        assert (as_int, as_float) == ('"2"', '"2.0"'), (as_int, as_float)
        assert len(cached_libraries() - before) == 1, "the cell over a changed type was not compiled"
        # The same text reading a file that changed (include_str!).
        with tempfile.TemporaryDirectory() as tmp:
            read = Path(tmp) / "read.txt"
            read.write_text("first")
            cell = f'include_str!("{read}")'
            first = kernel.run(cell)
            time.sleep(0.05)
            read.write_text("second")
            second = kernel.run(cell)
            assert (first, second) == ('"first"', '"second"'), (first, second)
    return ("an edited literal, a variable of a new type and a file read by include_str! each compiled "
            "their cell again, with the new result")


def test_a_full_cache_drops_the_least_recently_used() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        env = {"DETAINERS_CELL_CACHE": tmp}
        word = nonce()
        cells = [f'format!("{word} {n}")' for n in range(3)]
        files = []
        with Kernel(env) as kernel:
            kernel.folder()  # cached too: the second kernel asks it before its cells
            for cell in cells:
                before = {p.name for p in cache.glob("*.so")}
                kernel.run(cell)
                (added,) = {p.name for p in cache.glob("*.so")} - before
                files.append(cache / added)
        # The three cells used least recently, the oldest first; what the
        # kernel's start stores is newer.
        now = time.time()
        for path in cache.glob("*.so"):
            os.utime(path, (now, now))
        for age, path in zip((300, 200, 100), files):
            os.utime(path, (now - age, now - age))
        total = sum(p.stat().st_size for p in cache.glob("*.so"))
        bound = total - files[0].stat().st_size
        env["EVCXR_CELL_CACHE_BYTES"] = str(bound)
        with Kernel(env) as kernel:
            # The kernel's first build stores again what it built (same size);
            # the cache, one cell over its bound, drops the oldest cell.
            assert [p.exists() for p in files] == [False, True, True], [p.exists() for p in files]
            folder = kernel.folder()
            stamp = cargo_output_stamp(folder)
            kernel.run(cells[2])
            assert cargo_output_stamp(folder) == stamp, "the newest cell was compiled again"
            kernel.run(cells[0])
            assert cargo_output_stamp(folder) != stamp, "the dropped cell was not compiled again"
            key = files[0].name.split(".", 1)[0]  # the file's name also holds the entry point's build number
            assert list(cache.glob(f"{key}.*.so")), "the dropped cell was not stored again"
    return (f"with a bound of {bound} bytes the oldest of three cells was dropped and "
            "compiled again; the newest was loaded")


def main() -> int:
    passed = failed = 0
    for test in (test_an_edit_shows_after_a_restart_and_not_before, test_two_notebooks_at_once,
                 test_a_notebook_after_a_killed_kernel, test_the_waiting_kernel_is_handed_over,
                 test_a_restart_gets_the_waiting_kernel, test_two_kernels_at_once_in_one_process,
                 test_after_a_handed_over_kernel_is_killed, test_an_unchanged_cell_is_loaded_not_compiled,
                 test_an_edited_cell_and_a_changed_type_are_compiled,
                 test_a_full_cache_drops_the_least_recently_used):
        if sys.argv[1:] and not any(word in test.__name__ for word in sys.argv[1:]):
            continue
        start = time.time()
        try:
            detail = test()
        except Exception as e:  # a failed assertion or a kernel that would not start
            print(f"FAIL {test.__name__}: {e}")
            failed += 1
            continue
        print(f"ok   {test.__name__}: {time.time() - start:.0f} s, {detail}")
        passed += 1
    print(f"kernel tests: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
