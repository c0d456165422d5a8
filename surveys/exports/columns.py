"""The columns of a responses export, shared by the CSV and the workbook.

Questions come from every version of the survey, joined by their stable
keys (``services.versions``): the newest version's order and wording first,
then questions that only older versions asked. Choices are joined the same way.
"""

import json
from functools import lru_cache

from flask_babel import gettext as _

from ..analysis.redact import mask_personal_details
from ..definition.model import TEXT_TYPES
from ..extensions import db
from ..models import Answer, Response
from ..services import selection
from ..services.versions import question_plans
from . import speaking

BATCH = 2000
JOINED_KEPT = 4096  # joined labels kept per multiple-choice question
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")


def neutralise(value):
    """A leading apostrophe keeps a spreadsheet from reading text as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class Layout:
    """Headers and cells of one row per response, in one language or as keys.

    Each question gives a group of columns and one function that fills the
    whole group, so a row costs one call per question, not one per cell.
    Every text cell comes out neutralised (``neutralise``): labels once, when
    the layout is made, and open answers as they are masked.
    """

    def __init__(self, survey, language, flags=True, numbers_as_text=True):
        self.language = language
        self.flags = flags  # a 0/1 column per choice of a multiple-choice question
        # A CSV cell is text to a spreadsheet: "-5" is read like a formula
        # start, so answers to number questions are neutralised like text.
        # The workbook keeps them numbers, which a spreadsheet never runs.
        self.numbers_as_text = numbers_as_text
        self.communities = {c.id: c for c in survey.communities}
        self.plans = question_plans(survey)
        self.groups = [self._meta()] + [self._question(plan) for plan in self.plans]

    def headers(self):
        return [neutralise(header) for headers, _fill in self.groups for header in headers]

    def cells(self, row):
        cells = []
        for _headers, fill in self.groups:
            cells.extend(fill(row))
        return cells

    def _meta(self):
        keys = self.language == "keys"
        with speaking(self.language):
            headers = (
                ["response_id", "submitted_on", "language", "community"]
                if keys
                else [_("Response"), _("Submitted on"), _("Language"), _("Community")]
            )
        names = {
            c.id: neutralise(c.slug if keys else c.name(self.language))
            for c in self.communities.values()
        }

        def fill(row):
            # The id, an ISO date and a language code never start like a formula.
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
            safe = {choice: neutralise(label) for choice, label in labels.items()}

            def label(row):
                value = row["answers"].get(key)
                if value is None:
                    return [""]
                if type(value) is str and value in safe:
                    return [safe[value]]
                return [_joined(value, labels)]

            return [header], label
        if self.numbers_as_text:
            return [header], lambda row: [_as_text(row["answers"].get(key))]
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
        joined = {}  # the same few combinations of choices come back row after row

        def fill(row):
            value = row["answers"].get(key)
            if value is None:
                cells = ["", *blank]
            else:
                chosen = tuple(_listed(value))
                text = joined.get(chosen)
                if text is None:
                    text = _joined(chosen, labels)
                    if len(joined) < JOINED_KEPT:
                        joined[chosen] = text
                cells = [text]
                if choices:
                    keys = {str(v) for v in chosen}
                    cells.extend(int(choice in keys) for choice in choices)
            if plan.other:
                cells.append(_masked(row["other"].get(key)))
            return cells

        return headers, fill


def _listed(value):
    """An answer as a list: a question that changed type between versions
    may hold one choice where the newest version takes several, or the reverse."""
    return value if isinstance(value, list | tuple) else [value]


def _joined(value, labels):
    """The labels of the chosen answers ("Walk; Car"), neutralised."""
    return neutralise("; ".join(labels.get(str(v), str(v)) for v in _listed(value)))


def _as_text(value):
    return "" if value is None else neutralise(str(value))


@lru_cache(maxsize=8192)
def _mask(text):
    return neutralise(mask_personal_details(text))


def _masked(text):
    """Masked, neutralised open text; short answers repeat ("nada", "no"), so
    masks are cached."""
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
