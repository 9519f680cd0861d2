"""papermill's engine for the notebooks' Rust kernel.

papermill finds this module through its "papermill.engine" entry point when
it starts, which also registers the Rust translator (see ``__init__``). For
a notebook on the ``detainers`` kernel the engine adds three things to
papermill's own nbclient engine; any other kernel runs exactly as before:

1. **Parameters checked before a kernel starts**: a name the notebook does
   not declare, a value of the wrong kind, a path or a date that is not one
   stop the run with one line naming the parameter.
2. **A failing cell stops the run**: the evcxr kernel reports a panic, and
   an error returned by ``?``, only as text on stderr with a successful
   reply, so papermill would carry on; here any stderr text is the cell's
   error, written into the notebook as an error output, and papermill
   raises ``PapermillExecutionError`` naming the cell. That text can reach
   Jupyter after its cell has ended, or not at all, so the injected cell's
   own result must say "Parameters set:" (the crate's ``set_params``), or
   the run stops there.
3. **Jupyter's working folder**: when the working folder has no ``kernel/``
   (the crate the notebooks' ``:dep`` path names) and the notebook's folder
   has, the kernel starts in the notebook's folder, as JupyterLab starts it;
   a ``--cwd`` that has ``kernel/`` is kept. Each cell has a time limit
   (papermill's default is none), and a cell that runs out of time, or a
   kernel that dies, fails that cell as an error does.

It is papermill's default engine in the environment it is installed in
(``--engine nbclient`` still names papermill's own) and is also named
``detainers``.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillException

from .parameters import ParameterError, check_values, declared

KERNEL = "detainers"
CELL_TIMEOUT = 1800  # a cold first cell builds the library and polars: minutes on 2 cores
# At least this long for a kernel to start: a kernel builds the library it
# loads as it starts (its init script), minutes after an edit to src/ on 2
# cores, and the first kernel of a fresh machine installs rust-src for
# rust-analyzer (papermill's default is 60 s).
START_TIMEOUT = 1800
# The folder papermill was started in: a relative notebook path is read
# from it (papermill has changed to --cwd by the time the engine runs).
STARTED_IN = Path.cwd()


def repo_of(path: Path) -> Path | None:
    for folder in [path, *path.parents]:
        if (folder / "Cargo.toml").exists() and (folder / "notebooks" / "kernel" / "build.rs").exists():
            return folder
    return None


# This package's clone (it is installed editable, from notebooks/papermill/):
# the repository when the notebook's own cannot be found.
HOME_REPO = repo_of(Path(__file__).resolve())


def stderr_of(cell) -> str:
    return "".join(
        "".join(o.text) if isinstance(o.text, list) else o.text
        for o in cell.get("outputs", [])
        if o.output_type == "stream" and o.name == "stderr"
    ).strip()


class DetainersClient(PapermillNotebookClient):
    """papermill's client, failing a cell that wrote to stderr."""

    def execute_cell(self, cell, cell_index, *args, **kwargs):
        try:
            result = super().execute_cell(cell, cell_index, *args, **kwargs)
        except CellTimeoutError:
            # Free the kernel (evcxr ends the process running the cell): papermill
            # asks it for its language next, within one cell's time limit.
            try:
                run_sync(self.km.interrupt_kernel)()
            except Exception:  # a kernel that cannot be interrupted is stopped with the run
                pass
            fail(cell, "Timeout", f"the cell ran longer than {self.timeout} s")
        except DeadKernelError as e:
            fail(cell, "DeadKernel", f"the kernel died while the cell ran ({str(e).strip() or 'no reason given'})")
        text = stderr_of(cell)
        if text and not any(o.output_type == "error" for o in cell.get("outputs", [])):
            fail(cell, "Panic" if "panicked" in text else "Error", text)
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            # The cell's result says whether the values were set; an error
            # evcxr sent only to stderr may arrive after the cell, or never.
            shown = result_text(cell)
            if not shown.startswith("Parameters set:"):
                fail(cell, "ParameterError", shown.removeprefix("Parameters not set: ")
                     or "the injected parameters cell showed no result: its values may not be set")
        return result


def result_text(cell) -> str:
    for out in cell.get("outputs", []):
        if out.output_type == "execute_result":
            text = out.get("data", {}).get("text/plain", "")
            return ("".join(text) if isinstance(text, list) else text).strip()
    return ""


def fail(cell, ename: str, text: str):
    """Record the cell's failure as an error output, which papermill reports
    with the cell, and stop the run there."""
    evalue = " ".join(line.strip() for line in text.splitlines() if line.strip())
    cell.outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=text.splitlines()))
    raise CellExecutionError(text, ename, evalue)


class DetainersEngine(NBClientEngine):
    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        if kernel_name != KERNEL:
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
        input_path = kwargs.pop("input_path", None)
        local = None
        if isinstance(input_path, (str, os.PathLike)):
            candidate = STARTED_IN / input_path
            local = candidate.resolve() if candidate.exists() else None
        repo = (repo_of(local.parent) if local else None) or HOME_REPO
        values = nb_man.nb.metadata.get("papermill", {}).get("parameters") or {}
        if values:
            try:
                # Relative paths are read from the repository root, as the
                # crate's set_param reads them.
                base = repo or Path.cwd()
                check_values(declared(nb_man.nb), dict(values), base, base)
            except ParameterError as e:
                raise PapermillException(str(e)) from None
        here = Path.cwd()
        if ("resources" not in kwargs and local is not None and not (here / "kernel").is_dir()
                and (local.parent / "kernel").is_dir()):
            kwargs["resources"] = {"metadata": {"path": str(local.parent)}}
        timeout = kwargs.pop("execution_timeout", None) or kwargs.pop("timeout", None) or CELL_TIMEOUT
        kwargs.pop("timeout", None)
        start = max(kwargs.pop("start_timeout", None) or 0, kwargs.pop("startup_timeout", None) or 0, START_TIMEOUT)
        from papermill.log import logger

        kwargs.setdefault("log", logger)
        return DetainersClient(nb_man, kernel_name=kernel_name, timeout=timeout, startup_timeout=start, **kwargs).execute()


papermill_engines.register(KERNEL, DetainersEngine)
papermill_engines.register(None, DetainersEngine)
