"""Write a Voces definition as an XLSForm workbook that ODK and KoboToolbox read.

Everything a family reads goes where XLSForm expects it (labels, hints,
required, relevant, constraint, constraint_message, one column per language).
What XLSForm has no place for travels in ``voces_`` columns and a
``voces_communities`` sheet, which ODK and Kobo ignore, so that importing the
workbook again gives exactly the same definition.
"""

import io
from decimal import Decimal

import openpyxl
from openpyxl.styles import Font

from . import names

SURVEY_COLUMNS = (
    "type",
    "name",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "constraint_message",
    "appearance",
    "parameters",
    "voces_min_label",
    "voces_max_label",
)
TRANSLATED = {"label", "hint", "constraint_message", "voces_min_label", "voces_max_label"}
YES_NO = {"yes": {"en": "Yes", "es": "Sí"}, "no": {"en": "No", "es": "No"}}


def write_xlsform(data):
    """Return the bytes of an .xlsx workbook for the definition ``data``."""
    languages = list(data.get("languages", ("en", "es")))
    survey_rows, choice_rows = [], []
    questions = {}
    for index, section in enumerate(data["sections"]):
        survey_rows.append(_group(section, index))
        for question in section["questions"]:
            questions[question["key"]] = question
            survey_rows.append(_question(question, questions, choice_rows))
        survey_rows.append({"type": "end group"})
    if any(q["type"] == "yes_no" for q in questions.values()):
        for key, label in YES_NO.items():
            choice_rows.append({"list_name": names.YES_NO_LIST, "name": key, "label": label})
    book = openpyxl.Workbook()
    _sheet(book.active, "survey", SURVEY_COLUMNS, survey_rows, languages)
    _sheet(book.create_sheet(), "choices", ("list_name", "name", "label"), choice_rows, languages)
    settings_columns, settings = _settings(data, languages)
    _sheet(book.create_sheet(), "settings", settings_columns, [settings], languages)
    communities = [{"name": c["slug"], "label": c["name"]} for c in data.get("communities", [])]
    if communities:
        _sheet(book.create_sheet(), "voces_communities", ("name", "label"), communities, languages)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _group(section, index):
    row = {
        "type": "begin group",
        "name": names.page_name(section, index),
        "label": section["title"],
        "appearance": "field-list",
    }
    if section.get("description"):
        row["hint"] = section["description"]
    return row


def _question(question, earlier, choice_rows):
    kind = question["type"]
    row = {"name": question["key"], "label": question["text"]}
    if kind in ("single_choice", "multiple_choice"):
        how = "select_one" if kind == "single_choice" else "select_multiple"
        row["type"] = f"{how} {question['key']}" + (" or_other" if question.get("other") else "")
        for choice in question["choices"]:
            choice_rows.append(
                {"list_name": question["key"], "name": choice["key"], "label": choice["label"]}
            )
    elif kind == "yes_no":
        row["type"] = f"select_one {names.YES_NO_LIST}"
    elif kind == "rating":
        scale = question["scale"]
        row.update(
            type="range",
            parameters=f"start={scale['min']} end={scale['max']} step=1",
            voces_min_label=scale["min_label"],
            voces_max_label=scale["max_label"],
        )
    elif kind == "number":
        row["type"] = "decimal" if question.get("decimals") else "integer"
    elif kind in ("short_text", "long_text"):
        row["type"] = "text"
        if kind == "long_text":
            row["appearance"] = "multiline"
    else:
        row["type"] = "note"
    if question.get("help"):
        row["hint"] = question["help"]
    if question.get("message"):
        row["constraint_message"] = question["message"]
    if "required" in question:
        row["required"] = "yes" if question["required"] else "no"
    if question.get("show_if"):
        row["relevant"] = relevant(question["show_if"], earlier)
    constraint = _constraint(question)
    if constraint:
        row["constraint"] = constraint
    return row


def number(value):
    """A number as XPath writes it: no exponent, and a float keeps its ``.0``."""
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(repr(value)), "f")
    return text if "." in text else f"{text}.0"


def _literal(value):
    if isinstance(value, int | float):
        return number(value)
    # XPath has no escapes: a value with ' is quoted with " (the validator
    # refuses values holding both).
    return f'"{value}"' if "'" in value else f"'{value}'"


def relevant(condition, questions):
    """A Voces show-if as an XLSForm relevant expression."""
    key = condition["question"]
    if "answered" in condition:
        return f"${{{key}}} {'!=' if condition['answered'] else '='} ''"
    multiple = questions.get(key, {}).get("type") == "multiple_choice"
    values = [condition["equals"]] if "equals" in condition else condition["one_of"]
    if multiple:
        parts = [f"selected(${{{key}}}, {_literal(v)})" for v in values]
    else:
        parts = [f"${{{key}}} = {_literal(v)}" for v in values]
    if "one_of" in condition and len(parts) == 1:
        # "a or a" means a, and comes back in as one_of [a]: a one_of never
        # lists an answer twice.
        parts.append(parts[0])
    return " or ".join(parts)


def _constraint(question):
    if question["type"] == "number":
        parts = [
            f". {op} {number(question[name])}"
            for name, op in (("min", ">="), ("max", "<="))
            if question.get(name) is not None
        ]
        return " and ".join(parts)
    if question.get("max_length") is not None:
        return f"string-length(.) <= {question['max_length']}"
    return ""


def _settings(data, languages):
    settings = {
        "form_title": data["title"][languages[0]],
        "form_id": data["slug"],
        "default_language": names.LANGUAGE_NAMES[languages[0]],
        "version": "1",
    }
    columns = ["form_title", "form_id", "default_language", "version"]
    if "languages" in data:
        settings["voces_languages"] = " ".join(data["languages"])
        columns.append("voces_languages")
    for name in ("title", "intro", "consent", "thank_you"):
        if data.get(name):
            settings[f"voces_{name}"] = data[name]
            columns.append(f"voces_{name}")
    if data.get("role_question"):
        settings["voces_role_question"] = data["role_question"]
        columns.append("voces_role_question")
    return columns, settings


def _sheet(sheet, title, columns, rows, languages):
    sheet.title = title
    headers = []
    for column in columns:
        if column in TRANSLATED or (
            title == "settings"
            and column.startswith("voces_")
            and column not in ("voces_languages", "voces_role_question")
        ):
            headers += [(column, lang) for lang in languages]
        elif title != "settings" or column in rows[0]:
            headers.append((column, None))
    used = [
        h
        for h in headers
        if any(_value(row, *h) not in (None, "") for row in rows)
        or h[0] in ("type", "name", "label", "list_name")
    ]
    _append(sheet, [f"{c}::{names.LANGUAGE_NAMES[lang]}" if lang else c for c, lang in used])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        _append(sheet, [_value(row, *h) for h in used])


def _append(sheet, values):
    """Add a row in which every text is a text: openpyxl would store a label
    starting with ``=`` as a formula, which Excel runs when a lead opens it."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _value(row, column, language):
    value = row.get(column)
    if language is None:
        return None if isinstance(value, dict) else value
    return (value or {}).get(language) if isinstance(value, dict) else None
