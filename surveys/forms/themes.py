"""Forms leads use to run the analysis and review its themes."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from .base import HtmlForm


class ActionForm(HtmlForm):
    """A button with nothing to fill in: run, split, mark as not useful."""


class RenameForm(HtmlForm):
    name_en = StringField(_l("Name in English"), [DataRequired(), Length(max=120)])
    name_es = StringField(_l("Name in Spanish"), [DataRequired(), Length(max=120)])


class MergeForm(HtmlForm):
    into = SelectField(_l("Merge into"), [InputRequired()], coerce=int, choices=[])


class MoveForm(HtmlForm):
    document_id = HiddenField(validators=[DataRequired()])
    to = SelectField(_l("Move to"), [InputRequired()], coerce=int, choices=[])


def theme_choices(run, language, exclude=None):
    from wtforms import SelectChoice

    return [SelectChoice(t.key, t.name(language)) for t in run.themes if t.key != exclude]
