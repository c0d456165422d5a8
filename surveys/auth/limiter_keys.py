"""Rate-limit keys for the login and set-password forms.

Flask-Limiter counts attempts per key in memory (or in Redis with several
workers, ``RATELIMIT_STORAGE_URI``). Keys are keyed hashes of the client
address (and e-mail), so not even the limiter's storage holds an address, and
none is written to the database or the logs.
"""

import hashlib
import hmac

from flask import current_app, request
from flask_limiter.util import get_remote_address


def _keyed_hash(*parts):
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, "\n".join(parts).encode(), hashlib.sha256).hexdigest()[:32]


def hashed_address_limiter_key():
    return _keyed_hash(get_remote_address() or "")


def account_limiter_key():
    """Counts attempts at one account from one client address.

    Not per account alone: then anyone who knows a staff e-mail address could
    keep its owner locked out by failing on purpose from elsewhere.
    """
    email = request.form.get("email", "").strip().lower()
    return "acct:" + _keyed_hash(email, get_remote_address() or "")
