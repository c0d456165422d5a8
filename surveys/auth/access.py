"""Who may see what.

Every endpoint is either public (the respondent flow, login, static files:
``PUBLIC_ENDPOINTS``) or wrapped in ``roles_required``, which sends anonymous
visitors to the login page and answers 403 to the wrong role. A test walks
the URL map and fails on any endpoint that is neither.

Staff sessions end after 30 minutes without activity and 12 hours after login.
The session cookie holds the user id with its session version, the login and
activity times, the CSRF token and the language: nothing about the network or
the device (Flask-Login's address and user-agent hash is never written).
"""

from datetime import UTC, datetime
from functools import wraps

from flask import (
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from .. import i18n
from ..extensions import db
from ..models import User
from . import resume

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
    """Let in only logged-in staff with one of ``roles``.

    Anonymous visitors are sent to the login page; a POST to a view marked
    ``keeps_typed_text`` gets the login form with its text instead (resume.py).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return _to_login(view)
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, STAFF_MARK, roles)
        return wrapped

    return decorator


def _to_login(view):
    if request.method == "POST" and resume.marker(view) and resume.same_origin():
        return resume.ask_login()
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _allowed(view):
    return current_user.role in getattr(view, STAFF_MARK, ())


def restore_after_login(path, typed):
    """The page that ``typed`` text was posted to, restored after a new login, or None.

    The view's own checks still apply: the wrong role gets 403, and the view's
    restore answers 404 for an object the user may not open.
    """
    view, args = resume.target(path)
    mark = resume.marker(view)
    if mark is None or not typed:
        return None
    if not _allowed(view):
        abort(403)
    return mark.restore(typed, **args)


def csrf_failed(error):
    """A POST with a failed CSRF check. Text typed in a view that keeps it is
    shown again on its page (the session lives) or carried through a new login."""
    view = current_app.view_functions.get(request.endpoint)
    mark = resume.marker(view)
    if mark is None or not resume.same_origin():
        return render_template("errors/400.html", csrf=True), 400
    enforce_session_limits()  # the before-request check did not run
    if not current_user.is_authenticated:
        return resume.ask_login()
    if not _allowed(view):
        abort(403)
    response = make_response(mark.restore(resume.typed_fields(request.form), **request.view_args))
    response.status_code = 400
    return response


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
    # Flask-WTF caches this request's token, signed for the raw token just
    # dropped; a page rendered after login must get one for the new session.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    if language:
        session[i18n.SESSION_KEY] = language


def no_identifier():
    """Stands in for Flask-Login's session identifier, a SHA-512 of the client
    address and user agent. The cookie is signed, not encrypted, and an IPv4
    address can be recovered from that hash; Voces keeps no address or device."""
    return ""


def log_in(user):
    """A fresh cookie (nothing from before login survives) with the login and activity times."""
    fresh_session()
    login_user(user)
    session.pop("_id", None)
    session["login_at"] = session["seen_at"] = _now()


def enforce_session_limits():
    """End a staff session that was idle too long or is simply too old."""
    if not current_user.is_authenticated:
        return
    now = _now()
    idle = now - session.get("seen_at", 0)
    age = now - session.get("login_at", 0)
    config = current_app.config
    if age > config["STAFF_SESSION_LIFETIME"].total_seconds():
        end_session("expired")
    elif idle > config["STAFF_IDLE_TIMEOUT"].total_seconds():
        end_session("idle")
    else:
        session["seen_at"] = now


def end_session(reason):
    """Log out, keep only the language, tell the login page why ("idle", "expired", "logout")."""
    logout_user()
    fresh_session()
    session["ended"] = reason


def no_store_for_staff(response):
    """Staff pages may show people's words: browsers and proxies must not keep them."""
    endpoint = request.endpoint or ""
    if endpoint not in PUBLIC_ENDPOINTS or endpoint.startswith("auth."):
        response.headers["Cache-Control"] = "no-store"
    return response
