"""A family's submitted answers.

Nothing here can identify the device or network a response came from: no
address, user agent, referrer or time of day, only the day it was submitted.
"""

from datetime import date
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Response(db.Model):
    __tablename__ = "responses"
    __table_args__ = (CheckConstraint("language IN ('en', 'es')", name="language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    role: Mapped[str | None] = mapped_column(String(64))
    submitted_on: Mapped[date]
    # Replays of the same final page are recognised by this token and digest.
    submission_token: Mapped[str] = mapped_column(String(64), unique=True)
    digest: Mapped[str] = mapped_column(String(64))
    is_demo: Mapped[bool] = mapped_column(default=False)

    answers: Mapped[list["Answer"]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )
    version = relationship("SurveyVersion")
    community = relationship("Community")

    def answer_map(self):
        return {a.question_key: a for a in self.answers}


class Answer(db.Model):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("response_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique (response_id, question_key) index starts with it.
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(64))
    # A choice key, a list of keys, a number, or the text the family wrote.
    value: Mapped[Any] = mapped_column(JSON)
    other_text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")
