"""Database models, one aggregate per module."""

from .draft import Draft
from .response import Answer, Response
from .survey import Community, Survey, SurveyVersion

__all__ = ["Answer", "Community", "Draft", "Response", "Survey", "SurveyVersion"]
