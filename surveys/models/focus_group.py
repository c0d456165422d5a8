"""Focus groups: the facilitation guide, the sessions and their saved versions.

No participant is named anywhere: sessions hold counts by role, and quotes
carry only the speaker's role. Every save of the notes is a new version, so
nothing a facilitator wrote is ever overwritten.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..definition.model import localized
from ..extensions import db
from .base import utcnow

SETTINGS = ("in_person", "online", "phone")
STATUSES = ("draft", "final")
LANGUAGES = ("en", "es")
# The participant count columns, and the role a quote is attributed to.
COUNTS = ("parents", "students", "educators", "community_members")
SPEAKER_ROLES = ("parent", "student", "educator", "community_member")
# Prompt key used for the closing observations in analysis.
OBSERVATIONS = "observations"


class FacilitationGuide(db.Model):
    """The prompts facilitators follow for one survey, in every language."""

    __tablename__ = "facilitation_guides"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), unique=True)
    # Ordered: [{"key": "health_safety", "text": {"en": ..., "es": ...}}, ...]
    prompts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    survey = relationship("Survey")


focus_group_facilitators = Table(
    "focus_group_facilitators",
    db.metadata,
    Column(
        "focus_group_id",
        ForeignKey("focus_groups.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)


class FocusGroup(db.Model):
    """One session: where, when, in which languages and how many people, by role."""

    __tablename__ = "focus_groups"
    __table_args__ = (
        CheckConstraint("setting IN ('in_person', 'online', 'phone')", name="setting"),
        CheckConstraint("status IN ('draft', 'final')", name="status"),
        # JSON is compared as the text SQLAlchemy writes; the service always
        # stores the languages in this order, so these are the only valid values.
        CheckConstraint(
            """CAST(languages AS TEXT) IN ('["en"]', '["es"]', '["en", "es"]')""",
            name="languages",
        ),
        CheckConstraint("consent_confirmed", name="consent_confirmed"),
        *(CheckConstraint(f"{count} >= 0", name=f"{count}_not_negative") for count in COUNTS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    held_on: Mapped[date] = mapped_column(index=True)
    setting: Mapped[str] = mapped_column(String(16))
    languages: Mapped[list[str]] = mapped_column(JSON)
    parents: Mapped[int] = mapped_column(default=0)
    students: Mapped[int] = mapped_column(default=0)
    educators: Mapped[int] = mapped_column(default=0)
    community_members: Mapped[int] = mapped_column(default=0)
    consent_confirmed: Mapped[bool]
    status: Mapped[str] = mapped_column(String(16), default="draft")
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finalized_at: Mapped[datetime | None]

    survey = relationship("Survey")
    community = relationship("Community")
    creator = relationship("User", foreign_keys=[created_by])
    facilitators = relationship("User", secondary=focus_group_facilitators, order_by="User.email")
    versions: Mapped[list["FocusGroupVersion"]] = relationship(
        back_populates="focus_group",
        order_by="FocusGroupVersion.number",
        cascade="all, delete-orphan",
    )

    @property
    def is_final(self):
        return self.status == "final"

    @property
    def latest(self):
        return self.versions[-1] if self.versions else None

    @property
    def counts(self):
        return {count: getattr(self, count) for count in COUNTS}

    @property
    def participants(self):
        return sum(self.counts.values())


class FocusGroupVersion(db.Model):
    """The notes as saved once: never edited, only followed by a newer version."""

    __tablename__ = "focus_group_versions"
    __table_args__ = (UniqueConstraint("focus_group_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    focus_group_id: Mapped[int] = mapped_column(
        ForeignKey("focus_groups.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    saved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The guide's prompts as they read when the notes were written, so that a
    # later edit of the guide cannot change what these notes answer.
    prompts: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # {prompt_key: text}
    notes: Mapped[dict[str, str]] = mapped_column(JSON)
    # [{"prompt": key or None, "text": str, "role": one of SPEAKER_ROLES or None}]
    quotes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    observations: Mapped[str] = mapped_column(Text, default="")

    focus_group: Mapped[FocusGroup] = relationship(back_populates="versions")
    author = relationship("User")

    def prompt_text(self, key, language):
        """The prompt as it read when this version was saved."""
        prompt = next((p for p in self.prompts if p["key"] == key), None)
        return localized(prompt["text"], language) if prompt else key
