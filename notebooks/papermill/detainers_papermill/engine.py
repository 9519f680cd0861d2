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
   raises ``PapermillExecutionError`` naming the cell.
3. **Jupyter's working folder**: without ``--cwd``, the kernel starts in the
   notebook's folder (as JupyterLab starts it), where its ``:dep`` path
   points; each cell has a time limit (papermill's default is none).

It is papermill's default engine in the environment it is installed in
(``--engine nbclient`` still names papermill's own) and is also named
``detainers``.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient.exceptions import CellExecutionError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillException

from .parameters import ParameterError, check_values, declared

KERNEL = "detainers"
CELL_TIMEOUT = 1800  # a cold first cell builds the library and polars: minutes on 2 cores
START_TIMEOUT = 300
# The folder papermill was started in: a different working folder at run
# time means --cwd was given, and is then the kernel's.
STARTED_IN = os.getcwd()


def repo_of(path: Path) -> Path | None:
    for folder in [path, *path.parents]:
        if (folder / "Cargo.toml").exists() and (folder / "notebooks" / "kernel" / "build.rs").exists():
            return folder
    return None


def stderr_of(cell) -> str:
    return "".join(
        "".join(o.text) if isinstance(o.text, list) else o.text
        for o in cell.get("outputs", [])
        if o.output_type == "stream" and o.name == "stderr"
    ).strip()


class DetainersClient(PapermillNotebookClient):
    """papermill's client, failing a cell that wrote to stderr."""

    def execute_cell(self, cell, cell_index, *args, **kwargs):
        result = super().execute_cell(cell, cell_index, *args, **kwargs)
        text = stderr_of(cell)
        if text and not any(o.output_type == "error" for o in cell.get("outputs", [])):
            ename = "Panic" if "panicked" in text else "Error"
            evalue = " ".join(line.strip() for line in text.splitlines() if line.strip())
            cell.outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=text.splitlines()))
            raise CellExecutionError(text, ename, evalue)
        return result


class DetainersEngine(NBClientEngine):
    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        if kernel_name != KERNEL:
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
        input_path = kwargs.pop("input_path", None)
        local = Path(input_path).resolve() if isinstance(input_path, (str, os.PathLike)) and Path(input_path).exists() else None
        repo = repo_of(local.parent) if local else None
        values = nb_man.nb.metadata.get("papermill", {}).get("parameters") or {}
        if values:
            try:
                # Relative paths are read from the repository root, as the
                # crate's set_param reads them.
                base = repo or Path.cwd()
                check_values(declared(nb_man.nb), dict(values), base, base)
            except ParameterError as e:
                raise PapermillException(str(e)) from None
        if "resources" not in kwargs and local is not None and os.getcwd() == STARTED_IN:
            kwargs["resources"] = {"metadata": {"path": str(local.parent)}}
        timeout = kwargs.pop("execution_timeout", None) or kwargs.pop("timeout", None) or CELL_TIMEOUT
        start = max(kwargs.pop("start_timeout", 60) or 60, START_TIMEOUT)
        kwargs = {k: v for k, v in kwargs.items() if k not in ("startup_timeout",)}
        return DetainersClient(
            nb_man, kernel_name=kernel_name, timeout=timeout, startup_timeout=start, **_client_kwargs(kwargs)
        ).execute()


def _client_kwargs(kwargs: dict) -> dict:
    """What papermill's own engine hands its client besides the timeouts."""
    from papermill.log import logger

    out = {"log": logger}
    for key in ("log_output", "stdout_file", "stderr_file", "resources", "autosave_cell_every"):
        if key in kwargs:
            out[key] = kwargs[key]
    return out


papermill_engines.register(KERNEL, DetainersEngine)
papermill_engines.register(None, DetainersEngine)
