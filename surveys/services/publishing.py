"""Publishing rules: what must hold before families see a survey, and its versions.

A survey is published only when every text exists in each of its languages
and the validator (with the immigration-status guard) finds nothing wrong.
Questions that identify people need the lead to confirm the privacy note.
"""

import re

from flask_babel import lazy_gettext as _l

from ..definition import validate
from ..definition.guard import fold
from ..extensions import db
from . import survey_store

# Words that ask who someone is or how to reach them (accents folded).
IDENTIFYING = re.compile(
    r"\b(names?|first name|last name|surname|address|street|phone|cell|mobile|e-?mail"
    r"|nombres?|apellidos?|direccion|domicilio|calle|telefono|celular|correo)\b"
)
PRIVACY_NOTE = _l(
    "These questions can identify a person. Families answer more openly when a survey "
    "is anonymous, and anything that identifies someone must be kept safe and shared with "
    "no one outside the coalition. Ask only if the coalition truly needs it, say why in "
    "the question's help text, and make it optional."
)


class PublishRefused(ValueError):
    """The survey is not ready; ``problems`` lists what to finish or fix."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class PrivacyNotConfirmed(ValueError):
    """Some questions identify people and the lead has not confirmed the privacy note."""

    def __init__(self, questions):
        self.questions = questions
        super().__init__(", ".join(questions))


def identifying_questions(data):
    """Keys of the questions (not notes) whose text asks for a name, address, phone or e-mail."""
    found = []
    for section in data.get("sections") or []:
        for question in section.get("questions") or []:
            if question.get("type") == "note":
                continue
            texts = (question.get("text") or {}).values()
            if any(IDENTIFYING.search(fold(t)) for t in texts if isinstance(t, str)):
                found.append(question.get("key"))
    return found


def problems(survey):
    """Everything that stops the survey's working definition being published."""
    data = survey.working_definition
    return validate(data) + survey_store.meaning_problems(survey, data)


def has_unpublished_changes(survey):
    if survey.draft is None:
        return False
    return not survey.versions or survey.draft != survey.current.definition


def publish(survey, privacy_confirmed=False):
    """Publish the working definition: a new version if it changed; a draft opens.

    Answers already given keep the version they were given in.
    """
    data = survey.working_definition
    found = problems(survey)
    if found:
        raise PublishRefused(found)
    flagged = identifying_questions(data)
    if flagged and not privacy_confirmed:
        raise PrivacyNotConfirmed(flagged)
    survey_store.load_definition(data)
    survey.draft = None
    if survey.is_draft:
        survey.status = "open"  # a closed survey stays closed until reopened
    db.session.flush()
    return survey


def close(survey):
    survey_store.set_status(survey, "closed")


def reopen(survey):
    survey_store.set_status(survey, "open")


def discard_changes(survey):
    """Forget unpublished edits of a published survey."""
    if survey.versions:
        survey.draft = None
        db.session.flush()


def version_changes(survey):
    """``[(version, {"added": [...], "removed": [...], "changed": [...]})]``, newest first.

    Dashboards and exports join versions by question key; this says which
    questions mean something different from the version before.
    """
    history, previous = [], {}
    for version in survey.versions:
        current = _questions(version.definition)
        changes = {
            "added": [k for k in current if k not in previous],
            "removed": [k for k in previous if k not in current],
            "changed": [k for k in current if k in previous and current[k] != previous[k]],
        }
        history.append((version, changes if version.number > 1 else None))
        previous = current
    return list(reversed(history))


def _questions(data):
    return {q["key"]: q for s in data.get("sections", []) for q in s.get("questions", [])}
