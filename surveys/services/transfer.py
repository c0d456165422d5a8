"""Bring surveys in from files and write them out: XLSForm, YAML and JSON."""

import json

import yaml

from ..definition import DefinitionError, parse_text, read_text
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
            data = parse_text(read_text(filename, content), str(filename))
        else:
            data = read_xlsform(filename, content)
    except DefinitionError as error:  # an XLSFormError is one too
        raise ImportRefused(error) from None
    return survey_store.create_draft(data)


def export_survey(survey, fmt):
    """The survey's published definition (its draft if never published) as bytes."""
    return export_definition(survey_store.published_definition(survey), fmt)


def export_definition(data, fmt):
    """A definition as the bytes of an XLSForm workbook, a YAML or a JSON file."""
    if fmt == "xlsform":
        return write_xlsform(data)
    if fmt == "json":
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100).encode("utf-8")
