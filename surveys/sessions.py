"""The signed session cookie, read and written with less work per request.

Flask's own interface builds a new signing serializer on every request (and
itsdangerous tries a dump while building it), and walks every value looking
for types to tag. Every survey page reads and writes this cookie, so both
showed in the cost of a family's page (docs/benchmarks.md, "Load and faults").
The cookie, its signature, its key rotation and its lifetime are Flask's.
"""

import json

from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface


class PlainJSON:
    """The session holds only JSON types: tokens, a language, timestamps, flashed texts.

    Flask's tagged serializer would also keep tuples, bytes, dates and markup;
    nothing here stores them (a flashed message comes back as a list, which
    ``get_flashed_messages`` reads as it reads a tuple). Reading still undoes
    Flask's tags: a cookie written before (a flash waiting in it) stays readable.
    """

    tagged = TaggedJSONSerializer()

    @staticmethod
    def dumps(value):
        return json.dumps(value, separators=(",", ":"))

    def loads(self, text):
        return self.tagged.loads(text)


class CookieSessions(SecureCookieSessionInterface):
    serializer = PlainJSON()

    def __init__(self):
        self._signers = {}

    def get_signing_serializer(self, app):
        # Keyed by the keys it signs and checks with: tests make apps with other keys.
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        signer = self._signers.get(keys)
        if signer is None:
            signer = self._signers[keys] = super().get_signing_serializer(app)
        return signer
