"""Keep a published question's answers meaning what they meant.

Answers are stored under the question's key and exported by reading them
with the question's current definition, so a key published as a single
choice must stay one: read as a multiple choice, the stored "parent" would
come out as "p; a; r; e; n; t". A question whose type (or rating scale)
must change gets a new key instead.
"""

from flask_babel import lazy_gettext as _l

from .validator import Problem

TYPE_LABELS = {
    "single_choice": _l("One choice"),
    "multiple_choice": _l("Several choices"),
    "yes_no": _l("Yes or no"),
    "rating": _l("Rating scale"),
    "number": _l("Number"),
    "short_text": _l("Short text"),
    "long_text": _l("Long text"),
    "note": _l("Note (text only, no answer)"),
}
# Short and long text store the same kind of answer: a lead may switch them.
_SAME_ANSWERS = {"long_text": "short_text"}


def changed_meaning(published, data):
    """Problems for questions of ``data`` that would read published answers wrongly.

    ``published`` are the survey's published definitions, oldest first; each
    key is compared with the last version that had it.
    """
    before = {}
    for definition in published:
        before.update(_questions(definition))
    problems = []
    for path, question in _paths(data):
        old = before.get(question.get("key"))
        if old is not None and old.get("type") != "note":  # a note stored no answers
            problems.extend(_compare(old, question, path))
    return problems


def _compare(old, new, path):
    key = new["key"]
    if _answers(old) != _answers(new):
        return [
            Problem(
                f"{path}.type",
                _l(
                    "this question was published as “%(old)s”: as “%(new)s” the answers "
                    "already given would be read wrongly. Keep its type, or add a new "
                    "question with a new key (for example %(key)s_2) and delete this one.",
                    old=TYPE_LABELS.get(old.get("type"), old.get("type")),
                    new=TYPE_LABELS.get(new.get("type"), new.get("type")),
                    key=key,
                ),
            )
        ]
    if new.get("type") == "rating" and _ends(old) != _ends(new):
        low, high = _ends(old)
        return [
            Problem(
                f"{path}.scale",
                _l(
                    "this rating was published with a scale from %(low)s to %(high)s: "
                    "another scale would change what the answers already given mean. Keep "
                    "the scale, or add a new question with a new key (for example "
                    "%(key)s_2) and delete this one.",
                    low=low,
                    high=high,
                    key=key,
                ),
            )
        ]
    return []


def _answers(question):
    kind = question.get("type")
    return _SAME_ANSWERS.get(kind, kind)


def _ends(question):
    scale = question.get("scale") or {}
    return scale.get("min"), scale.get("max")


def _questions(data):
    return {question.get("key"): question for _path, question in _paths(data)}


def _paths(data):
    for index, section in enumerate(data.get("sections") or []):
        if not isinstance(section, dict):
            continue
        for position, question in enumerate(section.get("questions") or []):
            if isinstance(question, dict) and isinstance(question.get("key"), str):
                yield f"sections[{index}].questions[{position}]", question
