"""Which responses a dashboard or a download covers: a survey and optional filters.

Filters narrow every panel and every export the same way: by community, by
the respondent's role (the survey's role question) and by the language the
survey was answered in.
"""

from dataclasses import asdict, dataclass

from ..extensions import db
from ..models import Response
from .survey_store import definition_of


@dataclass(frozen=True)
class Filters:
    community: str | None = None
    role: str | None = None
    language: str | None = None

    def chosen(self):
        """The filters set, for the audit log and the file's description."""
        return {name: value for name, value in asdict(self).items() if value}


def role_question(survey):
    """The question that says who answered (parent, student ...), or None."""
    definition = definition_of(survey.current)
    return definition.question(definition.role_question or "")


def conditions(survey, filters):
    """SQL conditions on ``Response`` for this survey and these filters."""
    where = [Response.survey_id == survey.id]
    if filters.community:
        community = next(c for c in survey.communities if c.slug == filters.community)
        where.append(Response.community_id == community.id)
    if filters.role:
        where.append(Response.role == filters.role)
    if filters.language:
        where.append(Response.language == filters.language)
    return where


def count_responses(survey, filters):
    return db.session.scalar(
        db.select(db.func.count(Response.id)).where(*conditions(survey, filters))
    )
