"""Say where a problem is in words a lead reads, not as a path in the file.

The validator names places as paths (``sections[1].questions[0].text.es``),
which the CLI prints as they are; the builder shows them as "Page 2,
question 1 (kids), question text in Spanish", in the lead's language.
"""

import re
from dataclasses import replace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

_STEP = re.compile(r"^([a-z_]+)(?:\[(\d+)\])?$")
LANGUAGES = ("en", "es")
SURVEY_FIELDS = {
    "slug": _l("Address"),
    "languages": _l("Languages"),
    "title": _l("Title"),
    "intro": _l("Introduction"),
    "consent": _l("Consent"),
    "thank_you": _l("After sending"),
    "role_question": _l("Who is answering (role question)"),
    "sections": _l("Pages"),
    "communities": _l("Communities"),
}
SECTION_FIELDS = {
    "key": _l("key"),
    "title": _l("page title"),
    "description": _l("page description"),
    "questions": _l("questions"),
}
FIELDS = {
    "key": _l("key"),
    "type": _l("type"),
    "text": _l("question text"),
    "help": _l("help text"),
    "message": _l("message"),
    "required": _l("required"),
    "show_if": _l("condition"),
    "choices": _l("choices"),
    "label": _l("label"),
    "other": _l("“other” option"),
    "scale": _l("scale"),
    "min_label": _l("label of the lowest point"),
    "max_label": _l("label of the highest point"),
    "min": _l("smallest number"),
    "max": _l("largest number"),
    "decimals": _l("decimals"),
    "max_length": _l("most characters"),
    "name": _l("name"),
    "slug": _l("address"),
}
# Parts of a condition are all "the condition" to a lead.
CONDITION_PARTS = {"question", "equals", "one_of", "answered"}


def describe(path, data=None):
    """``path`` in words; ``data`` (the definition) adds question and choice keys."""
    steps = [_STEP.match(step) for step in str(path).split(".")]
    if not steps or None in steps:
        return str(path)  # not a definition path (an XLSForm cell, "(file)"...)
    steps = [(m.group(1), None if m.group(2) is None else int(m.group(2))) for m in steps]
    words, rest = _start(steps, data if isinstance(data, dict) else {})
    if rest is None:
        return str(path)
    return ", ".join(str(w) for w in _fields(words, rest))


def in_words(problems, data=None):
    """The problems with their places described in words."""
    return [replace(problem, path=describe(problem.path, data)) for problem in problems]


def _start(steps, data):
    """The page, question, choice or community a path starts with, and what is left."""
    (name, index), rest = steps[0], steps[1:]
    if name == "sections" and index is not None:
        return _section(index, rest, _item(data.get("sections"), index))
    if name == "communities" and index is not None:
        community = _item(data.get("communities"), index)
        words = [_("Community %(n)s", n=index + 1) + _named(community, "slug")]
        return words, rest
    if name in SURVEY_FIELDS and index is None:
        return [SURVEY_FIELDS[name]], rest
    return [], None


def _section(index, rest, section):
    words = [_("Page %(n)s", n=index + 1)]
    if rest and rest[0][0] == "questions" and rest[0][1] is not None:
        position = rest[0][1]
        question = _item((section or {}).get("questions"), position)
        words.append(_("question %(n)s", n=position + 1) + _named(question, "key"))
        return words + _choice(rest[1:], question), _after_choice(rest[1:])
    if rest and rest[0][0] in SECTION_FIELDS and rest[0][1] is None:
        return [*words, SECTION_FIELDS[rest[0][0]]], rest[1:]
    return words, rest


def _choice(rest, question):
    if rest and rest[0][0] == "choices" and rest[0][1] is not None:
        choice = _item((question or {}).get("choices"), rest[0][1])
        return [_("choice %(n)s", n=rest[0][1] + 1) + _named(choice, "key")]
    return []


def _after_choice(rest):
    return rest[1:] if rest and rest[0][0] == "choices" and rest[0][1] is not None else rest


def _fields(words, rest):
    words, previous = list(words), None
    for name, _index in rest:
        if name in LANGUAGES and words:
            words[-1] = _in_language(words[-1], name)
        elif not (name in CONDITION_PARTS and previous == "show_if"):
            words.append(FIELDS.get(name, name))
            previous = name
    return words


def _in_language(field, language):
    if language == "en":
        return _("%(field)s in English", field=field)
    return _("%(field)s in Spanish", field=field)


def _item(items, index):
    if isinstance(items, list) and 0 <= index < len(items) and isinstance(items[index], dict):
        return items[index]
    return None


def _named(item, field):
    value = (item or {}).get(field)
    return f" ({value})" if isinstance(value, str) and value else ""
