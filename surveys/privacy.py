"""Nothing about a respondent's network or device is kept.

Voces reads no client address, user agent or referrer. The development
server's request log normally starts with the client address; a log filter
removes it, so ``make run`` logs ``- - [date] "GET /s/... HTTP/1.1" 200``.
Production logging is configured in the gunicorn settings the same way.
"""

import logging
import re

# Werkzeug's request lines look like '1.2.3.4 - - [date] "GET / HTTP/1.1" 200 -'.
_ADDRESS_PREFIX = re.compile(r"^\S+ - - \[")


# Paths that carry a one-time secret: /set-password/<token>.
_SECRET_PATHS = re.compile(r"(/set-password/)[^/?#\s\"]+")


def hide_secrets(text):
    """``text`` (a path or a request line) with link tokens replaced."""
    return _SECRET_PATHS.sub(r"\1[token]", text)


class DropClientAddress(logging.Filter):
    """Werkzeug's request lines without the client address or a link's token."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = _ADDRESS_PREFIX.sub("- - [", record.msg)
        if record.args:
            record.args = tuple(hide_secrets(a) if isinstance(a, str) else a for a in record.args)
        return True


# Everything comes from this host: no inline script or style, no frames, no plugins.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype.startswith("text/") and "charset" not in response.content_type:
        response.content_type = f"{response.mimetype}; charset=utf-8"
    return response


def init_app(app):
    werkzeug_logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, DropClientAddress) for f in werkzeug_logger.filters):
        werkzeug_logger.addFilter(DropClientAddress())
    app.after_request(add_headers)
