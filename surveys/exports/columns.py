"""The columns of a responses export, shared by the CSV and the workbook.

Questions come from every version of the survey, joined by their stable
keys: the newest version's order and wording first, then questions that only
older versions asked. Choices are joined the same way.
"""

import json
from dataclasses import dataclass, field
from functools import lru_cache

from flask_babel import gettext as _

from ..analysis.redact import mask_personal_details
from ..definition.model import OTHER_KEY, TEXT_TYPES
from ..extensions import db
from ..models import Answer, Response
from ..services import selection
from ..services.survey_store import definition_of
from . import speaking

BATCH = 2000
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")
LANGUAGES = ("en", "es")


def neutralise(value):
    """A leading apostrophe keeps a spreadsheet from reading text as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@dataclass
class QuestionPlan:
    key: str
    type: str
    texts: dict
    choices: dict = field(default_factory=dict)  # key -> {"en": label, "es": label}
    other: bool = False

    def text(self, language):
        return self.key if language == "keys" else self.texts.get(language) or self.key

    def label(self, choice, language):
        if language == "keys":
            return choice
        return (self.choices.get(choice) or {}).get(language) or choice


def question_plans(survey):
    """Every question ever asked in ``survey`` (notes aside), newest wording first."""
    plans = {}
    for version in reversed(survey.versions):
        for question in definition_of(version).questions:
            if question.is_note:
                continue
            plan = plans.setdefault(
                question.key,
                QuestionPlan(question.key, question.type, _texts(question.text)),
            )
            for choice in _choices(question):
                plan.choices.setdefault(
                    choice, _texts(lambda lang, c=choice, q=question: _choice(q, c, lang))
                )
            plan.other = plan.other or question.allows_other
    return list(plans.values())


def _texts(text_of):
    return {language: text_of(language) for language in LANGUAGES}


def _choices(question):
    if question.type == "yes_no":
        return ["yes", "no"]
    keys = [c["key"] for c in question.choices]
    return [*keys, OTHER_KEY] if question.allows_other else keys


def _choice(question, key, language):
    with speaking(language):
        if question.type == "yes_no":
            return _("Yes") if key == "yes" else _("No")
        if key == OTHER_KEY and question.allows_other:
            return _("Other")
        return question.choice_label(key, language)


class Layout:
    """Headers and cells of one row per response, in one language or as keys.

    Each question gives a group of columns and one function that fills the
    whole group, so a row costs one call per question, not one per cell.
    """

    def __init__(self, survey, language, flags=True):
        self.language = language
        self.flags = flags  # a 0/1 column per choice of a multiple-choice question
        self.communities = {c.id: c for c in survey.communities}
        self.plans = question_plans(survey)
        self.groups = [self._meta()] + [self._question(plan) for plan in self.plans]

    def headers(self):
        return [neutralise(header) for headers, _fill in self.groups for header in headers]

    def cells(self, row):
        cells = []
        for _headers, fill in self.groups:
            cells.extend(fill(row))
        return [neutralise(cell) if type(cell) is str else cell for cell in cells]

    def _meta(self):
        keys = self.language == "keys"
        with speaking(self.language):
            headers = (
                ["response_id", "submitted_on", "language", "community"]
                if keys
                else [_("Response"), _("Submitted on"), _("Language"), _("Community")]
            )
        names = {c.id: c.slug if keys else c.name(self.language) for c in self.communities.values()}

        def fill(row):
            return [
                row["id"],
                row["submitted_on"].isoformat(),
                row["language"],
                names.get(row["community_id"], ""),
            ]

        return headers, fill

    def _question(self, plan):
        header = plan.text(self.language)
        key = plan.key
        if plan.type == "multiple_choice":
            return self._multiple(plan, header)
        if plan.type in TEXT_TYPES:
            return [header], lambda row: [_masked(row["answers"].get(key))]
        if plan.type in ("single_choice", "yes_no"):
            labels = {choice: plan.label(choice, self.language) for choice in plan.choices}

            def label(row):
                value = row["answers"].get(key)
                return ["" if value is None else labels.get(str(value), str(value))]

            return [header], label
        return [header], lambda row: [row["answers"].get(key)]

    def _multiple(self, plan, header):
        keys = self.language == "keys"
        key = plan.key
        labels = {choice: plan.label(choice, self.language) for choice in plan.choices}
        choices = list(plan.choices) if self.flags else []
        headers = [header] + [
            f"{key}__{choice}" if keys else f"{header}: {labels[choice]}" for choice in choices
        ]
        if plan.other:
            with speaking(self.language):
                headers.append(
                    f"{key}__other_text" if keys else f"{header}: {_('other, in their words')}"
                )
        blank = [""] * len(choices)

        def fill(row):
            value = row["answers"].get(key)
            if value is None:
                cells = ["", *blank]
            else:
                chosen = {str(v) for v in value}
                joined = "; ".join(labels.get(str(v), str(v)) for v in value)
                cells = [joined, *(1 if choice in chosen else 0 for choice in choices)]
            if plan.other:
                cells.append(_masked(row["other"].get(key)))
            return cells

        return headers, fill


@lru_cache(maxsize=8192)
def _mask(text):
    return mask_personal_details(text)


def _masked(text):
    """Masked open text; short answers repeat ("nada", "no"), so masks are cached."""
    return _mask(str(text)) if text not in (None, "") else ""


def iter_rows(survey, filters):
    """One dict per response, oldest first, read in batches so memory stays flat.

    The database gathers each response's answers into one JSON object, so
    Python decodes one value per response instead of one row per answer.
    """
    answers, others = _gathered(Answer.value), _gathered(Answer.other_text)
    query = (
        db.select(
            Response.id,
            Response.submitted_on,
            Response.language,
            Response.community_id,
            db.cast(answers.filter(Answer.question_key.is_not(None)), db.Text),
            db.cast(others.filter(Answer.other_text.is_not(None)), db.Text),
        )
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(*selection.conditions(survey, filters))
        .group_by(Response.id)
        .order_by(Response.id)
        .execution_options(yield_per=BATCH)
    )
    for response_id, day, language, community_id, values, other in db.session.execute(query):
        yield {
            "id": response_id,
            "submitted_on": day,
            "language": language,
            "community_id": community_id,
            "answers": json.loads(values) if values else {},
            "other": json.loads(other) if other else {},
        }


def _gathered(column):
    """``{question_key: column}`` per response, in SQLite's or PostgreSQL's words."""
    if db.engine.dialect.name == "postgresql":
        return db.func.json_object_agg(Answer.question_key, column)
    if column is Answer.value:  # stored as JSON text: keep it JSON, not a string
        column = db.func.json(db.cast(column, db.Text))
    return db.func.json_group_object(Answer.question_key, column)
