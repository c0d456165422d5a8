"""CSRF tokens: signed when the form is shown, checked with a kept serializer.

Flask-WTF signs a fresh token as soon as a form is built. A survey page that
was posted and passed its checks redirects, and that token was never shown:
signing it was over a third of the page's CSRF work (docs/benchmarks.md).

Checking a posted token is Flask-WTF's check, step for step, except that the
serializer (and the key it derives from the secret) is made once per secret
key instead of once per check: building it was a third of the check's cost.
"""

import hmac
import logging

from flask import current_app, g, session
from flask_wtf import FlaskForm
from itsdangerous import BadData, SignatureExpired
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields import HiddenField
from wtforms.validators import ValidationError

from ..sessions import SessionSerializer

SALT = "wtf-csrf-token"  # Flask-WTF's, so that the tokens it signs are the ones checked
logger = logging.getLogger("flask_wtf.csrf")


class LazyTokenField(CSRFTokenField):
    def process(self, *args, **kwargs):
        HiddenField.process(self, *args, **kwargs)  # not CSRFTokenField's: it signs now

    def _value(self):
        if self.current_token is None:
            self.current_token = self.csrf_impl.generate_csrf_token(self)
        return self.current_token


class LazyCSRF(FlaskForm.Meta.csrf_class):
    """Flask-WTF's session-based check, with the token signed only when rendered."""

    field_class = LazyTokenField

    def validate_csrf_token(self, form, field):
        if g.get("csrf_valid", False):
            return  # already checked by CSRFProtect
        meta = self.meta
        try:
            check_token(field.data, meta.csrf_secret, meta.csrf_time_limit, meta.csrf_field_name)
        except ValidationError as error:
            logger.info(error.args[0])
            raise


def posted_token_passes(formdata):
    """Whether a posted form's CSRF token passes the check its form would make.

    A survey page that passes is saved and redirects: checked here, it is
    built without a token field (and built again with one only when it is
    shown again). True when CSRF checks are turned off.
    """
    config = current_app.config
    if not config.get("WTF_CSRF_ENABLED", True):
        return True
    name = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    secret = config.get("WTF_CSRF_SECRET_KEY", current_app.secret_key)
    try:
        check_token(formdata.get(name), secret, config.get("WTF_CSRF_TIME_LIMIT", 3600), name)
    except ValidationError:
        return False
    return True


def check_token(data, secret_key, time_limit, field_name):
    """Flask-WTF's ``validate_csrf``, with the serializer kept: ``ValidationError`` if refused."""
    if not data:
        raise ValidationError("The CSRF token is missing.")
    if field_name not in session:
        raise ValidationError("The CSRF session token is missing.")
    try:
        token = _serializer(secret_key).loads(data, max_age=time_limit)
    except SignatureExpired as error:
        raise ValidationError("The CSRF token has expired.") from error
    except BadData as error:
        raise ValidationError("The CSRF token is invalid.") from error
    if not hmac.compare_digest(session[field_name], token):
        raise ValidationError("The CSRF tokens do not match.")


_SERIALIZERS = {}  # secret key -> serializer


def _serializer(secret_key):
    found = _SERIALIZERS.get(secret_key)
    if found is None:
        found = _SERIALIZERS[secret_key] = SessionSerializer(secret_key, salt=SALT)
    return found
