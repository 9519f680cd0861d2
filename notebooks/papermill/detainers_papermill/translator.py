"""papermill's translator for the notebooks' Rust kernel.

Each value becomes a Rust literal whose type says what was given (text as
a string literal, an integer as ``7_i64``, a float as ``0.7_f64``, a
boolean, None as ``()``, a list as an array), passed with the notebook's
own binding to the crate's ``set_param``, which sets the binding in place
(the notebook declares it ``let mut``), reading the value as the declared
type; the cell's value says whether every value was set::

    // Parameters
    detainers::set_params(&["honored_share"], || {
        detainers::set_param("honored_share", &mut honored_share, 0.7_f64)?;
        Ok(())
    })

A string is escaped so that whatever it holds stays data: every character
but printable ASCII is written as a ``\\u{…}`` escape, and quotes and
backslashes are escaped, so no value can end the literal early.
"""

from __future__ import annotations

import math
import re

from papermill.exceptions import PapermillException
from papermill.models import Parameter
from papermill.translators import Translator

from .parameters import declared_in

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Rust's strict and reserved keywords: not parameter names.
KEYWORDS = set(
    "as async await break const continue crate dyn else enum extern false fn for if impl in let loop match "
    "mod move mut pub ref return self Self static struct super trait true type unsafe use where while "
    "abstract become box do final gen macro override priv try typeof unsized virtual yield".split()
)
I64 = (-(2**63), 2**63 - 1)


def rust_string(text: str) -> str:
    """A Rust string literal holding exactly `text`."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif 0xD800 <= code <= 0xDFFF:
            raise PapermillException(f"text holds a lone surrogate (U+{code:04X}), which Rust strings cannot hold")
        else:
            out.append(f"\\u{{{code:x}}}")
    return '"' + "".join(out) + '"'


class RustTranslator(Translator):
    @classmethod
    def translate_str(cls, val):
        return rust_string(val)

    @classmethod
    def translate_raw_str(cls, val):
        # papermill's -r passes text as it is: still a string to Rust.
        return rust_string(str(val))

    @classmethod
    def translate_escaped_str(cls, str_val):
        return rust_string(str(str_val))

    @classmethod
    def translate_none(cls, val):
        return "()"

    @classmethod
    def translate_bool(cls, val):
        return "true" if val else "false"

    @classmethod
    def translate_int(cls, val):
        if not I64[0] <= val <= I64[1]:
            raise PapermillException(f"{val} does not fit a 64-bit integer")
        return f"{val}_i64"

    @classmethod
    def translate_float(cls, val):
        if math.isnan(val):
            return "f64::NAN"
        if math.isinf(val):
            return "f64::INFINITY" if val > 0 else "f64::NEG_INFINITY"
        text = repr(float(val))
        if not any(c in text for c in ".eE"):
            text += ".0"
        return f"{text}_f64"

    @classmethod
    def translate_list(cls, val):
        if not val:
            raise PapermillException("an empty list has no type to check; leave the parameter as declared instead")
        items = [cls.translate(v) for v in val]
        kinds = {type(v) for v in val}
        if len(kinds) > 1:
            raise PapermillException("a list's items must all be of one kind (all text, all numbers, ...)")
        return "[" + ", ".join(items) + "]"

    @classmethod
    def translate_dict(cls, val):
        raise PapermillException("a dictionary cannot be a parameter of a detainers notebook")

    @classmethod
    def comment(cls, cmt_str):
        return f"// {cmt_str}".strip()

    @classmethod
    def assign(cls, name, str_val):
        if not IDENT.fullmatch(name) or name in KEYWORDS:
            raise PapermillException(f"{name!r} is not a Rust variable name, so it cannot be a parameter")
        return f"detainers::set_param({rust_string(name)}, &mut {name}, {str_val})?;"

    @classmethod
    def codify(cls, parameters, comment="Parameters"):
        """The injected cell: every value set inside the crate's
        ``set_params``, whose result ("Parameters set: ..." or "Parameters
        not set: ...") the engine reads, since evcxr may never deliver an
        error that went only to stderr."""
        names = ", ".join(rust_string(name) for name in parameters)
        lines = [cls.comment(comment), f"detainers::set_params(&[{names}], || {{"]
        lines += [f"    {cls.assign(name, cls.translate(value))}" for name, value in parameters.items()]
        lines += ["    Ok(())", "})", ""]
        return "\n".join(lines)

    @classmethod
    def inspect(cls, parameters_cell):
        return [
            Parameter(name=p.name, inferred_type_name=p.rust_type, default=p.default, help=p.help)
            for p in declared_in("".join(parameters_cell.source))
        ]
