"""The first page: the community question, unless the link already says it."""

from flask_babel import gettext as _
from wtforms import SelectChoice

from .base import HtmlForm
from .fields import ChoiceAnswerField, RequiredAnswer

PREFER_NOT_TO_SAY = "-"


class StartForm(HtmlForm):
    """The first page's form; ``build_start_form`` adds the community question."""


def build_start_form(survey, language, ask_community):
    class Form(StartForm):
        pass

    if ask_community:
        choices = [SelectChoice(c.slug, c.name(language)) for c in survey.active_communities]
        choices.append(SelectChoice(PREFER_NOT_TO_SAY, _("Prefer not to say")))
        Form.community = ChoiceAnswerField(
            _("Which community are you answering for?"),
            [RequiredAnswer(_("Please choose your community, or “Prefer not to say”."))],
            choices=choices,
        )
    return Form()
