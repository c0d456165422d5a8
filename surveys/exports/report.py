"""The summary report: a printable HTML page, the same page as PDF, and its numbers as JSON.

The PDF is WeasyPrint's rendering of the HTML, with DejaVu Sans embedded so
Spanish accents and punctuation (á ñ ¿ ¡ « » —) print as written.
"""

import json
from datetime import UTC, datetime

from flask import render_template
from flask_babel import gettext as _

from ..config import resource_dir
from ..services import dashboard, selection
from . import speaking

CSS = resource_dir("static") / "css" / "report.css"


def report_data(survey, language, filters, min_cell):
    """The numbers of the report, all suppressed: the dashboard's, plus the date."""
    data = dashboard.build(survey, filters, language, min_cell)
    data["generated_on"] = datetime.now(UTC).date().isoformat()
    data["language"] = language
    return data


def render(survey, fmt, language, filters, min_cell):
    """The report as ``html`` (text), ``pdf`` (bytes) or ``json`` (text)."""
    data = report_data(survey, language, filters, min_cell)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2)
    html = render_html(data, language, survey)
    return html if fmt == "html" else pdf_bytes(html)


def render_html(data, language, survey):
    with speaking(language):
        return render_template(
            "reports/summary.html",
            data=data,
            lang=language,
            css=CSS.read_text(encoding="utf-8"),
            generated_on=data["generated_on"],
            filters=_filter_words(data["filters"], survey, language),
        )


def _filter_words(chosen, survey, language):
    words = []
    if "community" in chosen:
        community = next(c for c in survey.communities if c.slug == chosen["community"])
        words.append(_("community: %(name)s", name=community.name(language)))
    if "role" in chosen:
        role = selection.role_question(survey).choice_label(chosen["role"], language)
        words.append(_("who answered: %(role)s", role=role))
    if "language" in chosen:
        name = {"en": _("English"), "es": _("Spanish")}[chosen["language"]]
        words.append(_("answered in: %(language)s", language=name))
    return words


def pdf_bytes(html):
    from weasyprint import HTML  # heavy: loaded only when a PDF is asked for

    return HTML(string=html).write_pdf()
