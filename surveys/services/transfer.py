"""Bring surveys in from files and write them out: XLSForm, YAML and JSON."""

import json

import yaml
from flask_babel import lazy_gettext as _l

from ..definition import DefinitionError, parse_text
from ..definition.validator import Problem
from ..xlsform import read_xlsform
from ..xlsform.exporter import write_xlsform
from . import survey_store

FORMATS = ("xlsform", "yaml", "json")
DEFINITION_SUFFIXES = (".yaml", ".yml", ".json")


class ImportRefused(ValueError):
    """The file cannot become a survey; ``problems`` says why, each with its place."""

    def __init__(self, error):
        self.problems = error.problems
        self.source = error.source
        super().__init__(error.report())


def import_survey(filename, content=None):
    """Read an XLSForm (or a definition file) and store it as a new draft survey.

    The whole file is checked before anything is stored, so a refused file
    leaves nothing behind; the caller commits.
    """
    try:
        if str(filename).lower().endswith(DEFINITION_SUFFIXES):
            text = _decode(content) if content is not None else _read(filename)
            data = parse_text(text, str(filename))
        else:
            data = read_xlsform(filename, content)
    except DefinitionError as error:  # an XLSFormError is one too
        raise ImportRefused(error) from None
    return survey_store.create_draft(data)


def _decode(content):
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        raise DefinitionError([Problem("(file)", _l("the file is not UTF-8 text"))]) from None


def _read(filename):
    with open(filename, encoding="utf-8") as handle:
        return handle.read()


def export_survey(survey, fmt):
    """The survey's published definition (its draft if never published) as bytes."""
    data = survey_store.published_definition(survey)
    if fmt == "xlsform":
        return write_xlsform(data)
    if fmt == "json":
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100).encode("utf-8")
