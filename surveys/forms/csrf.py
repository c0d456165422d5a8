"""A CSRF token made when the form is shown, not when it is built.

Flask-WTF signs a fresh token as soon as a form is built. A survey page that
was posted and passed its checks redirects, and that token was never shown:
signing it was over a third of the page's CSRF work (docs/benchmarks.md). Checking
a posted token is unchanged.
"""

from flask_wtf import FlaskForm
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields import HiddenField


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
