"""Read-only helpers over a validated definition dict."""

import pickle
from dataclasses import dataclass
from functools import cached_property

CHOICE_TYPES = ("single_choice", "multiple_choice", "yes_no", "rating")
TEXT_TYPES = ("short_text", "long_text")
QUESTION_TYPES = (*CHOICE_TYPES, "number", *TEXT_TYPES, "note")
OTHER_KEY = "other"
OTHER_SUFFIX = "__other"  # the field with the words typed for "other"


def localized(texts, language):
    """Pick the text for a language from a ``{"en": ..., "es": ...}`` object."""
    if not texts:
        return ""
    return texts.get(language) or next(iter(texts.values()))


@dataclass(frozen=True)
class Question:
    """One question of a definition. Its facts are read once: a survey page asks
    for them of every question many times, and the definition never changes."""

    data: dict
    section_index: int

    @cached_property
    def key(self):
        return self.data["key"]

    @cached_property
    def type(self):
        return self.data["type"]

    @cached_property
    def required(self):
        return bool(self.data.get("required", False))

    @cached_property
    def is_note(self):
        return self.type == "note"

    @cached_property
    def show_if(self):
        """Its condition (``{"question": key, ...}``), or None when it always shows."""
        return self.data.get("show_if") or None

    @property
    def choices(self):
        return self.data.get("choices", [])

    @cached_property
    def allows_other(self):
        return self.type == "multiple_choice" and bool(self.data.get("other"))

    @cached_property
    def field_names(self):
        """The names its answers are posted and kept under."""
        return (self.key, self.key + OTHER_SUFFIX) if self.allows_other else (self.key,)

    def text(self, language):
        return localized(self.data.get("text"), language)

    def help(self, language):
        return localized(self.data.get("help"), language)

    def message(self, language):
        return localized(self.data.get("message"), language)

    def choice_label(self, key, language):
        for choice in self.choices:
            if choice["key"] == key:
                return localized(choice["label"], language)
        return key


class Definition:
    def __init__(self, data):
        self.data = data

    @property
    def slug(self):
        return self.data["slug"]

    @property
    def languages(self):
        return tuple(self.data.get("languages", ("en", "es")))

    def text(self, field, language):
        return localized(self.data.get(field), language)

    @property
    def sections(self):
        return self.data["sections"]

    @cached_property
    def questions(self):
        return [
            Question(q, index)
            for index, section in enumerate(self.sections)
            for q in section["questions"]
        ]

    @cached_property
    def _by_key(self):
        return {q.key: q for q in self.questions}

    def question(self, key):
        return self._by_key.get(key)

    def section_questions(self, index):
        return self._by_section[index]

    @cached_property
    def _by_section(self):
        # Every survey page asks for its section's questions, the last page for
        # all of them, several times: a definition never changes, so once.
        grouped = [[] for _ in self.sections]
        for question in self.questions:
            grouped[question.section_index].append(question)
        return tuple(tuple(questions) for questions in grouped)

    def section_field_names(self, index):
        return self._field_names_by_section[index]

    @cached_property
    def _field_names_by_section(self):
        return tuple(
            tuple(name for question in questions for name in question.field_names)
            for questions in self._by_section
        )

    def fingerprint(self, index):
        """Section ``index`` as bytes: equal sections give equal bytes, whatever their survey."""
        if index not in self._fingerprints:
            # pickle writes every value out (fast): equal bytes are equal sections.
            self._fingerprints[index] = pickle.dumps(self.sections[index], protocol=5)
        return self._fingerprints[index]

    @cached_property
    def _fingerprints(self):
        return {}

    @property
    def role_question(self):
        return self.data.get("role_question")

    @property
    def communities(self):
        return self.data.get("communities", [])


def condition_met(condition, values):
    """Evaluate a show-if condition against raw answers ``{key: [values]}``."""
    if not condition:
        return True
    given = [v for v in values.get(condition["question"], []) if v.strip()]
    if "equals" in condition:
        return str(condition["equals"]) in given
    if "one_of" in condition:
        return any(str(option) in given for option in condition["one_of"])
    return bool(given) == bool(condition.get("answered", True))


def is_shown(question, values):
    condition = question.show_if
    return condition is None or condition_met(condition, values)
