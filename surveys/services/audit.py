"""The download log: one record per download, with its filters and never its contents."""

from ..extensions import db
from ..models import DownloadRecord

LOG_PAGE = 200


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


def recent_downloads(limit=LOG_PAGE):
    """The newest records first, for the admins' page."""
    return db.session.scalars(
        db.select(DownloadRecord).order_by(DownloadRecord.id.desc()).limit(limit)
    ).all()
