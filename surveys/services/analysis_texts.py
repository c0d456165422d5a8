"""The texts the analysis reads: focus-group statements and survey open answers.

Both come out in one shape, masked (no e-mail addresses, phone or ID numbers):
``{"id", "text", "lang", "community", "source", ...}``. Only finalized focus
groups are read, each from its latest version.
"""

from sqlalchemy.orm import selectinload

from ..analysis.language import detect_language
from ..analysis.redact import mask_personal_details
from ..analysis.segment import split_statements
from ..definition.model import TEXT_TYPES
from ..extensions import db
from ..models import FocusGroup, Response
from ..models.focus_group import OBSERVATIONS
from .survey_store import definition_of


def focus_group_statements(survey):
    """Statements of the survey's finalized focus groups: one per paragraph,
    list item or quote."""
    groups = db.session.scalars(
        db.select(FocusGroup).filter_by(survey_id=survey.id, status="final").order_by(FocusGroup.id)
    )
    return [statement for group in groups for statement in _group_statements(group)]


def _group_statements(group):
    version = group.latest
    pieces = [
        (text, key, None)
        for key, notes in _notes_in_order(version)
        for text in split_statements(notes)
    ]
    pieces += [(quote["text"], quote["prompt"], quote["role"]) for quote in version.quotes]
    pieces += [(text, OBSERVATIONS, None) for text in split_statements(version.observations)]
    community = group.community.slug if group.community else None
    return [
        {
            "id": f"fg{group.id}-{number}",
            "text": mask_personal_details(text),
            "lang": _language(group, text),
            "community": community,
            "source": "focus_group",
            "prompt": prompt,
            "role": role,
            "focus_group_id": group.id,
            "respondent": f"fg{group.id}",
        }
        for number, (text, prompt, role) in enumerate(pieces, start=1)
    ]


def _notes_in_order(version):
    order = [prompt["key"] for prompt in version.prompts]
    keys = order + [key for key in version.notes if key not in order]
    return [(key, version.notes[key]) for key in keys if version.notes.get(key)]


def _language(group, text):
    """The session's language when it had one, else a guess per statement."""
    if len(group.languages) == 1:
        return group.languages[0]
    return detect_language(text)


def survey_open_answers(survey, questions=None):
    """The survey's written answers, one per answer.

    ``questions`` picks question keys (short or long text); by default every
    long-text question is read.
    """
    responses = db.session.scalars(
        db.select(Response)
        .filter_by(survey_id=survey.id)
        .order_by(Response.id)
        .options(selectinload(Response.answers), selectinload(Response.community))
    )
    definitions = {}  # one Definition per survey version, not per response
    items = []
    for response in responses:
        if response.version_id not in definitions:
            definitions[response.version_id] = definition_of(response.version)
        items.extend(_open_answers(response, definitions[response.version_id], questions))
    return items


def _wanted(question, questions):
    if questions:
        return question.key in questions and question.type in TEXT_TYPES
    return question.type == "long_text"


def _open_answers(response, definition, questions):
    answers = response.answer_map()
    community = response.community.slug if response.community else None
    return [
        {
            "id": f"r{response.id}-{question.key}",
            "text": mask_personal_details(answers[question.key].value),
            "lang": response.language,
            "community": community,
            "source": "survey",
            "question": question.key,
            "role": response.role,
            "respondent": f"r{response.id}",
        }
        for question in definition.questions
        if _wanted(question, questions)
        and question.key in answers
        and str(answers[question.key].value).strip()
    ]
