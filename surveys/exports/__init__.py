"""Exports of a survey: responses as CSV and XLSX, the summary report as HTML, PDF and JSON.

Every builder takes a survey, a language and the filters, reads through the
services, and writes or yields the file; views and CLI commands only choose
which one and send or save it.
"""

from contextlib import contextmanager
from datetime import UTC, datetime

from flask_babel import force_locale

RESPONSE_FORMATS = ("csv", "xlsx")
REPORT_FORMATS = ("html", "pdf", "json")
# Headers and choice labels in English, in Spanish, or as the definition's stable keys.
RESPONSE_LANGUAGES = ("en", "es", "keys")
REPORT_LANGUAGES = ("en", "es")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json",
}


def filename(survey, what, extension, today=None):
    """``safe-return-responses-2026-12-01.csv``: made here, never from the request."""
    today = today or datetime.now(UTC).date()
    return f"{survey.slug}-{what}-{today.isoformat()}.{extension}"


@contextmanager
def speaking(language):
    """Translate messages into ``language`` (stable keys read as English)."""
    with force_locale("en" if language == "keys" else language):
        yield
