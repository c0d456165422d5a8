"""The base of every Voces form: filled from an HTML form post, never from JSON.

Flask-WTF fills a form from a JSON body when no form fields were posted; a body
such as ``Infinity`` or ``[1]`` then made building the form fail (a server
error). Voces's forms are HTML forms: a JSON body leaves them empty, and their
own checks refuse it. Every form signs its CSRF token only when it is shown
(``LazyCSRF``).
"""

from flask import has_request_context, request
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS
from werkzeug.datastructures import MultiDict

from .csrf import LazyCSRF


class HtmlForm(FlaskForm):
    class Meta:
        csrf_class = LazyCSRF

        def wrap_formdata(self, form, formdata):
            # The cheap test first: a survey page passes request.form, a MultiDict.
            if not isinstance(formdata, MultiDict) and has_request_context() and request.is_json:
                return request.form if request.method in SUBMIT_METHODS else None
            return super().wrap_formdata(form, formdata)
