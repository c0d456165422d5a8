"""Focus-group notes for facilitators."""

from .views import bp

__all__ = ["bp"]
