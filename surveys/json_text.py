"""JSON text for the session cookie, written with orjson.

Every survey page posted writes the session cookie; the standard library's
``json.dumps`` spent more on it than orjson does (docs/benchmarks.md, "Load
and faults"). The database's JSON columns keep ``json.dumps``'s text: a
CHECK constraint compares it, and orjson writes it without spaces. What
orjson cannot write as the standard library would (an integer past 64 bits,
a key that is not a string) or should refuse as it would (a date, a
dataclass) is handed to ``json.dumps``, which writes it or raises as before.
Reading stays with the standard library: orjson reads an integer past 64
bits as a float.
"""

import json
from json.encoder import encode_basestring_ascii as _quoted

import orjson

_AS_JSON_DOES = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def dumps(value):
    try:
        return orjson.dumps(value, option=_AS_JSON_DOES).decode()
    except TypeError:
        return json.dumps(value, separators=(",", ":"))


def standard(value):
    """Exactly ``json.dumps(value)``, the text the database's JSON columns keep.

    An answer is nearly always a text, a whole number or a list of texts: those
    are written here with json's own quoting, without the encoder ``json.dumps``
    sets up for every value (a last page writes some twenty).
    """
    kind = type(value)
    if kind is str:
        return _quoted(value)
    if kind is int:
        return int.__repr__(value)
    if kind is list and all(type(item) is str for item in value):
        return "[" + ", ".join(map(_quoted, value)) + "]"
    return json.dumps(value)
