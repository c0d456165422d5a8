"""Database models, one aggregate per module."""

from .draft import Draft
from .focus_group import FacilitationGuide, FocusGroup, FocusGroupVersion
from .response import Answer, Response
from .survey import Community, Survey, SurveyVersion
from .user import ROLES, PasswordLink, User

__all__ = [
    "ROLES",
    "Answer",
    "Community",
    "Draft",
    "FacilitationGuide",
    "FocusGroup",
    "FocusGroupVersion",
    "PasswordLink",
    "Response",
    "Survey",
    "SurveyVersion",
    "User",
]
