"""Stored theme analyses, and the review decisions leads make on them.

A run is stored whole (parameters, counts, warnings, themes, assignments and
the suppressed summary) so that pages load from storage, never by refitting.
Each theme carries a ``key`` that stays the same from run to run when the
theme is recognisably the same; leads' edits refer to keys and document ids,
and are replayed on every new run.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow

EDIT_KINDS = ("rename", "merge", "move", "not_useful", "split")


class ThemeRun(db.Model):
    __tablename__ = "theme_runs"
    __table_args__ = (CheckConstraint("status IN ('running', 'done', 'failed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="running")
    stage: Mapped[str] = mapped_column(String(32), default="collecting")
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    translated: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    started_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # When the run last moved to a new stage, and which process ("host:pid")
    # carries it out: a run that stops advancing, or whose process is gone,
    # is marked failed so that leads can start another.
    progressed_at: Mapped[datetime | None]
    worker: Mapped[str | None] = mapped_column(String(128))

    themes: Mapped[list["RunTheme"]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="RunTheme.position"
    )

    def theme(self, key):
        return next((t for t in self.themes if t.key == key), None)


class RunTheme(db.Model):
    __tablename__ = "run_themes"
    __table_args__ = (UniqueConstraint("run_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("theme_runs.id", ondelete="CASCADE"), index=True)
    key: Mapped[int]  # stable across runs
    position: Mapped[int] = mapped_column(default=0)
    names: Mapped[dict[str, str]] = mapped_column(JSON)
    terms: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    size: Mapped[int]
    quotes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    codebook_key: Mapped[str | None] = mapped_column(String(64))
    not_useful: Mapped[bool] = mapped_column(default=False)

    run: Mapped[ThemeRun] = relationship(back_populates="themes")

    def name(self, language):
        return self.names.get(language) or self.names.get("en", "")


class ThemeAssignment(db.Model):
    """One analysed text: where it came from, its masked words, and its theme."""

    __tablename__ = "theme_assignments"
    __table_args__ = (UniqueConstraint("run_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("theme_runs.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[str] = mapped_column(String(96))
    theme_key: Mapped[int]  # -1 for non-answers
    respondent: Mapped[str] = mapped_column(String(96))
    source: Mapped[str] = mapped_column(String(16))
    community: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    role: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)  # personal details already masked
    gloss: Mapped[str | None] = mapped_column(Text)


class ThemeEdit(db.Model):
    """A lead's review decision, kept and replayed on every later run."""

    __tablename__ = "theme_edits"
    __table_args__ = (
        CheckConstraint("kind IN ('rename', 'merge', 'move', 'not_useful', 'split')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ThemeCodebook(db.Model):
    """A survey's seeded themes: names and keywords in both languages, edited by leads."""

    __tablename__ = "theme_codebooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), unique=True)
    # [{"key": str, "names": {"en", "es"}, "keywords": {"en": [...], "es": [...]}}]
    themes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
