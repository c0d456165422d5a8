"""Every question a survey has asked, in any of its versions, joined by stable keys.

A published survey is never edited in place: a change makes a new version,
and each response keeps the version it was answered in. Question keys and
choice keys stay the same across versions, so the dashboard, the report and
the downloads read the answers of every version together, through the plans
made here: the newest wording of each question, every choice any version
offered (labelled from the newest version that offered it), and the versions
in which the question was added, changed or removed.
"""

from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import gettext as _

from ..definition.model import OTHER_KEY, localized
from .publishing import version_changes
from .survey_store import definition_of

LANGUAGES = ("en", "es")


@dataclass
class QuestionPlan:
    key: str
    type: str
    texts: dict  # language -> the newest wording
    choices: dict = field(default_factory=dict)  # key -> {"en": label, "es": label}
    other: bool = False
    # Choices the newest version asking the question no longer offers:
    # choice key -> the last version that offered it.
    offered_until: dict = field(default_factory=dict)
    changes: list = field(default_factory=list)  # [("added"|"changed"|"removed", number)]

    def text(self, language):
        return self.key if language == "keys" else self.texts.get(language) or self.key

    def label(self, choice, language):
        if language == "keys":
            return choice
        return (self.choices.get(choice) or {}).get(language) or choice


def question_plans(survey):
    """Every question ever asked in ``survey`` (notes aside), newest wording first.

    The newest version's questions come in its order, then questions that
    only older versions asked.
    """
    plans = {}
    for version in reversed(survey.versions):
        for question in definition_of(version).questions:
            if not question.is_note:
                _merge(plans, question, version.number)
    for key, changes in question_changes(survey).items():
        if key in plans:
            plans[key].changes = changes
    return list(plans.values())


def _merge(plans, question, number):
    """Add what ``question`` (of version ``number``, older than those seen) offered."""
    plan = plans.get(question.key)
    newest = plan is None
    if newest:
        texts = {language: question.text(language) for language in LANGUAGES}
        plan = plans[question.key] = QuestionPlan(question.key, question.type, texts)
    for key in _choice_keys(question):
        if key not in plan.choices:
            plan.choices[key] = {
                language: _label(question, key, language) for language in LANGUAGES
            }
            if not newest:
                plan.offered_until[key] = number
    plan.other = plan.other or question.allows_other


def _choice_keys(question):
    if question.type == "yes_no":
        return ["yes", "no"]
    if question.type == "rating":
        scale = question.data["scale"]
        return [str(n) for n in range(scale["min"], scale["max"] + 1)]
    keys = [c["key"] for c in question.choices]
    return [*keys, OTHER_KEY] if question.allows_other else keys


def _label(question, key, language):
    with force_locale(language):
        if question.type == "yes_no":
            return _("Yes") if key == "yes" else _("No")
        if question.type == "rating":
            return _rating_label(question.data["scale"], int(key), language)
        if key == OTHER_KEY and question.allows_other:
            return _("Other")
        return question.choice_label(key, language)


def _rating_label(scale, number, language):
    ends = {scale["min"]: scale.get("min_label"), scale["max"]: scale.get("max_label")}
    words = localized(ends.get(number), language)
    return f"{number} ({words})" if words else str(number)


def question_changes(survey):
    """Question key -> ``[(kind, version number)]``, oldest first, for every key
    a later version added, changed or removed."""
    found = {}
    for version, changes in reversed(version_changes(survey)):
        for kind in ("added", "changed", "removed"):
            for key in (changes or {}).get(kind, []):
                found.setdefault(key, []).append((kind, version.number))
    return found
