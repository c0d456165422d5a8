"""What coalition leads read: focus groups across a survey, and the facilitation guide."""

from . import dashboard, themes  # noqa: F401  (register their pages on bp)
from .views import bp

__all__ = ["bp"]
