"""Serving helpers: log lines that name no person and carry no secret."""

import logging
import re

from gunicorn.glogging import Logger

from .logs import escape
from .privacy import hide_secrets

# IPv4, IPv6 written with "::" (an IPv4 tail allowed), and IPv6 written out in full.
_HEX = "[0-9A-Fa-f]{1,4}"
_ADDRESS = re.compile(
    rf"(?<![\w.:])(?:\d{{1,3}}(?:\.\d{{1,3}}){{3}}"
    rf"|(?:{_HEX}:)*(?:{_HEX})?::(?:{_HEX}(?::{_HEX})*)?(?:\.\d{{1,3}}){{0,3}}"
    rf"|(?:{_HEX}:){{7}}{_HEX})(?![\w.])"
)
# The few messages that give the server's own address, which an operator needs.
_SERVER_ADDRESS_MESSAGES = ("Listening at", "Connection in use", "Can't connect to")


def hide_addresses(text):
    """``text`` with every network address replaced by ``[address]``."""
    return _ADDRESS.sub("[address]", text)


class ScrubErrorLog(logging.Filter):
    """gunicorn's error log without client addresses or link tokens, one line a record.

    gunicorn writes, for example, ``Invalid request from ip=203.0.113.9: ...``
    and ``Error handling request /set-password/<token>``.
    """

    def filter(self, record):
        message = hide_secrets(escape(record.getMessage()))
        if not str(record.msg).startswith(_SERVER_ADDRESS_MESSAGES):
            message = hide_addresses(message)
        record.msg, record.args = message, ()
        return True


class PrivateAccessLogger(Logger):
    """gunicorn's logger: no address or device atoms, tokens hidden, a scrubbed error log."""

    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(f, ScrubErrorLog) for f in self.error_log.filters):
            self.error_log.addFilter(ScrubErrorLog())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = hide_secrets(atoms.get("U", ""))
        for name in ("h", "a", "f", "r", "q", "{x-forwarded-for}i", "{x-real-ip}i"):
            atoms[name] = "-"
        return atoms
