"""Account management for administrators."""

from .views import bp

__all__ = ["bp"]
