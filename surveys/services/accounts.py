"""Staff accounts: creation, one-time password links, login checks, disabling."""

import hashlib
import logging
import secrets
from datetime import UTC, datetime, timedelta

from ..auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from ..extensions import db
from ..models import ROLES, PasswordLink, User

log = logging.getLogger(__name__)
LINK_LIFETIME = timedelta(hours=72)


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; ``str()`` says why."""


def _now():
    return datetime.now(UTC).replace(tzinfo=None)


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_email(email):
    return email.strip().lower()


def find_user(email):
    return db.session.scalar(db.select(User).filter_by(email=normalize_email(email)))


def list_users():
    return db.session.scalars(db.select(User).order_by(User.role, User.email)).all()


def create_user(email, role):
    """Create an account with no password; return ``(user, set_password_token)``."""
    from flask_babel import gettext as _

    email = normalize_email(email)
    if role not in ROLES:
        raise AccountError(_("Unknown role: %(role)s", role=role))
    if "@" not in email or len(email) > 254:
        raise AccountError(_("Please enter a valid e-mail address."))
    if find_user(email) is not None:
        raise AccountError(_("An account with this e-mail address already exists."))
    user = User(email=email, role=role)
    db.session.add(user)
    db.session.flush()
    return user, issue_password_link(user)


def issue_password_link(user):
    """A new one-time token; earlier unused links of this user stop working."""
    for link in db.session.scalars(db.select(PasswordLink).filter_by(user_id=user.id)):
        link.used_at = link.used_at or _now()
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordLink(user=user, token_hash=_hash(token), expires_at=_now() + LINK_LIFETIME)
    )
    db.session.flush()
    return token


def find_password_link(token):
    """The link for a token if it is unused and unexpired, else None."""
    link = db.session.scalar(db.select(PasswordLink).filter_by(token_hash=_hash(token or "")))
    if link is None or link.used_at is not None or link.expires_at < _now():
        return None
    return link


def set_password(link, password):
    """Set the password through a link; raise ``AccountError`` when it is refused."""
    problem = password_problem(password, link.user.email)
    if problem:
        raise AccountError(str(problem))
    user = link.user
    user.password_hash = hash_password(password)
    link.used_at = _now()
    end_sessions(user)
    log.info("password set for user %s", user.id)
    return user


def authenticate(email, password):
    """The active user with these credentials, or None. Logs the outcome, never the password."""
    user = find_user(email)
    # Always verify, even for an unknown address, so timing does not tell.
    valid = verify_password(user.password_hash if user else None, password)
    if not valid:
        log.warning("login failed (%s)", "unknown account" if user is None else f"user {user.id}")
        return None
    if not user.active:
        log.warning("login refused: user %s is disabled", user.id)
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    log.info("login succeeded: user %s", user.id)
    return user


def end_sessions(user):
    """Every cookie issued so far for this user stops working."""
    user.session_version += 1
    db.session.flush()


def set_active(user, active):
    user.active = active
    end_sessions(user)
