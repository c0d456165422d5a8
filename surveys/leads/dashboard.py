"""The leads' dashboard of a survey and its downloads.

Every download is an attachment with a file name made here, is never cached,
and leaves one record in the download log (who, when, which, which filters)
once the file exists: a workbook or report is built first, and a streamed
CSV is recorded as its first piece goes out. A download that fails before
that leaves no record, since nothing left the server.
"""

import os

from flask import Response, current_app, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import roles_required
from ..exports import (
    MEDIA_TYPES,
    REPORT_FORMATS,
    REPORT_LANGUAGES,
    RESPONSE_FORMATS,
    RESPONSE_LANGUAGES,
    csv_export,
    filename,
    report,
    xlsx_export,
)
from ..extensions import db
from ..forms.dashboard import build_filter_form
from ..i18n import current_language
from ..services import audit, dashboard
from .views import bp, survey_or_404


def _refuse(message):
    return render_template("errors/400.html", message=message), 400


def _filters(survey):
    form = build_filter_form(request.args, survey, current_language())
    return form, form.filters() if form.validate() else None


@bp.get("/surveys/<slug>/dashboard")
@roles_required("lead")
def dashboard_page(slug):
    survey = survey_or_404(slug)
    form, filters = _filters(survey)
    if filters is None:
        return _refuse(_("These filters do not fit this survey. Please choose from the lists."))
    data = dashboard.build(survey, filters, current_language(), current_app.config["MIN_CELL"])
    return render_template(
        "leads/dashboard.html", survey=survey, form=form, data=data, query=filters.chosen()
    )


def _download_request(survey, formats, languages, fmt):
    """The language and filters of a download, or the page that says what is wrong."""
    if fmt not in formats:
        return (
            None,
            None,
            _refuse(
                _("This file type is not available. Please use one of the links on the dashboard.")
            ),
        )
    language = request.args.get("lang") or current_language()
    if language not in languages:
        return None, None, _refuse(_("This language is not available for this download."))
    _form, filters = _filters(survey)
    if filters is None:
        return (
            None,
            None,
            _refuse(_("These filters do not fit this survey. Please choose from the lists.")),
        )
    return language, filters, None


def _attachment(response, name):
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/surveys/<slug>/downloads/responses.<fmt>")
@roles_required("lead")
def download_responses(slug, fmt):
    survey = survey_or_404(slug)
    language, filters, refused = _download_request(
        survey, RESPONSE_FORMATS, RESPONSE_LANGUAGES, fmt
    )
    if refused:
        return refused
    name = filename(survey, "responses", fmt)
    record = _recorder(survey, f"responses_{fmt}", language, filters)
    if fmt == "csv":
        pieces = csv_export.stream_csv(survey, language, filters)
        body = stream_with_context(_recorded(pieces, record))
        return _attachment(Response(body, content_type=MEDIA_TYPES["csv"]), name)
    handle = xlsx_export.workbook_file(survey, language, filters, current_app.config["MIN_CELL"])
    record()
    sent = Response(_chunks(handle), content_type=MEDIA_TYPES["xlsx"])
    sent.content_length = os.fstat(handle.fileno()).st_size
    return _attachment(sent, name)


def _recorder(survey, download, language, filters):
    def record():
        audit.record_download(survey, download, language, filters, user=current_user)
        db.session.commit()

    return record


def _recorded(pieces, record):
    """The CSV's pieces, recorded once the header is made and before any answer is read.

    Recording here, not after the last piece, keeps a download the client
    stops halfway in the log; and the commit comes before the answers'
    query, so it cannot cut that query's cursor short.
    """
    first = next(pieces)
    record()
    yield first
    yield from pieces


def _chunks(handle, size=64 * 1024):
    """The workbook's temporary file, read out and closed (which deletes it)."""
    with handle:
        while chunk := handle.read(size):
            yield chunk


@bp.get("/surveys/<slug>/downloads/report.<fmt>")
@roles_required("lead")
def download_report(slug, fmt):
    survey = survey_or_404(slug)
    language, filters, refused = _download_request(survey, REPORT_FORMATS, REPORT_LANGUAGES, fmt)
    if refused:
        return refused
    body = report.render(survey, fmt, language, filters, current_app.config["MIN_CELL"])
    _recorder(survey, f"report_{fmt}", language, filters)()
    return _attachment(
        Response(body, content_type=MEDIA_TYPES[fmt]), filename(survey, "report", fmt)
    )
