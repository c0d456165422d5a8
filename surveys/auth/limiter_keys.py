"""Rate-limit keys for the login and set-password forms.

Flask-Limiter counts attempts per key in memory (or in Redis with several
workers, ``RATELIMIT_STORAGE_URI``). The key is a keyed hash of the client
address, so not even the limiter's storage holds an address, and it is never
written to the database or the logs.
"""

import hashlib
import hmac

from flask import current_app, request
from flask_limiter.util import get_remote_address


def hashed_address_limiter_key():
    secret = current_app.config["SECRET_KEY"].encode()
    address = (get_remote_address() or "").encode()
    return hmac.new(secret, address, hashlib.sha256).hexdigest()[:32]


def account_limiter_key():
    """Counts attempts per account too, whatever address they come from."""
    secret = current_app.config["SECRET_KEY"].encode()
    email = request.form.get("email", "").strip().lower().encode()
    return "acct:" + hmac.new(secret, email, hashlib.sha256).hexdigest()[:32]
