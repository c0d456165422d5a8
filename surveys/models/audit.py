"""The download log: who took which export of a survey, when, with which filters.

Only the facts of the download are kept, never its contents.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow

DOWNLOADS = ("responses_csv", "responses_xlsx", "report_html", "report_pdf", "report_json")
CHANNELS = ("web", "cli")


class DownloadRecord(db.Model):
    __tablename__ = "download_records"
    __table_args__ = (
        CheckConstraint(
            "download IN ('responses_csv', 'responses_xlsx', 'report_html', 'report_pdf',"
            " 'report_json')",
            name="download",
        ),
        CheckConstraint("channel IN ('web', 'cli')", name="channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a command run on the server, which has no staff account.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    download: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    # {"community": slug, "role": key, "language": code}: only those chosen.
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    channel: Mapped[str] = mapped_column(String(8), default="web")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    user = relationship("User")
    survey = relationship("Survey")
