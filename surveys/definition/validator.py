"""Check a definition and report every problem with its path and reason.

Reasons are translatable so that the survey builder can show them in the
lead's language; the CLI prints them in English.
"""

import math
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .guard import forbidden_phrase
from .model import OTHER_KEY, QUESTION_TYPES

SUPPORTED_LANGUAGES = ("en", "es")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEY = re.compile(r"^[a-z][a-z0-9_]*$")
# Community slugs share the URL space with the survey's own pages.
RESERVED_SLUGS = {"p", "thanks", "start"}
MAX_SHORT_TEXT = 500
MAX_LONG_TEXT = 5000
MAX_SCALE_POINTS = 11
# Control characters other than tab and line break (a carriage return included),
# and what XML or YAML cannot hold as it is: a spreadsheet or a YAML file
# would not give such a text back unchanged.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")

SURVEY_FIELDS = {
    "slug",
    "languages",
    "title",
    "intro",
    "consent",
    "thank_you",
    "role_question",
    "communities",
    "sections",
}
SECTION_FIELDS = {"key", "title", "description", "questions"}
QUESTION_FIELDS = {
    "key",
    "type",
    "text",
    "help",
    "message",
    "required",
    "show_if",
    "choices",
    "other",
    "scale",
    "min",
    "max",
    "decimals",
    "max_length",
}
CONDITION_OPERATORS = ("equals", "one_of", "answered")


@dataclass(frozen=True)
class Problem:
    path: str
    reason: str
    # Something not written yet (a missing translation, an empty page), as
    # opposed to something wrong: the builder keeps drafts with the first
    # kind and refuses edits that cause the second.
    incomplete: bool = False

    def __str__(self):
        return f"{self.path}: {self.reason}"


def validate(data):
    """Return a list of problems; an empty list means the definition is valid."""
    checker = _Checker()
    checker.survey(data)
    return checker.problems


class _Checker:
    def __init__(self):
        self.problems = []
        self.languages = SUPPORTED_LANGUAGES
        self.seen = {}  # question key -> question dict, in definition order
        self.section_keys = set()

    def add(self, path, reason, incomplete=False):
        self.problems.append(Problem(path, reason, incomplete))

    def unknown_fields(self, data, allowed, path):
        for name in sorted(set(data) - allowed):
            self.add(f"{path}.{name}" if path else name, _l("unknown field"))

    def mapping(self, data, path):
        if isinstance(data, dict):
            return True
        self.add(path or "(file)", _l("must be a mapping of fields"))
        return False

    def texts(self, data, path, required=True, asks=True):
        """A per-language text object. ``asks`` is false for texts that ask
        nothing (intro, consent, notes...), which may promise never to ask."""
        if data is None:
            if required:
                self.add(path, _l("is required"), incomplete=True)
            return
        if not isinstance(data, dict):
            self.add(path, _l('must give the text per language, e.g. {"en": "...", "es": "..."}'))
            return
        for language in sorted(set(data) - set(self.languages)):
            self.add(f"{path}.{language}", _l("is not one of the survey's languages"))
        for language in self.languages:
            value = data.get(language)
            if not isinstance(value, str) or not value.strip():
                self.add(f"{path}.{language}", _l("the text in this language is missing"), True)
        for language, value in data.items():
            if isinstance(value, str):
                self.text_form(value, f"{path}.{language}")
                self.guard(value, f"{path}.{language}", promise_allowed=not asks)

    def text_form(self, value, path):
        # Spreadsheets and forms drop surrounding spaces and control characters,
        # so a text with them could not come back the same from an XLSForm.
        if value != value.strip():
            self.add(path, _l("has spaces or line breaks at the start or the end"))
        if CONTROL.search(value):
            self.add(path, _l("contains a control character (only line breaks are allowed)"))

    def key_format(self, key, path):
        if isinstance(key, str) and KEY.match(key) and len(key) <= 64:
            return True
        self.add(path, _l("must start with a letter: lower-case letters, digits, _"))
        return False

    def survey(self, data):
        if not self.mapping(data, ""):
            return
        self.unknown_fields(data, SURVEY_FIELDS, "")
        slug = data.get("slug")
        if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 64:
            self.add("slug", _l("must be lower-case letters, digits and hyphens (at most 64)"))
        languages = data.get("languages", list(SUPPORTED_LANGUAGES))
        if (
            not isinstance(languages, list)
            or not languages
            or any(lang not in SUPPORTED_LANGUAGES for lang in languages)
            or len(set(languages)) != len(languages)
        ):
            self.add("languages", _l("must be a list drawn from: en, es"))
        else:
            self.languages = tuple(languages)
        self.texts(data.get("title"), "title")
        self.texts(data.get("intro"), "intro", asks=False)
        self.texts(data.get("consent"), "consent", asks=False)
        self.texts(data.get("thank_you"), "thank_you", required=False, asks=False)
        self.communities(data.get("communities", []))
        sections = data.get("sections")
        if not isinstance(sections, list) or not sections:
            self.add("sections", _l("must be a non-empty list of pages"), incomplete=True)
        else:
            for index, section in enumerate(sections):
                self.section(section, f"sections[{index}]")
        self.role_question(data.get("role_question"))

    def communities(self, communities):
        if not isinstance(communities, list):
            self.add("communities", _l("must be a list"))
            return
        slugs = set()
        for index, community in enumerate(communities):
            path = f"communities[{index}]"
            if not self.mapping(community, path):
                continue
            self.unknown_fields(community, {"slug", "name"}, path)
            slug = community.get("slug")
            if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 64:
                self.add(f"{path}.slug", _l("must be lower-case letters, digits and hyphens"))
            elif slug in RESERVED_SLUGS:
                self.add(f"{path}.slug", _l("this word is reserved for the survey's own pages"))
            elif slug in slugs:
                self.add(f"{path}.slug", _l("appears twice"))
            else:
                slugs.add(slug)
            self.texts(community.get("name"), f"{path}.name")

    def section(self, section, path):
        if not self.mapping(section, path):
            return
        self.unknown_fields(section, SECTION_FIELDS, path)
        if "key" in section and self.key_format(section["key"], f"{path}.key"):
            if section["key"] in self.section_keys:
                self.add(f"{path}.key", _l("another page already uses this key"))
            self.section_keys.add(section["key"])
        self.texts(section.get("title"), f"{path}.title")
        self.texts(section.get("description"), f"{path}.description", required=False, asks=False)
        questions = section.get("questions")
        if not isinstance(questions, list) or not questions:
            self.add(f"{path}.questions", _l("must be a non-empty list"), incomplete=True)
            return
        for index, question in enumerate(questions):
            self.question(question, f"{path}.questions[{index}]")

    def question(self, question, path):
        if not self.mapping(question, path):
            return
        self.unknown_fields(question, QUESTION_FIELDS, path)
        key = question.get("key")
        if self.key_format(key, f"{path}.key") and key in self.seen:
            self.add(f"{path}.key", _l("another question already uses this key"))
        kind = question.get("type")
        if kind not in QUESTION_TYPES:
            self.add(
                f"{path}.type", _l("must be one of: %(types)s", types=", ".join(QUESTION_TYPES))
            )
        asks = kind != "note"
        self.texts(question.get("text"), f"{path}.text", asks=asks)
        self.texts(question.get("help"), f"{path}.help", required=False, asks=asks)
        self.texts(question.get("message"), f"{path}.message", required=False)
        if not isinstance(question.get("required", False), bool):
            self.add(f"{path}.required", _l("must be true or false"))
        elif kind == "note" and question.get("required"):
            self.add(f"{path}.required", _l("a note has no answer, so it cannot be required"))
        if kind in ("single_choice", "multiple_choice"):
            self.choices(question, path)
        elif "choices" in question:
            self.add(f"{path}.choices", _l("only choice questions have choices"))
        if "other" in question and kind != "multiple_choice":
            self.add(f"{path}.other", _l("only multiple-choice questions can offer 'other'"))
        if kind == "rating":
            self.scale(question.get("scale"), f"{path}.scale")
        if kind == "number":
            self.number_range(question, path)
        if kind in ("short_text", "long_text"):
            self.max_length(question, kind, path)
        if "show_if" in question:
            self.condition(question["show_if"], f"{path}.show_if")
        if isinstance(key, str) and key not in self.seen:
            self.seen[key] = question

    def choices(self, question, path):
        choices = question.get("choices")
        if not isinstance(choices, list) or not choices:
            self.add(f"{path}.choices", _l("must be a non-empty list"), incomplete=True)
            return
        keys = set()
        for index, choice in enumerate(choices):
            cpath = f"{path}.choices[{index}]"
            if not self.mapping(choice, cpath):
                continue
            self.unknown_fields(choice, {"key", "label"}, cpath)
            key = choice.get("key")
            if self.key_format(key, f"{cpath}.key"):
                self.choice_key(key, keys, question, cpath)
            self.texts(choice.get("label"), f"{cpath}.label")
        if not isinstance(question.get("other", False), bool):
            self.add(f"{path}.other", _l("must be true or false"))

    def choice_key(self, key, keys, question, path):
        if key in keys:
            self.add(f"{path}.key", _l("appears twice"))
        elif key == OTHER_KEY and question.get("other"):
            self.add(f"{path}.key", _l("'other' is added for you when other is true"))
        keys.add(key)

    def scale(self, scale, path):
        if not isinstance(scale, dict):
            self.add(path, _l("a rating needs a scale with min and max"))
            return
        self.unknown_fields(scale, {"min", "max", "min_label", "max_label"}, path)
        low, high = scale.get("min"), scale.get("max")
        if not _is_int(low) or not _is_int(high) or low >= high:
            self.add(path, _l("min and max must be whole numbers with min below max"))
        elif high - low + 1 > MAX_SCALE_POINTS:
            self.add(path, _l("a scale has at most %(n)s points", n=MAX_SCALE_POINTS))
        self.texts(scale.get("min_label"), f"{path}.min_label")
        self.texts(scale.get("max_label"), f"{path}.max_label")

    def number_range(self, question, path):
        low, high = question.get("min"), question.get("max")
        for name, value in (("min", low), ("max", high)):
            if value is not None and not _is_number(value):
                self.add(f"{path}.{name}", _l("must be a number"))
        if _is_number(low) and _is_number(high) and low > high:
            self.add(f"{path}.min", _l("must not be above max"))
        if not isinstance(question.get("decimals", False), bool):
            self.add(f"{path}.decimals", _l("must be true or false"))

    def max_length(self, question, kind, path):
        cap = MAX_SHORT_TEXT if kind == "short_text" else MAX_LONG_TEXT
        value = question.get("max_length", cap)
        if not _is_int(value) or not 1 <= value <= cap:
            self.add(f"{path}.max_length", _l("must be a whole number from 1 to %(cap)s", cap=cap))

    def condition(self, condition, path):
        if not isinstance(condition, dict) or "question" not in condition:
            self.add(path, _l("must name an earlier question and one test"))
            return
        self.unknown_fields(condition, {"question", *CONDITION_OPERATORS}, path)
        key = condition["question"]
        target = self.seen.get(key) if isinstance(key, str) else None
        if target is None:
            self.add(f"{path}.question", _l("must be the key of an earlier question"))
            return
        operators = [op for op in CONDITION_OPERATORS if op in condition]
        if len(operators) != 1:
            self.add(path, _l("use exactly one of: equals, one_of, answered"))
            return
        operator = operators[0]
        if operator == "answered":
            if not isinstance(condition["answered"], bool):
                self.add(f"{path}.answered", _l("must be true or false"))
            return
        wanted = condition[operator]
        wanted = wanted if operator == "one_of" else [wanted]
        if operator == "one_of" and (not isinstance(condition["one_of"], list) or not wanted):
            self.add(f"{path}.one_of", _l("must be a non-empty list"))
            return
        if operator == "one_of" and len({repr(v) for v in wanted}) != len(wanted):
            self.add(f"{path}.one_of", _l("lists the same answer twice"))
        allowed = _answer_keys(target)
        for value in wanted:
            if not self.condition_value(value, f"{path}.{operator}"):
                continue
            if allowed is not None and str(value) not in allowed:
                self.add(
                    f"{path}.{operator}",
                    _l("'%(value)s' is not an answer to that question", value=value),
                )

    def condition_value(self, value, path):
        """An answer to test for: a number, or a text an XLSForm can quote."""
        if _is_number(value):
            return True
        if not isinstance(value, str) or not value.strip():
            self.add(path, _l("write the answer to test for"))
            return False
        if CONTROL.search(value):
            self.add(path, _l("contains a control character (only line breaks are allowed)"))
            return False
        if "'" in value and '"' in value:
            self.add(path, _l("an answer to test for cannot hold both ' and \""))
            return False
        return True

    def role_question(self, key):
        if key is None:
            return
        target = self.seen.get(key) if isinstance(key, str) else None
        if target is None or target.get("type") != "single_choice":
            self.add("role_question", _l("must be the key of a single-choice question"))

    def guard(self, text, path, promise_allowed=False):
        phrase = forbidden_phrase(text, promise_allowed)
        if phrase:
            self.add(
                path,
                _l(
                    "asks about immigration or citizenship status, country of birth, "
                    'Social Security or A-numbers (found: "%(phrase)s"). Voces never '
                    "asks this: California Education Code 234.7 and district policy "
                    "forbid collecting it, and it puts families at risk.",
                    phrase=phrase,
                ),
            )


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _answer_keys(question):
    """The answers a condition may test for, or None when any text goes."""
    kind = question.get("type")
    if kind in ("single_choice", "multiple_choice"):
        keys = {c.get("key") for c in question.get("choices") or [] if isinstance(c, dict)}
        return keys | ({OTHER_KEY} if question.get("other") else set())
    if kind == "yes_no":
        return {"yes", "no"}
    if kind == "rating" and isinstance(question.get("scale"), dict):
        scale = question["scale"]
        if _is_int(scale.get("min")) and _is_int(scale.get("max")):
            return {str(n) for n in range(scale["min"], scale["max"] + 1)}
    return None
