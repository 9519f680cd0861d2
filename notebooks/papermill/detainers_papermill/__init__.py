"""papermill for the detainers notebooks' Rust kernel: the translator that
writes ``-p NAME VALUE`` as Rust, and the engine that runs the notebook
(see ``engine``). papermill loads ``engine`` through its entry point, which
imports this package and registers the translator for the project's
kernel only: a notebook on another Rust kernel (evcxr's own) cannot call
the crate's ``set_param``, and papermill keeps saying it has no translator
for it."""

from papermill.translators import papermill_translators

from .parameters import Declared, ParameterError, check_values, declared, declared_in, parameters_cell
from .translator import RustTranslator, rust_string

papermill_translators.register("detainers", RustTranslator)

__all__ = [
    "Declared",
    "ParameterError",
    "RustTranslator",
    "check_values",
    "declared",
    "declared_in",
    "parameters_cell",
    "rust_string",
]
