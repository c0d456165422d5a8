"""Forms for focus groups: a new session, its notes, co-facilitators and the leads' filters."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget, NumberInput

from ..definition.model import localized
from ..models.focus_group import COUNTS, SETTINGS, SPEAKER_ROLES
from .base import HtmlForm
from .fields import RequiredAnswer

SETTING_LABELS = {
    "in_person": _l("In person"),
    "online": _l("Online, by video call"),
    "phone": _l("By phone"),
}
LANGUAGE_LABELS = {"en": _l("English"), "es": _l("Spanish")}
COUNT_LABELS = {
    "parents": _l("Parents and guardians"),
    "students": _l("Students"),
    "educators": _l("Teachers and school staff"),
    "community_members": _l("Community members"),
}
SPEAKER_LABELS = {
    # i18n: who said a quote in a focus group; only the role, never a name
    "parent": _l("A parent"),
    "student": _l("A student"),
    "educator": _l("An educator"),
    "community_member": _l("A community member"),
}
# What the focus-group templates show for stored keys.
LABELS = {
    "setting": SETTING_LABELS,
    "language": LANGUAGE_LABELS,
    "count": COUNT_LABELS,
    "speaker": SPEAKER_LABELS,
}
CHOOSE_SHOWN = _l("Please choose one of the options shown.")
MAX_PARTICIPANTS = 500
NOTE_MAX = 10000
QUOTE_MAX = 1000
EMPTY_QUOTE_ROWS = 3
NO_COMMUNITY = ""


class DayField(DateField):
    """A date as year-month-day (what date pickers send), refused with our own message."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if text:
            try:
                self.data = date.fromisoformat(text)
            except ValueError:
                raise ValueError(
                    _("Please write the date as year-month-day, for example 2021-08-16.")
                ) from None


class WholeNumberField(IntegerField):
    """A whole number with our own message; an empty box counts as ``blank``."""

    widget = NumberInput(step=1, min=0)

    def __init__(self, label=None, validators=None, blank=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.blank = blank

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = self.blank
        if text:
            try:
                self.data = int(text)
            except ValueError:
                self.data = None
                raise ValueError(_("Please write a whole number, like 3.")) from None


class MaxLength:
    """Like ``Length(max=...)`` but without the ``maxlength`` attribute, with
    which a browser would silently cut a long paste: notes never lose text."""

    def __init__(self, maximum):
        self.maximum = maximum

    def __call__(self, form, field):
        count = len(field.data or "")
        if count > self.maximum:
            raise ValidationError(
                _(
                    "Please shorten your answer to %(max)s characters or fewer "
                    "(it has %(count)s now). Your text is still here.",
                    max=self.maximum,
                    count=count,
                )
            )


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _count_field(name):
    return WholeNumberField(
        COUNT_LABELS[name],
        [NumberRange(0, MAX_PARTICIPANTS, _l("Please write a number from %(min)s to %(max)s."))],
        blank=0,
        default=0,
    )


class NewFocusGroupForm(HtmlForm):
    survey = SelectField(_l("Survey"), invalid_choice_message=CHOOSE_SHOWN)
    community = SelectField(
        _l("Community"),
        invalid_choice_message=CHOOSE_SHOWN,
        description=_l("Choose the community whose families took part, if there is one."),
    )
    held_on = DayField(
        _l("Date of the focus group"),
        [RequiredAnswer(_l("Please enter the date of the focus group."))],
    )
    setting = RadioField(
        _l("Where did the group meet?"),
        [InputRequired(_l("Please choose where the group met.")), AnyOf(SETTINGS, CHOOSE_SHOWN)],
        choices=[SelectChoice(key, label) for key, label in SETTING_LABELS.items()],
        validate_choice=False,
    )
    languages = CheckboxesField(
        _l("Languages spoken in the group"),
        [DataRequired(_l("Please choose at least one language."))],
        choices=[SelectChoice(key, label) for key, label in LANGUAGE_LABELS.items()],
        invalid_choice_message=CHOOSE_SHOWN,
    )
    parents = _count_field("parents")
    students = _count_field("students")
    educators = _count_field("educators")
    community_members = _count_field("community_members")
    consent = BooleanField(
        _l("Everyone present agreed to take part and to have notes taken without their names."),
        [DataRequired(_l("Notes can only be taken when everyone present agreed."))],
    )

    def validate_community(self, field):
        if field.data != NO_COMMUNITY and self.community_survey.get(field.data) != self.survey.data:
            raise ValidationError(_("This community is not part of the chosen survey."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and sum(self.counts().values()) == 0:
            self.form_errors.append(_("Please count at least one participant."))
            return False
        return valid

    def counts(self):
        return {name: self[name].data for name in COUNTS}

    def chosen_community(self, survey):
        return next((c for c in survey.communities if str(c.id) == self.community.data), None)


def build_new_focus_group_form(surveys, language, chosen=None):
    """The new-session form; communities are grouped by survey when there are several."""
    form = NewFocusGroupForm()
    form.survey.choices = [SelectChoice(s.slug, _survey_title(s, language)) for s in surveys]
    grouped = len(surveys) > 1
    form.community.choices = [SelectChoice(NO_COMMUNITY, _("No particular community"))] + [
        SelectChoice(
            str(c.id), c.name(language), optgroup=_survey_title(s, language) if grouped else None
        )
        for s in surveys
        for c in s.active_communities
    ]
    form.community_survey = {str(c.id): s.slug for s in surveys for c in s.active_communities}
    if not form.is_submitted() and chosen:
        form.survey.data = chosen
    return form


def _survey_title(survey, language):
    return localized(survey.current.definition.get("title"), language) or survey.slug


class QuoteForm(Form):
    prompt = SelectField(_l("Answer to"), default="", invalid_choice_message=CHOOSE_SHOWN)
    text = TextAreaField(
        _l("What was said"),
        [MaxLength(QUOTE_MAX)],
        render_kw={"rows": 3},
    )
    role = SelectField(
        _l("Said by"),
        default="",
        choices=[
            SelectChoice("", _l("Role not noted")),
            *(SelectChoice(key, SPEAKER_LABELS[key]) for key in SPEAKER_ROLES),
        ],
        invalid_choice_message=CHOOSE_SHOWN,
    )


class NotesForm(HtmlForm):
    observations = TextAreaField(
        _l("Closing observations"),
        [MaxLength(NOTE_MAX)],
        description=_l("What you noticed: the mood, what the group agreed on, what was missing."),
        render_kw={"rows": 8},
    )

    def prompt_fields(self):
        return [self[note_field(key)] for key in self.prompt_keys]

    def notes_data(self):
        """The notes as the service takes them: ``{"notes", "quotes", "observations"}``."""
        return {
            "notes": {key: self[note_field(key)].data for key in self.prompt_keys},
            "quotes": [
                {"prompt": e.form.prompt.data, "text": e.form.text.data, "role": e.form.role.data}
                for e in self.quotes
            ],
            "observations": self.observations.data,
        }


def note_field(key):
    return f"note__{key}"


def build_notes_form(prompts, language, version=None, formdata=None):
    """Notes for each prompt, the quotes so far plus a few empty rows, observations.

    ``formdata`` restores text typed earlier instead of the request's own form.
    """
    rows = len(version.quotes if version else []) + EMPTY_QUOTE_ROWS

    class Notes(NotesForm):
        quotes = FieldList(FormField(QuoteForm), min_entries=rows)

    for prompt in prompts:
        field = TextAreaField(
            localized(prompt["text"], language),
            [MaxLength(NOTE_MAX)],
            render_kw={"rows": 8},
        )
        setattr(Notes, note_field(prompt["key"]), field)
    form = Notes(data=_notes_initial(version), **({"formdata": formdata} if formdata else {}))
    form.prompt_keys = [prompt["key"] for prompt in prompts]
    choices = [SelectChoice("", _("The whole conversation"))]
    choices += [
        SelectChoice(p["key"], _shorten(f"{n}. {localized(p['text'], language)}"))
        for n, p in enumerate(prompts, start=1)
    ]
    for entry in form.quotes:
        entry.form.prompt.choices = choices
    return form


def _notes_initial(version):
    if version is None:
        return {}
    initial = {note_field(key): text for key, text in version.notes.items()}
    initial["quotes"] = [
        {"prompt": q["prompt"] or "", "text": q["text"], "role": q["role"] or ""}
        for q in version.quotes
    ]
    initial["observations"] = version.observations
    return initial


def _shorten(text, length=70):
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


class AddFacilitatorForm(HtmlForm):
    user = SelectField(
        _l("Facilitator"),
        coerce=int,
        invalid_choice_message=CHOOSE_SHOWN,
        invalid_value_message=CHOOSE_SHOWN,
    )


def build_add_facilitator_form(candidates):
    form = AddFacilitatorForm()
    form.user.choices = [SelectChoice(user.id, user.email) for user in candidates]
    return form


ALL_COMMUNITIES = ""
WITHOUT_COMMUNITY = "none"


class FocusGroupFilterForm(HtmlForm):
    """The leads' list filters, read from the query string."""

    class Meta:
        csrf = False

    survey = SelectField(_l("Survey"), invalid_choice_message=CHOOSE_SHOWN)
    community = SelectField(_l("Community"), default="", invalid_choice_message=CHOOSE_SHOWN)
    start = DayField(_l("Held on or after"), [Optional()])
    end = DayField(_l("Held on or before"), [Optional()])

    def validate_end(self, field):
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_("The second date must not be before the first one."))

    def community_filter(self):
        """A Community, "none" for sessions without one, or None for all."""
        if self.community.data == WITHOUT_COMMUNITY:
            return WITHOUT_COMMUNITY
        communities = self.chosen_survey.communities if self.chosen_survey else []
        return next((c for c in communities if c.slug == self.community.data), None)


def build_filter_form(formdata, surveys, language):
    form = FocusGroupFilterForm(formdata=formdata)
    form.survey.choices = [SelectChoice(s.slug, _survey_title(s, language)) for s in surveys]
    if not form.survey.data and surveys:
        form.survey.data = surveys[0].slug
    survey = next((s for s in surveys if s.slug == form.survey.data), None)
    form.community.choices = [
        SelectChoice(ALL_COMMUNITIES, _("All communities")),
        SelectChoice(WITHOUT_COMMUNITY, _("No particular community")),
        *(SelectChoice(c.slug, c.name(language)) for c in (survey.communities if survey else [])),
    ]
    form.chosen_survey = survey
    return form
