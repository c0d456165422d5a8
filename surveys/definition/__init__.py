"""The survey definition format: loading, validating and reading it.

A definition is plain data (YAML or JSON) so that it can be stored as a
frozen version and compared. See docs/survey-format.md.
"""

from .loader import DefinitionError, load_file, normalize, parse_text, read_text
from .model import Definition
from .validator import Problem, validate

__all__ = [
    "Definition",
    "DefinitionError",
    "Problem",
    "load_file",
    "normalize",
    "parse_text",
    "read_text",
    "validate",
]
