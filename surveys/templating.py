"""Helpers the templates use to show per-language survey texts."""

from urllib.parse import urlencode

from flask import request

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


def init_app(app):
    app.jinja_env.filters["loc"] = lambda texts: localized(texts, current_language())
    app.jinja_env.globals.update(
        current_language=current_language,
        language_links=language_links,
        language_names=LANGUAGE_NAMES,
    )
