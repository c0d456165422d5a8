"""What coalition leads read: focus groups across a survey, and the facilitation guide."""

from . import themes  # noqa: F401  (registers the theme pages on bp)
from .views import bp

__all__ = ["bp"]
