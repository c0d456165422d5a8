"""A survey, its immutable versions and the communities it is shared with."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow

# A draft has never been published and has no version yet; families cannot
# open it. Once published a survey is open or closed, never a draft again.
STATUSES = ("draft", "open", "closed")


class SurveyStatus:
    """What a survey's ``status`` means to families (for the model and for
    the plain copy the survey pages read with a draft)."""

    @property
    def is_open(self):
        return self.status == "open"

    @property
    def is_draft(self):
        return self.status == "draft"


class Survey(SurveyStatus, db.Model):
    __tablename__ = "surveys"
    __table_args__ = (CheckConstraint("status IN ('draft', 'open', 'closed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The builder's working copy: edits wait here until they are published as
    # a new version, so families never see a half-finished change.
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSON, deferred=True)

    versions: Mapped[list["SurveyVersion"]] = relationship(
        back_populates="survey", order_by="SurveyVersion.number"
    )
    communities: Mapped[list["Community"]] = relationship(
        back_populates="survey", order_by="Community.position"
    )

    @property
    def current(self) -> "SurveyVersion":
        """The version families answer now: always the newest."""
        return self.versions[-1]

    @property
    def working_definition(self):
        """What the builder edits: the draft, else the published definition."""
        return self.draft if self.draft is not None else self.current.definition

    @property
    def active_communities(self):
        return [c for c in self.communities if c.active]

    def community(self, slug):
        return next((c for c in self.active_communities if c.slug == slug), None)


class SurveyVersion(db.Model):
    """A frozen copy of the definition; answers always point at the one they used."""

    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    number: Mapped[int]
    # Read only when asked for: pages take the parsed copy kept per process
    # (services/survey_store.definition_of), so most requests never load it.
    definition: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    survey: Mapped[Survey] = relationship(back_populates="versions")


class Community(db.Model):
    __tablename__ = "communities"
    __table_args__ = (UniqueConstraint("survey_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    names: Mapped[dict[str, str]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(default=0)
    # Dropped from the definition but kept, because answers point at it.
    active: Mapped[bool] = mapped_column(default=True)

    survey: Mapped[Survey] = relationship(back_populates="communities")

    def name(self, language):
        return self.names.get(language) or next(iter(self.names.values()))
