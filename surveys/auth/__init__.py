"""Staff login, logout and one-time password links."""

from .views import bp

__all__ = ["bp"]
