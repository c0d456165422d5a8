"""The download log: one record per download, with its filters and never its contents."""

from ..extensions import db
from ..models import DownloadRecord

LOG_PAGE = 100


def record_download(survey, download, language, filters, user=None, channel="web"):
    """Note that ``user`` (None on the command line) took ``download`` of ``survey``."""
    record = DownloadRecord(
        user_id=user.id if user else None,
        survey_id=survey.id,
        download=download,
        language=language,
        filters=filters.chosen(),
        channel=channel,
    )
    db.session.add(record)
    db.session.flush()
    return record


def downloads_page(page, per_page=LOG_PAGE):
    """One page of records, newest first, for the admins' page (page 1 is the newest)."""
    query = db.select(DownloadRecord).order_by(DownloadRecord.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
