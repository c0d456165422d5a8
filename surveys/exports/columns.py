"""The columns of a responses export, shared by the CSV and the workbook.

Questions come from every version of the survey, joined by their stable
keys: the newest version's order and wording first, then questions that only
older versions asked. Choices are joined the same way.
"""

from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter

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
    """Headers and cells of one row per response, in one language or as keys."""

    def __init__(self, survey, language):
        self.language = language
        self.communities = {c.id: c for c in survey.communities}
        self.plans = question_plans(survey)
        self.columns = self._meta() + [c for p in self.plans for c in self._question(p)]

    def headers(self):
        return [neutralise(header) for header, _cell in self.columns]

    def cells(self, row):
        return [neutralise(cell(row)) for _header, cell in self.columns]

    def _meta(self):
        keys = self.language == "keys"
        with speaking(self.language):
            return [
                ("response_id" if keys else _("Response"), itemgetter("id")),
                (
                    "submitted_on" if keys else _("Submitted on"),
                    lambda r: r["submitted_on"].isoformat(),
                ),
                ("language" if keys else _("Language"), itemgetter("language")),
                ("community" if keys else _("Community"), self._community),
            ]

    def _community(self, row):
        community = self.communities.get(row["community_id"])
        if community is None:
            return ""
        return community.slug if self.language == "keys" else community.name(self.language)

    def _question(self, plan):
        header = plan.text(self.language)
        if plan.type == "multiple_choice":
            return self._multiple(plan, header)
        if plan.type in TEXT_TYPES:
            return [(header, lambda r, k=plan.key: _masked(_value(r, k)))]
        if plan.type in ("single_choice", "yes_no"):
            return [(header, lambda r, p=plan: _label(p, _value(r, p.key), self.language))]
        return [(header, lambda r, k=plan.key: _value(r, k))]

    def _multiple(self, plan, header):
        keys = self.language == "keys"
        columns = [(header, lambda r, p=plan: _joined(p, _value(r, p.key), self.language))]
        for choice in plan.choices:
            name = (
                f"{plan.key}__{choice}"
                if keys
                else f"{header}: {plan.label(choice, self.language)}"
            )
            columns.append((name, lambda r, k=plan.key, c=choice: _flag(_value(r, k), c)))
        if plan.other:
            with speaking(self.language):
                name = (
                    f"{plan.key}__other_text" if keys else f"{header}: {_('other, in their words')}"
                )
            columns.append((name, lambda r, k=plan.key: _masked(r["other"].get(k))))
        return columns


def _value(row, key):
    return row["answers"].get(key)


def _masked(text):
    return mask_personal_details(str(text)) if text not in (None, "") else ""


def _label(plan, value, language):
    return "" if value is None else plan.label(str(value), language)


def _joined(plan, value, language):
    return "; ".join(plan.label(str(v), language) for v in value or [])


def _flag(value, choice):
    if value is None:
        return ""
    return 1 if choice in value else 0


def iter_rows(survey, filters):
    """One dict per response, oldest first, read in batches so memory stays flat."""
    query = (
        db.select(
            Response.id,
            Response.submitted_on,
            Response.language,
            Response.community_id,
            Answer.question_key,
            Answer.value,
            Answer.other_text,
        )
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(*selection.conditions(survey, filters))
        .order_by(Response.id, Answer.id)
        .execution_options(yield_per=BATCH)
    )
    for response_id, rows in groupby(db.session.execute(query), key=itemgetter(0)):
        rows = list(rows)
        first = rows[0]
        yield {
            "id": response_id,
            "submitted_on": first.submitted_on,
            "language": first.language,
            "community_id": first.community_id,
            "answers": {r.question_key: r.value for r in rows if r.question_key},
            "other": {r.question_key: r.other_text for r in rows if r.other_text},
        }
