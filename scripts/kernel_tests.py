#!/usr/bin/env python3
"""Tests of the notebooks' kernel (notebooks/kernel): its build slots and the
library it loads stay correct across edits, concurrent kernels and crashes.

  1. an edit to the crate shows up after a kernel restart, and not before
     (a running kernel keeps the library it loaded);
  2. two notebooks executed at the same time both pass, in different slots;
  3. a notebook executed after a kernel was killed passes, in the slot the
     killed kernel held.

Run after `cargo build` and scripts/setup, as scripts/test does. The last line
is "kernel tests: N passed, N failed".
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
        self.client = NotebookClient(self.nb, kernel_name=KERNEL, timeout=1800, startup_timeout=300,
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
                set_probe(crate, "second")
                got = probe_value(kernel)
                assert got == "first", f"a running kernel changed library mid-session: {got}"
            with Kernel(env) as kernel:
                kernel.run(DEP_LINE)
                got = probe_value(kernel)
                assert got == "second", f"the edit did not show after a restart: {got}"
        finally:
            forget_shared_library()
    return "the restarted kernel loaded the edit; the running one kept its library"


def check_notebook_process(*notebooks: str) -> subprocess.Popen:
    paths = [str(NOTEBOOKS / n) for n in notebooks]
    return subprocess.Popen([sys.executable, str(ROOT / "scripts" / "check_notebooks.py"), *paths],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


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


def main() -> int:
    passed = failed = 0
    for test in (test_an_edit_shows_after_a_restart_and_not_before, test_two_notebooks_at_once,
                 test_a_notebook_after_a_killed_kernel):
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
