"""Forms for staff: logging in, setting a password, creating accounts."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, RadioField, SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from .base import HtmlForm

ROLE_LABELS = {
    # i18n: staff roles in Voces
    "admin": _l("Administrator (manages accounts)"),
    "lead": _l("Coalition lead (sees and downloads everything, manages surveys)"),
    "facilitator": _l("Facilitator (records focus groups)"),
}


class LoginForm(HtmlForm):
    email = EmailField(_l("E-mail address"), [DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), [DataRequired(), Length(max=1024)])


class SetPasswordForm(HtmlForm):
    password = PasswordField(
        _l("New password"),
        [DataRequired(), Length(max=1024)],
        description=_l("At least 8 characters. A short sentence is easy to remember."),
    )
    confirm = PasswordField(
        _l("The same password again"),
        [DataRequired(), EqualTo("password", message=_l("The two passwords are not the same."))],
    )


# Each language in its own words, so either reader finds theirs.
MAIL_LANGUAGES = [SelectChoice("en", "English"), SelectChoice("es", "Español")]


class CreateUserForm(HtmlForm):
    email = EmailField(_l("E-mail address"), [DataRequired(), Length(max=254)])
    role = RadioField(
        _l("Role"), [DataRequired()], choices=[SelectChoice(k, v) for k, v in ROLE_LABELS.items()]
    )
    # Shown only when a mail server is configured; defaults to the admin's language.
    language = RadioField(_l("Language of the e-mail"), choices=MAIL_LANGUAGES)
