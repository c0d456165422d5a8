"""What coalition leads read: focus groups across a survey, and the facilitation guide."""

from .views import bp

__all__ = ["bp"]
