"""The one rule that picks the interface language.

1. The respondent's explicit choice: ``?lang=es`` on any link, or the language
   button on a survey page. It is remembered in the session.
2. Otherwise the browser's ``Accept-Language`` header.
3. Otherwise English.

``<html lang>`` and every message follow the locale chosen here.
"""

from functools import cache

from babel import Locale
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale

SESSION_KEY = "lang"
# Here ``?lang=`` picks the language of a downloaded file, not of the
# interface: the page (an error, say) follows it, but it is not remembered.
FILE_LANGUAGE_ENDPOINTS = {"leads.download_responses", "leads.download_report"}


def supported():
    return current_app.config["LANGUAGES"]


def remember_choice():
    """Store an explicit ``?lang=`` choice before the locale is first read."""
    wanted = request.args.get("lang")
    if request.endpoint in FILE_LANGUAGE_ENDPOINTS:
        return
    if wanted in supported() and session.get(SESSION_KEY) != wanted:
        session[SESSION_KEY] = wanted


def choose(language):
    """Record an explicit choice made by a form button."""
    if language in supported():
        session[SESSION_KEY] = language


def select_locale():
    return _locale(_selected())


@cache
def _locale(code):
    # Flask-Babel parses a code again on every request (Babel checks its data
    # file on disk each time); a Locale it is given is used as it is.
    return Locale.parse(code)


def _selected():
    if not has_request_context():
        return "en"  # CLI commands speak English
    for chosen in (request.args.get("lang"), session.get(SESSION_KEY)):
        if chosen in supported():
            return chosen
    return request.accept_languages.best_match(supported()) or "en"


def current_language():
    """The locale of this request as a plain code: "en" or "es"."""
    return str(get_locale())


def other_languages(current):
    return [code for code in supported() if code != current]
