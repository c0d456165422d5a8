"""What coalition leads read: focus groups across a survey, and the facilitation guide."""

from . import builder, dashboard, themes  # noqa: F401  (they register their pages on bp)
from .views import bp

__all__ = ["bp"]
