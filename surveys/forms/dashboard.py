"""The leads' dashboard filters: community, role and language, read from the address."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField

from ..services import selection
from ..services.selection import Filters
from .base import HtmlForm

ALL = ""


class DashboardFilterForm(HtmlForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    community = SelectField(_l("Community"), default=ALL)
    role = SelectField(_l("Who answered"), default=ALL)
    language = SelectField(_l("Language of the answers"), default=ALL)

    def filters(self):
        return Filters(
            community=self.community.data or None,
            role=self.role.data or None,
            language=self.language.data or None,
        )


def build_filter_form(args, survey, language):
    form = DashboardFilterForm(formdata=args)
    role_question = selection.role_question(survey)
    form.community.choices = [SelectChoice(ALL, _("All communities"))] + [
        SelectChoice(c.slug, c.name(language)) for c in survey.communities
    ]
    form.role.choices = [SelectChoice(ALL, _("Everyone"))] + [
        SelectChoice(c["key"], role_question.choice_label(c["key"], language))
        for c in (role_question.choices if role_question else [])
    ]
    form.language.choices = [
        SelectChoice(ALL, _("Both languages")),
        SelectChoice("en", _("English")),
        SelectChoice("es", _("Spanish")),
    ]
    return form
