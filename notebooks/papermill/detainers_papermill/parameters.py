"""A notebook's declared parameters, and the checks a value passes before
any cell runs.

A detainers notebook declares its parameters in the one code cell tagged
``parameters``, one plain typed ``let mut`` binding per line (papermill's
injected cell sets them in place), each with the comment lines above it as
its help::

    // The dataset folder: absolute, or relative to the repository root.
    let mut data_dir: PathBuf = PathBuf::from("data/boston-2018");

The checks here are the ones that need no Rust: an undeclared name, a value
of the wrong kind for the declared type, a path that does not exist, a date
that is not one. Anything else (a duplicates policy's name, a number's
range) is checked by the crate's ``set_param`` in the injected cell, which
names the parameter too.
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass
from pathlib import Path

LET = re.compile(
    r"^let\s+(?:mut\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?P<type>[^=]+?)\s*=\s*(?P<default>.+?);\s*(?://\s*(?P<help>.*))?$"
)
# The types the crate's set_param can set (src/params.rs), by the kind of
# value each takes: text, a number, an integer (with its range), a boolean.
TEXT_TYPES = {"String", "PathBuf", "NaiveDate", "Duplicates", "RequestChoice"}
FLOAT_TYPES = {"f64"}
INT_TYPES = {"i64": (-(2**63), 2**63 - 1), "usize": (0, 2**63 - 1), "u32": (0, 2**32 - 1)}


class ParameterError(ValueError):
    """A value given for a parameter that the notebook cannot take; the
    message is one line and starts with the parameter's name."""


@dataclass(frozen=True)
class Declared:
    """One ``let`` binding of a notebook's parameters cell."""

    name: str
    rust_type: str
    default: str
    help: str


def parameters_cell(nb):
    """The first code cell tagged ``parameters``, or None."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            return cell
    return None


def declared_in(source: str) -> list[Declared]:
    """The ``let`` bindings of a parameters cell's source, in order; each
    one's help is the comment block right above it (the cell's heading, a
    comment starting "Parameters", is no one's help)."""
    found, comments = [], []
    for raw in source.splitlines():
        line = raw.strip()
        if line.startswith("//"):
            text = line[2:].strip()
            if not text.startswith("Parameters"):
                comments.append(text)
            continue
        m = LET.match(line)
        if m:
            help_text = " ".join(comments + ([m["help"]] if m["help"] else []))
            found.append(Declared(m["name"], re.sub(r"\s+", "", m["type"]), m["default"], help_text))
        comments = []
    return found


def declared(nb) -> list[Declared]:
    cell = parameters_cell(nb)
    return declared_in("".join(cell.source)) if cell is not None else []


def kind(value) -> str:
    """How a value reads in a message."""
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _optional(rust_type: str) -> str | None:
    m = re.fullmatch(r"Option<(.+)>", rust_type)
    return m[1] if m else None


def _check(rust_type: str, value, repo: Path, path_base: Path) -> tuple[object, str | None]:
    """The value (a relative path made absolute against `path_base` when it
    exists there) and a problem, or None when the value fits."""
    inner = _optional(rust_type)
    if inner is not None:
        return (None, None) if value is None else _check(inner, value, repo, path_base)
    if value is None:
        return value, f"is a {rust_type}, which is not optional: None cannot be given"
    m = re.fullmatch(r"Vec<(.+)>", rust_type)
    if m:
        if isinstance(value, str):
            value = [value]  # one text value is a list of one, as set_param reads it
        if not isinstance(value, list) or not value:
            return value, f"is a {rust_type}: give a non-empty list (papermill's -y NAME '[a, b]'), not {kind(value)}"
        out = []
        for i, item in enumerate(value, 1):
            item, problem = _check(m[1], item, repo, path_base)
            if problem:
                return value, f"item {i} {problem}"
            out.append(item)
        return out, None
    if rust_type in TEXT_TYPES:
        if not isinstance(value, str):
            return value, (f"is a {rust_type}, written as text, not {kind(value)} "
                           "(papermill's -r NAME VALUE passes digits as text)")
        if rust_type == "PathBuf":
            given = Path(value).expanduser()
            if not value:
                return value, "is a path, and the text is empty"
            for base in (path_base, repo):
                found = base / given
                if found.exists():
                    if base == repo and not given.is_absolute():
                        return value, None
                    # As the notebook reads it: from the repository root
                    # when inside it (a shared page names no folder of this
                    # machine), else absolute.
                    full = Path(os.path.abspath(found))
                    return (os.path.relpath(full, repo) if full.is_relative_to(repo) else str(full)), None
            if given.is_absolute():
                where = str(given)
            elif path_base.resolve() == repo.resolve():
                where = f"{given} (not in {repo})"
            else:
                where = f"{given} (neither in {path_base} nor in {repo})"
            return value, f"names a path that does not exist: {where}"
        if rust_type == "NaiveDate":
            try:
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
                    raise ValueError
                datetime.date.fromisoformat(value.strip())
            except ValueError:
                return value, f"is a date: {value!r} is not one in the form YYYY-MM-DD"
        return value, None
    if rust_type in FLOAT_TYPES:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return value, f"is a number ({rust_type}), not {kind(value)}"
        if isinstance(value, int) and abs(value) > 2**53:
            return value, f"is a number ({rust_type}): {value} has no exact float value"
        return value, None
    if rust_type in INT_TYPES:
        if isinstance(value, bool) or not isinstance(value, int):
            return value, f"is an integer ({rust_type}), not {kind(value)}"
        low, high = INT_TYPES[rust_type]
        if value < 0 and low == 0:
            return value, f"is a count ({rust_type}): {value} is negative"
        if not low <= value <= high:
            return value, f"is an integer ({rust_type}): {value} is out of its range {low} to {high}"
        return value, None
    if rust_type == "bool":
        if not isinstance(value, bool):
            return value, f"is a boolean (True or False), not {kind(value)}"
        return value, None
    # A type this module does not know: the crate's set_param decides.
    return value, None


def check_values(params: list[Declared], values: dict, repo: Path, path_base: Path | None = None) -> dict:
    """The values, checked against the declared parameters. A path is
    looked for from `path_base` (the caller's working folder), then from the
    repository root, where the notebooks read relative paths; it is returned
    relative to the root when it lies inside the repository, else absolute
    (``~`` expanded).

    Raises ParameterError (one line naming the parameter) at the first
    value that does not fit."""
    by_name = {p.name: p for p in params}
    names = ", ".join(p.name for p in params) or "none"
    base = path_base or Path.cwd()
    out = {}
    for name, value in values.items():
        if name not in by_name:
            raise ParameterError(f"unknown parameter {name}: the notebook's parameters are {names}")
        value, problem = _check(by_name[name].rust_type, value, repo, base)
        if problem:
            raise ParameterError(f"parameter {name} {problem}")
        out[name] = value
    return out
