"""Login, logout and setting a password. Families never log in."""

from urllib.parse import urlsplit

from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf

from ..extensions import db, limiter
from ..forms.auth import LoginForm, SetPasswordForm
from ..services import accounts
from . import resume
from .access import csrf_failed, end_session, log_in, restore_after_login, roles_required
from .limiter_keys import account_limiter_key, hashed_address_limiter_key

bp = Blueprint("auth", __name__)
ROLE_HOME = {
    "admin": "admin.users",
    "lead": "leads.focus_groups",
    "facilitator": "facilitate.index",
}

login_limits = limiter.shared_limit(
    "5 per minute", scope="login", key_func=hashed_address_limiter_key, methods=["POST"]
)
# Per account and client: guessing at one account from one place is slowed,
# but nobody elsewhere can lock its owner out by failing on purpose.
account_limits = limiter.shared_limit(
    "20 per hour", scope="login-account", key_func=account_limiter_key, methods=["POST"]
)


def _safe_next(target):
    """Only same-site paths: a login link must not send staff elsewhere."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not (target or "").startswith("/"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@login_limits
@account_limits
def login():
    form = LoginForm()
    ended = session.pop("ended", None)
    # Text typed on a page whose session had ended, carried in this form (see resume.py).
    typed = resume.carried(request.form)
    target = _safe_next(request.args.get("next"))
    error = None
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            log_in(user)
            db.session.commit()
            restored = restore_after_login(target, typed)
            return restored or redirect(target or url_for("auth.home"))
        error = _("That e-mail address and password do not match an active account.")
    return resume.login_page(form, typed, target, error=error, ended=ended)


@bp.errorhandler(CSRFError)
@bp.errorhandler(RateLimitExceeded)
def login_refused(error):
    """A refused login keeps the text it carries; other refusals get the usual pages."""
    typed = resume.carried(request.form)
    if request.endpoint != "auth.login" or not typed or not resume.same_origin():
        if isinstance(error, CSRFError):
            return csrf_failed(error)
        return render_template("errors/429.html"), 429
    message = (
        _("This page was open for a long time. Please log in again.")
        if isinstance(error, CSRFError)
        else _("Too many tries. Please wait a minute, then log in again.")
    )
    target = _safe_next(request.args.get("next"))
    return resume.login_page(
        LoginForm(formdata=None), typed, target, error=message, status=error.code
    )


@bp.post("/logout")
@roles_required("admin", "lead", "facilitator")
def logout():
    # Every session of this account ends, on every device: the safer choice
    # on a shared computer, at the cost of logging out the other devices too.
    accounts.end_sessions(current_user)
    db.session.commit()
    end_session("logout")
    return redirect(url_for("auth.login"))


@bp.post("/staff/keep-alive")
@roles_required("admin", "lead", "facilitator")
def keep_alive():
    """Typing counts as activity: unsaved.js calls this while a facilitator types.

    The request itself renews the idle time (``enforce_session_limits``); the
    answer is a fresh CSRF token for the open form, whose own may be older than
    the token's one-hour limit.
    """
    return jsonify(csrf_token=generate_csrf())


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@login_limits
def set_password(token):
    link = accounts.find_password_link(token)
    if link is None:
        return render_template("auth/link_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password(link, form.password.data)
        except accounts.AccountError as refused:
            form.password.errors.append(str(refused))
        else:
            db.session.commit()
            session["ended"] = "password_set"
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, email=link.user.email)


@bp.get("/staff")
@roles_required("admin", "lead", "facilitator")
def home():
    return redirect(url_for(ROLE_HOME[current_user.role]))
