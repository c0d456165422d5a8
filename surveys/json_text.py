"""JSON text for the database's JSON columns and the session cookie, written with orjson.

A last page writes some twenty JSON values (its answers) and the session
cookie; the standard library's ``json.dumps`` spent more on each small value
than orjson does (docs/benchmarks.md, "Load and faults"). What orjson cannot
write as the standard library would (an integer past 64 bits, a key that is
not a string) or should refuse as it would (a date, a dataclass) is handed to
``json.dumps``, which writes it or raises as before. Reading stays with the
standard library: orjson reads an integer past 64 bits as a float.
"""

import json

import orjson

_AS_JSON_DOES = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def dumps(value):
    try:
        return orjson.dumps(value, option=_AS_JSON_DOES).decode()
    except TypeError:
        return json.dumps(value, separators=(",", ":"))
