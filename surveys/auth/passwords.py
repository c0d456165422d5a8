"""Password hashing (argon2id) and the password rules staff see."""

from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 8
MAX_LENGTH = 256
_hasher = PasswordHasher()  # argon2id with the library's current recommended costs
# Verifying against this when no account matches keeps timing alike.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password):
    return _hasher.hash(password)


def verify_password(password_hash, password):
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash):
    return _hasher.check_needs_rehash(password_hash)


@cache
def common_passwords():
    """zxcvbn's 30,000 most common passwords, plus a few common in Spanish."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    extra = resources.files("surveys.auth").joinpath("common_passwords_es.txt")
    spanish = extra.read_text(encoding="utf-8").split()
    return frozenset(p.lower() for p in [*FREQUENCY_LISTS["passwords"], *spanish])


def password_problem(password, email=""):
    """Return why a password is refused, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return _l("Use at least %(n)s characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Use at most %(n)s characters.", n=MAX_LENGTH)
    lowered = password.lower()
    if lowered in common_passwords() or lowered.rstrip("0123456789!.") in common_passwords():
        return _l("This password is too common and easy to guess. Please choose another.")
    if email and lowered in (email.lower(), email.lower().split("@")[0]):
        return _l("Your password cannot be your e-mail address.")
    return None
