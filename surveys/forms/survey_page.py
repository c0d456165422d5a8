"""Build the WTForms form for one page of a survey definition.

Each question becomes a field named after its stable key; a multiple-choice
question with "other" also gets ``<key>__other`` for the typed detail.
"""

from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, SelectChoice
from wtforms.validators import ValidationError

from ..definition.model import OTHER_KEY, OTHER_SUFFIX, is_shown
from .base import HtmlForm
from .fields import (
    ChoiceAnswerField,
    LongTextAnswerField,
    MultiChoiceAnswerField,
    NumberAnswerField,
    RequiredAnswer,
    ShortTextAnswerField,
)


class PageForm(HtmlForm):
    # A label of its own: WTForms would otherwise make one up, loading its
    # own catalog from disk on every request to translate it.
    submission_token = HiddenField(label="")

    class Meta:
        # Survey pages are plain forms: answers are read only through fields.
        locales = False


def build_page_form(
    definition, section_index, language, values, formdata=None, csrf=True, preview=False
):
    """Return a bound form for a page.

    ``values`` are the answers so far (raw, per field name). They fill the
    fields when ``formdata`` is not given, and decide which questions show.
    A question whose condition depends on this same page is always shown
    (no JavaScript can hide it) but only counts when its condition holds:
    ``form.active`` lists the questions that count. A ``preview`` for a lead
    shows every question, saying when one depending on an earlier page appears.
    """
    questions = [q for q in definition.section_questions(section_index) if not q.is_note]
    page_keys = {q.key for q in questions}
    merged = {**values, **raw_values(formdata, questions)} if formdata is not None else values
    rendered, active, hints = [], [], {}
    for question in questions:
        counts = is_shown(question, merged)
        condition = question.data.get("show_if")
        same_page = bool(condition) and condition["question"] in page_keys
        if counts or same_page or preview:
            rendered.append(question)
            active.extend([question] if counts else [])
            if same_page:
                hints[question.key] = condition_hint(definition, condition, language)
            elif condition and preview:
                hints[question.key] = condition_hint(definition, condition, language, True)
    form_class = _form_class(definition, section_index, language, rendered, active)
    source = _multidict(values, rendered) if formdata is None else formdata
    form = form_class(formdata=source, meta={"csrf": csrf})
    form.questions, form.active, form.condition_hints = rendered, active, hints
    form.shown_notes = _shown_notes(definition, section_index, merged, page_keys, preview)
    return form


def _shown_notes(definition, section_index, values, page_keys, preview):
    """Notes follow their conditions as questions do; one that depends on this
    same page is shown, since no JavaScript can hide it."""
    notes = [q for q in definition.section_questions(section_index) if q.is_note]
    return {
        note.key
        for note in notes
        if preview
        or is_shown(note, values)
        or (note.data.get("show_if") or {}).get("question") in page_keys
    }


# Form classes already made, oldest first. Making one (its fields, their
# translated labels and choices) costs more than the rest of a page, and the
# last page makes one for every page again; the same survey page always gets
# the same class.
_FORM_CLASSES = {}
FORM_CLASSES_KEPT = 512


def _form_class(definition, section_index, language, rendered, active):
    """The form class for these questions of a page, made once per process."""
    counting = {q.key for q in active}
    key = (
        definition.fingerprint(section_index),
        language,
        str(get_locale()),  # the language of our own strings ("Yes", "Other:")
        tuple((q.key, q.key in counting) for q in rendered),
    )
    form_class = _FORM_CLASSES.get(key)
    if form_class is None:
        fields = {
            name: field
            for question in rendered
            for name, field in _fields_for(question, language, required=question.key in counting)
        }
        form_class = type("Form", (PageForm,), fields)
        if len(_FORM_CLASSES) >= FORM_CLASSES_KEPT:
            _FORM_CLASSES.pop(next(iter(_FORM_CLASSES)), None)
        _FORM_CLASSES[key] = form_class
    return form_class


def condition_hint(definition, condition, language, preview=False):
    """Say in words when a question applies, for pages seen without JavaScript;
    for a lead's ``preview``, when a question depending on an earlier page appears."""
    target = definition.question(condition["question"])
    question = target.text(language)
    if condition.get("answered") is False:
        if preview:
            return _("Preview: shown only when “%(question)s” was left blank.", question=question)
        return _("Answer this only if you left “%(question)s” blank.", question=question)
    if "answered" in condition:
        if preview:
            return _("Preview: shown only when “%(question)s” was answered.", question=question)
        return _("Answer this only if you answered “%(question)s”.", question=question)
    wanted = condition.get("one_of") or [condition.get("equals")]
    choices = " / ".join(_choice_label(target, str(value), language) for value in wanted)
    if preview:
        return _(
            "Preview: shown only when the answer to “%(question)s” is: %(choices)s.",
            question=question,
            choices=choices,
        )
    return _("Answer this only if you chose: %(choices)s.", choices=choices)


def _choice_label(question, key, language):
    if question.type == "yes_no":
        return _("Yes") if key == "yes" else _("No")
    return question.choice_label(key, language)


def raw_values(formdata, questions):
    """The raw answers posted for these questions, per field name, as typed."""
    return {
        name: [v for v in formdata.getlist(name) if v != ""]
        for question in questions
        for name in question.field_names
    }


def _multidict(values, questions):
    pairs = [
        (name, value)
        for question in questions
        for name in question.field_names
        for value in values.get(name, [])
    ]
    return MultiDict(pairs)


def _choices(question, language):
    return [
        SelectChoice(c["key"], question.choice_label(c["key"], language)) for c in question.choices
    ]


def _fields_for(question, language, required=True):
    wanted = question.required and required
    validators = [RequiredAnswer(question.message(language))] if wanted else []
    label = question.text(language)
    kind = question.type
    if kind == "single_choice":
        choices = _choices(question, language)
        yield (
            question.key,
            ChoiceAnswerField(label, validators, choices=choices),
        )
    elif kind == "multiple_choice":
        choices = _choices(question, language)
        if question.allows_other:
            choices.append(SelectChoice(OTHER_KEY, _("Other (please tell us)")))
            validators.append(_OtherDetail(question.key + OTHER_SUFFIX))
        yield question.key, MultiChoiceAnswerField(label, validators, choices=choices)
        if question.allows_other:
            yield question.key + OTHER_SUFFIX, ShortTextAnswerField(_("Other:"), max_length=200)
    elif kind == "yes_no":
        choices = [SelectChoice("yes", _("Yes")), SelectChoice("no", _("No"))]
        yield question.key, ChoiceAnswerField(label, validators, choices=choices)
    elif kind == "rating":
        scale = question.data["scale"]
        choices = [SelectChoice(n, str(n)) for n in range(scale["min"], scale["max"] + 1)]
        yield question.key, ChoiceAnswerField(label, validators, choices=choices, coerce=int)
    elif kind == "number":
        yield (
            question.key,
            NumberAnswerField(
                label,
                validators,
                minimum=question.data.get("min"),
                maximum=question.data.get("max"),
                decimals=bool(question.data.get("decimals")),
            ),
        )
    elif kind == "short_text":
        yield (
            question.key,
            ShortTextAnswerField(
                label, validators, max_length=question.data.get("max_length", 500)
            ),
        )
    elif kind == "long_text":
        yield (
            question.key,
            LongTextAnswerField(
                label, validators, max_length=question.data.get("max_length", 5000)
            ),
        )


class _OtherDetail:
    """Choosing "other" asks for a word or two about it."""

    def __init__(self, detail_field):
        self.detail_field = detail_field

    def __call__(self, form, field):
        detail = form[self.detail_field].data
        if OTHER_KEY in (field.data or []) and not detail:
            raise ValidationError(_("You chose “Other”: please tell us what it is."))
