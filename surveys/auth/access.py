"""Who may see what.

Every endpoint is either public (the respondent flow, login, static files:
``PUBLIC_ENDPOINTS``) or wrapped in ``roles_required``, which sends anonymous
visitors to the login page and answers 403 to the wrong role. A test walks
the URL map and fails on any endpoint that is neither.

Staff sessions end after 30 minutes without activity and 12 hours after login.
"""

from datetime import UTC, datetime
from functools import wraps

from flask import abort, current_app, redirect, request, session, url_for
from flask_login import current_user, logout_user

from .. import i18n
from ..extensions import db
from ..models import User

PUBLIC_ENDPOINTS = {
    "respond.start",
    "respond.page",
    "respond.thanks",
    "respond.worker",
    "auth.login",
    "auth.set_password",
    "static",
}
STAFF_MARK = "required_roles"


def roles_required(*roles):
    """Let in only logged-in staff with one of ``roles``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, STAFF_MARK, roles)
        return wrapped

    return decorator


def load_user(user_id):
    """Flask-Login's loader: the cookie's session version must still be current."""
    try:
        ident, version = (int(part) for part in user_id.split(":"))
    except (ValueError, AttributeError):
        return None
    user = db.session.get(User, ident)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def _now():
    return datetime.now(UTC).timestamp()


def fresh_session():
    """Drop everything from the session but the chosen language."""
    language = session.get(i18n.SESSION_KEY)
    session.clear()
    if language:
        session[i18n.SESSION_KEY] = language


def start_session(user):
    """Called at login: a fresh cookie with the login and activity times."""
    fresh_session()
    session["login_at"] = session["seen_at"] = _now()


def enforce_session_limits():
    """End a staff session that was idle too long or is simply too old."""
    if not current_user.is_authenticated:
        return
    now = _now()
    idle = now - session.get("seen_at", 0)
    age = now - session.get("login_at", 0)
    config = current_app.config
    if (
        idle > config["STAFF_IDLE_TIMEOUT"].total_seconds()
        or age > config["STAFF_SESSION_LIFETIME"].total_seconds()
    ):
        logout_user()
        fresh_session()
        session["ended"] = "timeout"
        return
    session["seen_at"] = now


def no_store_for_staff(response):
    """Staff pages may show people's words: browsers and proxies must not keep them."""
    endpoint = request.endpoint or ""
    if endpoint not in PUBLIC_ENDPOINTS or endpoint.startswith("auth."):
        response.headers["Cache-Control"] = "no-store"
    return response
