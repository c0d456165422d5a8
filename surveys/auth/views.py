"""Login, logout and setting a password. Families never log in."""

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..extensions import db, limiter
from ..forms.auth import LoginForm, SetPasswordForm
from ..services import accounts
from .access import fresh_session, roles_required, start_session
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
    error = None
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            start_session(user)
            login_user(user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")) or url_for("auth.home"))
        error = _("That e-mail address and password do not match an active account.")
    return render_template("auth/login.html", form=form, error=error, ended=ended)


@bp.post("/logout")
@roles_required("admin", "lead", "facilitator")
def logout():
    accounts.end_sessions(current_user)
    db.session.commit()
    logout_user()
    fresh_session()
    session["ended"] = "logout"
    return redirect(url_for("auth.login"))


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
