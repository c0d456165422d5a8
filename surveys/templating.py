"""Helpers the templates use to show per-language survey texts."""

from urllib.parse import urlencode

from flask import request
from flask_babel import format_number, format_percent, gettext

from . import i18n
from .definition.model import localized
from .i18n import current_language

LANGUAGE_NAMES = {"en": "English", "es": "Español"}


def language_links():
    """Links to this same page in the other languages (names in their own language)."""
    args = request.args.to_dict()
    links = []
    for code in i18n.other_languages(current_language()):
        query = urlencode({**args, "lang": code})
        links.append((code, LANGUAGE_NAMES[code], f"{request.path}?{query}"))
    return links


def summary_cell(value):
    """A count from a stored summary, or the words for a hidden one."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return format_number(value)
    if isinstance(value, float):
        return format_percent(value)
    return hidden_words(value)


def hidden_words(value):
    """The words for a hidden count ("fewer than 11", "suppressed") in the current language."""
    if value.startswith("fewer than "):
        # i18n: a count hidden because too few people are in it
        return gettext("fewer than %(n)s", n=value.removeprefix("fewer than "))
    # i18n: a count hidden so that a small one cannot be worked out from the total
    return gettext("hidden")


def init_app(app):
    app.jinja_env.filters["loc"] = lambda texts: localized(texts, current_language())
    app.jinja_env.filters["cell"] = summary_cell
    app.jinja_env.globals.update(
        current_language=current_language,
        language_links=language_links,
        language_names=LANGUAGE_NAMES,
    )
