"""The survey builder: edits a survey's working definition, one change at a time.

Every edit is made on a copy and checked by the validator. Problems that
only mean "not written yet" (a missing translation, an empty page) are kept
for the lead to finish before publishing; anything wrong, above all a
question the immigration-status guard refuses, rejects the edit with the
validator's explanation. Published surveys are edited through a draft copy,
so families keep answering the published version until the lead publishes
the change as a new version.
"""

import copy

from ..definition import normalize, validate
from ..extensions import db
from . import survey_store

TEXT_FIELDS = ("title", "intro", "consent", "thank_you")


class EditRefused(ValueError):
    """The edit would make the survey wrong; ``problems`` says why."""

    def __init__(self, problems, data=None):
        self.problems = problems
        self.data = data  # the refused definition, to name its pages and questions
        super().__init__("\n".join(str(p) for p in problems))


def texts(values):
    """``{"en": ..., "es": ...}`` without the empty ones."""
    return {lang: text.strip() for lang, text in values.items() if text and text.strip()}


def create_survey(slug, title):
    """A new draft with a title; the lead adds the rest."""
    data = {"slug": slug, "title": texts(title), "intro": {}, "consent": {}, "sections": []}
    return survey_store.create_draft(data)


def _edit(survey, change):
    """Apply ``change(data)`` to a copy, check it, and keep it as the draft.

    A published question may not change type: its answers would be read wrongly.
    """
    data = copy.deepcopy(survey.working_definition)
    change(data)
    data = normalize(data)
    wrong = [p for p in validate(data) if not p.incomplete]
    wrong += survey_store.meaning_problems(survey, data)
    if wrong:
        raise EditRefused(wrong, data)
    survey.draft = data
    db.session.flush()
    return data


def _set_texts(target, name, values):
    cleaned = texts(values)
    if cleaned or name in ("title", "intro", "consent", "text"):
        target[name] = cleaned
    else:
        target.pop(name, None)


def update_survey(survey, fields, languages):
    """Title, intro, consent and thank-you texts, and the survey's languages."""

    def change(data):
        for name in TEXT_FIELDS:
            _set_texts(data, name, fields[name])
        if list(languages) == ["en", "es"]:
            data.pop("languages", None)
        else:
            data["languages"] = list(languages)

    return _edit(survey, change)


def add_section(survey, title, description):
    def change(data):
        section = {"title": texts(title), "questions": []}
        if texts(description):
            section["description"] = texts(description)
        data["sections"].append(section)

    return _edit(survey, change)


def update_section(survey, index, title, description):
    def change(data):
        section = data["sections"][index]
        _set_texts(section, "title", title)
        _set_texts(section, "description", description)

    return _edit(survey, change)


def delete_section(survey, index):
    return _edit(survey, lambda data: data["sections"].pop(index))


def _move(items, index, step):
    other = index + step
    if 0 <= index < len(items) and 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]


def move_section(survey, index, step):
    return _edit(survey, lambda data: _move(data["sections"], index, step))


def find_question(data, key):
    """``(section index, position, question)`` or ``None``."""
    for index, section in enumerate(data.get("sections", [])):
        for position, question in enumerate(section["questions"]):
            if question["key"] == key:
                return index, position, question
    return None


def earlier_questions(data, key=None, section=None):
    """Questions a show-if may name: those before ``key`` (or before the end of ``section``)."""
    found = []
    for index, page in enumerate(data.get("sections", [])):
        for question in page["questions"]:
            if question["key"] == key:
                return found
            if question["type"] != "note":
                found.append(question)
        if section is not None and index == section:
            return found
    return found


def add_question(survey, section, question):
    return _edit(survey, lambda data: data["sections"][section]["questions"].append(question))


def update_question(survey, key, question):
    def change(data):
        index, position, _old = find_question(data, key)
        data["sections"][index]["questions"][position] = question

    return _edit(survey, change)


def delete_question(survey, key):
    def change(data):
        index, position, _old = find_question(data, key)
        data["sections"][index]["questions"].pop(position)

    return _edit(survey, change)


def move_question(survey, key, step):
    """Up or down one place; past the edge of a page it moves to the next page."""

    def change(data):
        index, position, question = find_question(data, key)
        questions = data["sections"][index]["questions"]
        target = position + step
        if 0 <= target < len(questions):
            _move(questions, position, step)
        elif 0 <= index + step < len(data["sections"]):
            questions.pop(position)
            neighbour = data["sections"][index + step]["questions"]
            neighbour.insert(len(neighbour) if step < 0 else 0, question)

    return _edit(survey, change)


def set_communities(survey, communities):
    def change(data):
        if communities:
            data["communities"] = communities
        else:
            data.pop("communities", None)

    return _edit(survey, change)
