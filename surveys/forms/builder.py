"""Builder forms: every text in English and Spanish side by side.

Each form turns its fields into the definition's plain data (``data()``) and
is filled from it (``from_data``); the builder service checks the result.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional, Regexp, ValidationError
from wtforms.widgets import NumberInput

from ..definition.meaning import TYPE_LABELS
from ..definition.model import QUESTION_TYPES
from ..definition.validator import KEY, SLUG
from .base import HtmlForm
from .focus_groups import WholeNumberField

LANGUAGES = ("en", "es")
NEW_CHOICE_ROWS = 3
NEW_COMMUNITY_ROWS = 2
LANGUAGE_SETS = {"en es": ("en", "es"), "en": ("en",), "es": ("es",)}
TESTS = {
    "": _l("Always show"),
    "equals": _l("is"),
    "one_of": _l("is one of (separate with commas)"),
    "answered": _l("was answered"),
    "unanswered": _l("was not answered"),
}


def _pair(name, label, area=False):
    """Two fields, ``<name>_en`` and ``<name>_es``, for one text."""
    kind = TextAreaField if area else StringField
    return {
        f"{name}_en": kind(_l("%(field)s (English)", field=label), render_kw={"lang": "en"}),
        f"{name}_es": kind(_l("%(field)s (Spanish)", field=label), render_kw={"lang": "es"}),
    }


def _with_pairs(base, pairs):
    fields = {}
    for name, label, area in pairs:
        fields.update(_pair(name, label, area))
    return type(base.__name__, (base,), fields)


def texts_of(form, name):
    return {lang: getattr(form, f"{name}_{lang}").data or "" for lang in LANGUAGES}


def fill_texts(form, name, values):
    for lang in LANGUAGES:
        getattr(form, f"{name}_{lang}").data = (values or {}).get(lang, "")


class ActionForm(HtmlForm):
    """A button that changes something: only its CSRF token is checked."""


class NewSurveyForm(HtmlForm):
    slug = StringField(
        _l("Address of the survey"),
        [
            DataRequired(_l("Please write an address.")),
            Regexp(
                SLUG, message=_l("Use lower-case letters, digits and hyphens, like family-survey.")
            ),
        ],
        description=_l("Families open /s/<address>. Lower-case letters, digits and hyphens."),
    )


NewSurveyForm = _with_pairs(NewSurveyForm, [("title", _l("Title"), False)])


class ImportForm(HtmlForm):
    file = FileField(
        _l("XLSForm or definition file"),
        [FileRequired(_l("Please choose a file."))],
        description=_l(
            "An XLSForm from KoboToolbox or ODK (.xlsx, .xls, .csv), or a Voces "
            "definition (.yaml, .json)."
        ),
    )


class SurveyTextsForm(HtmlForm):
    languages = SelectField(
        _l("Languages"),
        choices=[
            SelectChoice("en es", _l("English and Spanish")),
            SelectChoice("en", _l("English only")),
            SelectChoice("es", _l("Spanish only")),
        ],
        description=_l("Every text must exist in each language before the survey is published."),
    )

    def data_fields(self):
        return {name: texts_of(self, name) for name in ("title", "intro", "consent", "thank_you")}

    def chosen_languages(self):
        return LANGUAGE_SETS[self.languages.data]

    def from_data(self, data):
        for name in ("title", "intro", "consent", "thank_you"):
            fill_texts(self, name, data.get(name))
        self.languages.data = " ".join(data.get("languages", LANGUAGES))


SurveyTextsForm = _with_pairs(
    SurveyTextsForm,
    [
        ("title", _l("Title"), False),
        ("intro", _l("Introduction"), True),
        ("consent", _l("Consent"), True),
        ("thank_you", _l("After sending"), True),
    ],
)


class SectionForm(HtmlForm):
    pass


SectionForm = _with_pairs(
    SectionForm, [("title", _l("Page title"), False), ("description", _l("Description"), True)]
)


class ChoiceRow(Form):
    key = StringField(
        _l("Key"),
        [
            Optional(),
            Regexp(KEY, message=_l("Start with a letter; use lower-case letters, digits and _.")),
        ],
    )


ChoiceRow = _with_pairs(ChoiceRow, [("label", _l("Choice"), False)])


class CommunityRow(Form):
    slug = StringField(
        _l("Address"),
        [Optional(), Regexp(SLUG, message=_l("Use lower-case letters, digits and hyphens."))],
    )
    remove = BooleanField(_l("Remove"))


CommunityRow = _with_pairs(CommunityRow, [("name", _l("Name"), False)])


class CommunitiesForm(HtmlForm):
    rows = FieldList(FormField(CommunityRow))

    def communities(self):
        found = []
        for entry in self.rows:
            row = entry.form
            if row.slug.data and not row.remove.data:
                names = {k: v.strip() for k, v in texts_of(row, "name").items() if v.strip()}
                found.append({"slug": row.slug.data.strip(), "name": names})
        return found


def build_communities_form(communities, formdata=None):
    form = CommunitiesForm(formdata=formdata)
    if formdata is None:
        for community in communities:
            form.rows.append_entry()
            row = form.rows[-1].form
            row.slug.data = community["slug"]
            fill_texts(row, "name", community["name"])
    while len(form.rows) < len(communities) + NEW_COMMUNITY_ROWS:
        form.rows.append_entry()
    return form


class QuestionForm(HtmlForm):
    key = StringField(
        _l("Key"),
        [
            DataRequired(_l("Please write a key.")),
            Regexp(KEY, message=_l("Start with a letter; use lower-case letters, digits and _.")),
        ],
        description=_l("A short stable name, like kids_at_school. Exports and analysis use it."),
    )
    type = SelectField(
        _l("Type"), choices=[SelectChoice(t, TYPE_LABELS[t]) for t in QUESTION_TYPES]
    )
    required = BooleanField(_l("An answer is required"))
    choices = FieldList(FormField(ChoiceRow))
    other = BooleanField(_l("Offer \u201cOther, please specify\u201d (several choices only)"))
    min = StringField(_l("Smallest number allowed"), render_kw={"inputmode": "decimal"})
    max = StringField(_l("Largest number allowed"), render_kw={"inputmode": "decimal"})
    decimals = BooleanField(_l("Accept decimals, like 2.5"))
    max_length = WholeNumberField(
        _l("Most characters allowed"), [Optional()], widget=NumberInput(step=1, min=1)
    )
    scale_min = WholeNumberField(_l("Scale from"), [Optional()], widget=NumberInput(step=1))
    scale_max = WholeNumberField(_l("Scale to"), [Optional()], widget=NumberInput(step=1))
    # The validator checks the condition names an earlier question, and says so.
    show_if_question = SelectField(
        _l("Show only if the answer to"), choices=[], validate_choice=False, default=""
    )
    show_if_test = SelectField(_l("Test"), choices=[SelectChoice(k, v) for k, v in TESTS.items()])
    show_if_value = StringField(
        _l("Answer"),
        description=_l(
            "The answer's key, for example parent; for \u201cis one of\u201d, several keys "
            "separated by commas."
        ),
    )

    def question(self):
        """The question as definition data (the validator checks the rest)."""
        kind = self.type.data
        question = {"key": self.key.data.strip(), "type": kind, "text": _texts(self, "text")}
        for name, field in (("help", "help"), ("message", "message")):
            if _texts(self, field):
                question[name] = _texts(self, field)
        if self.required.data and kind != "note":
            question["required"] = True
        if kind in ("single_choice", "multiple_choice"):
            question["choices"] = self._choices()
        if kind == "multiple_choice" and self.other.data:
            question["other"] = True
        if kind == "number":
            self._number(question)
        if kind in ("short_text", "long_text") and self.max_length.data:
            question["max_length"] = self.max_length.data
        if kind == "rating":
            question["scale"] = {
                "min": self.scale_min.data,
                "max": self.scale_max.data,
                "min_label": _texts(self, "min_label"),
                "max_label": _texts(self, "max_label"),
            }
        condition = self._condition()
        if condition:
            question["show_if"] = condition
        return question

    def _choices(self):
        found = []
        for entry in self.choices:
            row = entry.form
            if row.key.data:
                found.append({"key": row.key.data.strip(), "label": _texts(row, "label")})
        return found

    def _number(self, question):
        for name in ("min", "max"):
            text = (getattr(self, name).data or "").strip()
            if text:
                question[name] = _parse_number(text)
        if self.decimals.data:
            question["decimals"] = True

    def _condition(self):
        target, test = self.show_if_question.data, self.show_if_test.data
        if not target or not test:
            return None
        if test in ("answered", "unanswered"):
            return {"question": target, "answered": test == "answered"}
        typed = (v.strip() for v in (self.show_if_value.data or "").split(","))
        values = list(dict.fromkeys(v for v in typed if v))  # each answer once
        if test == "equals":
            return {"question": target, "equals": values[0] if values else ""}
        return {"question": target, "one_of": values}

    def validate_min(self, field):
        _check_number(field)

    def validate_max(self, field):
        _check_number(field)

    def from_question(self, question):
        self.key.data = question["key"]
        self.type.data = question["type"]
        self.required.data = bool(question.get("required"))
        for name in ("text", "help", "message"):
            fill_texts(self, name, question.get(name))
        for choice in question.get("choices", []):
            self.choices.append_entry()
            row = self.choices[-1].form
            row.key.data = choice["key"]
            fill_texts(row, "label", choice["label"])
        self.other.data = bool(question.get("other"))
        self.min.data = _show_number(question.get("min"))
        self.max.data = _show_number(question.get("max"))
        self.decimals.data = bool(question.get("decimals"))
        self.max_length.data = question.get("max_length")
        scale = question.get("scale") or {}
        self.scale_min.data, self.scale_max.data = scale.get("min"), scale.get("max")
        fill_texts(self, "min_label", scale.get("min_label"))
        fill_texts(self, "max_label", scale.get("max_label"))
        self._fill_condition(question.get("show_if"))

    def _fill_condition(self, condition):
        if not condition:
            return
        self.show_if_question.data = condition["question"]
        if "answered" in condition:
            self.show_if_test.data = "answered" if condition["answered"] else "unanswered"
        elif "equals" in condition:
            self.show_if_test.data, self.show_if_value.data = "equals", str(condition["equals"])
        else:
            self.show_if_test.data = "one_of"
            self.show_if_value.data = ", ".join(str(v) for v in condition["one_of"])


QuestionForm = _with_pairs(
    QuestionForm,
    [
        ("text", _l("Question"), True),
        ("help", _l("Help text"), True),
        ("message", _l("Message when the answer is missing or not valid"), False),
        ("min_label", _l("Label of the lowest point"), False),
        ("max_label", _l("Label of the highest point"), False),
    ],
)


def _texts(form, name):
    return {k: v.strip() for k, v in texts_of(form, name).items() if v.strip()}


def _parse_number(text):
    value = float(text.replace(",", "."))
    return int(value) if value.is_integer() and "." not in text and "," not in text else value


def _check_number(field):
    text = (field.data or "").strip()
    if text:
        try:
            _parse_number(text)
        except ValueError:
            raise ValidationError(_l("Please write a number, like 3 or 2.5.")) from None


def _show_number(value):
    return "" if value is None else str(value)


def build_question_form(earlier, question=None, formdata=None):
    """The question form; ``earlier`` are the questions a show-if may name."""
    form = QuestionForm(formdata=formdata)
    form.show_if_question.choices = [SelectChoice("", _l("(nobody: always show)"))] + [
        SelectChoice(q["key"], _question_label(q)) for q in earlier
    ]
    if formdata is None and question is not None:
        form.from_question(question)
    existing = len(question.get("choices", [])) if question else 0
    while len(form.choices) < existing + NEW_CHOICE_ROWS:
        form.choices.append_entry()
    return form


def _question_label(question):
    text = (question.get("text") or {}).get("en") or next(
        iter((question.get("text") or {}).values()), ""
    )
    answers = [c["key"] for c in question.get("choices", [])]
    if question["type"] == "yes_no":
        answers = ["yes", "no"]
    suffix = f" ({', '.join(answers)})" if answers else ""
    return f"{question['key']}: {text[:50]}{suffix}"


class PublishForm(HtmlForm):
    privacy_confirmed = BooleanField(
        _l(
            "I have read the privacy note: the coalition needs these questions and will keep "
            "the answers safe."
        )
    )
