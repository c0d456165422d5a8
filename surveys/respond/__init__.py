"""The respondent flow: public pages families use to answer a survey."""

from .views import bp

__all__ = ["bp"]
