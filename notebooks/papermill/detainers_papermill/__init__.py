"""papermill for the detainers notebooks' Rust kernel: the translator that
writes ``-p NAME VALUE`` as Rust, and the engine that runs the notebook
(see ``engine``). papermill loads ``engine`` through its entry point, which
imports this package and registers the translator for the project's
kernel and for the Rust language."""

from papermill.translators import papermill_translators

from .parameters import Declared, ParameterError, check_values, declared, declared_in, parameters_cell
from .translator import RustTranslator, rust_string

papermill_translators.register("detainers", RustTranslator)
papermill_translators.register("rust", RustTranslator)

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
