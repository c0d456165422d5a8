"""Database models, one aggregate per module."""

from .audit import DOWNLOADS, DownloadRecord
from .draft import Draft
from .focus_group import FacilitationGuide, FocusGroup, FocusGroupVersion
from .response import Answer, Response
from .survey import Community, Survey, SurveyStatus, SurveyVersion
from .theme import EDIT_KINDS, RunTheme, ThemeAssignment, ThemeCodebook, ThemeEdit, ThemeRun
from .user import ROLES, PasswordLink, User

__all__ = [
    "DOWNLOADS",
    "EDIT_KINDS",
    "ROLES",
    "Answer",
    "Community",
    "DownloadRecord",
    "Draft",
    "FacilitationGuide",
    "FocusGroup",
    "FocusGroupVersion",
    "PasswordLink",
    "Response",
    "RunTheme",
    "Survey",
    "SurveyStatus",
    "SurveyVersion",
    "ThemeAssignment",
    "ThemeCodebook",
    "ThemeEdit",
    "ThemeRun",
    "User",
]
