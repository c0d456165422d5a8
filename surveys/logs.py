"""Logging: the app's records reach stderr, one line each, with nothing that forges lines.

A value typed by a visitor (a path, an e-mail address) may hold carriage
returns or line feeds; written as is, it would start a fake log line. Every
record's arguments are escaped as the record is made, whichever logger or
handler (Flask, Werkzeug, gunicorn) writes it later, and the app's own
handler escapes the finished message again (Flask writes the path of a
failed request into the message itself) and hides link tokens.

``init_app`` gives the ``surveys`` logger (Flask's ``app.logger``: login
records, tracebacks of 500 errors) and the rate limiter's warnings a handler
on stderr: the terminal under ``flask run``, the error log under gunicorn.
What is logged never holds answers, notes, passwords or tokens.
"""

import logging
import sys

from .privacy import hide_secrets

LOGGERS = ("surveys", "flask-limiter")
FORMAT = "[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"  # as gunicorn's error log writes it

_ESCAPES = str.maketrans({"\r": "\\r", "\n": "\\n"})


def escape(value):
    """``value`` with CR and LF written as ``\\r`` and ``\\n`` (strings only)."""
    return value.translate(_ESCAPES) if isinstance(value, str) else value


def _escaped_args(args):
    if isinstance(args, tuple):
        return tuple(escape(a) for a in args)
    if isinstance(args, dict):
        return {key: escape(value) for key, value in args.items()}
    return args


def install():
    """Wrap the log record factory once per process."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "escapes_newlines", False):
        return

    def make_record(*args, **kwargs):
        record = factory(*args, **kwargs)
        record.args = _escaped_args(record.args)
        return record

    make_record.escapes_newlines = True
    logging.setLogRecordFactory(make_record)


class OneLineFormatter(logging.Formatter):
    """The message on one line, link tokens hidden; a traceback indented beneath it.

    Indented, no line of a traceback (whose last line may quote a visitor's
    input) can pass for a record of its own.
    """

    def formatMessage(self, record):
        record.message = hide_secrets(escape(record.message))
        return super().formatMessage(record)

    def formatException(self, exc_info):
        return _indented(super().formatException(exc_info))

    def formatStack(self, stack_info):
        return _indented(super().formatStack(stack_info))


def _indented(text):
    return "\n".join("    " + line for line in text.splitlines())


class StderrHandler(logging.StreamHandler):
    """Writes to ``sys.stderr`` as it is when a record comes, as logging's last resort does."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass  # always sys.stderr


def _handler():
    for handler in logging.getLogger(LOGGERS[0]).handlers:
        if isinstance(handler, StderrHandler):
            return handler
    handler = StderrHandler()
    handler.setFormatter(OneLineFormatter(FORMAT, DATE_FORMAT))
    return handler


def init_app(app):
    """Escape every record, and send the app's records to stderr (once per process).

    Flask adds no handler of its own then; records still propagate, so a
    handler an operator puts on the root logger sees them too.
    """
    install()
    handler = _handler()
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if handler not in logger.handlers:
            logger.addHandler(handler)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.DEBUG if app.debug else logging.INFO)
