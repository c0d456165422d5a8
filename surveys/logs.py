"""Log records whose values cannot forge log lines.

A value typed by a visitor (a path, an e-mail address) may hold carriage
returns or line feeds; written as is, it would start a fake log line. Every
record's arguments are escaped as the record is made, whichever logger or
handler (Flask, Werkzeug, gunicorn) writes it later.
"""

import logging

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
