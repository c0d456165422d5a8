"""Answers typed so far, kept server-side until the family submits."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow


class Draft(db.Model):
    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Only hashes of the two tokens are stored (the session token in the
    # cookie, the submission token in every page): a copy of the database
    # cannot be used to take over somebody's unfinished survey.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    submission_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Raw form values per field name, exactly as typed: {"q1": ["text"], ...}
    values: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    # Each page's answers as checked when it was posted, per page index:
    # {"version": id, "values": raw page values, "answers": {key: [value, other]}}.
    # Sending the survey re-checks them in plain Python instead of rebuilding forms.
    checked: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    survey = relationship("Survey")
    version = relationship("SurveyVersion")
    community = relationship("Community")
