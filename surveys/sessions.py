"""The signed session cookie, read and written with less work per request.

Flask's own interface builds a new signing serializer on every request (and
itsdangerous tries a dump while building it), walks every value looking for
types to tag, derives the signing key again for every signature and tries to
compress every cookie. Every survey page reads and writes this cookie, so all
of it showed in the cost of a family's page (docs/benchmarks.md, "Load and
faults"). The cookie, its signature, its key rotation and its lifetime are
Flask's; a cookie written by Flask's own interface is still read.
"""

import json

from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from itsdangerous.url_safe import URLSafeSerializerMixin

from . import json_text


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
        return json_text.dumps(value)

    def loads(self, text):
        # A tag is a one-key object whose key starts with a space: "{\" ".
        return self.tagged.loads(text) if '{" ' in text else json.loads(text)


class KeptKeySigner(TimestampSigner):
    """A signer that derives each secret key's signing key once (a fixed HMAC of the salt)."""

    def derive_key(self, secret_key=None):
        derived = self.__dict__.setdefault("_derived", {})
        if secret_key not in derived:
            derived[secret_key] = super().derive_key(secret_key)
        return derived[secret_key]


class SessionSerializer(URLSafeTimedSerializer):
    """itsdangerous's signed, URL-safe format, with its signer kept and nothing compressed.

    A session cookie is a few hundred bytes: compressing it cost more than the
    bytes it saved. A compressed cookie (written before) still reads.
    """

    default_signer = KeptKeySigner

    def make_signer(self, salt=None):
        signers = self.__dict__.setdefault("_signers", {})
        if salt not in signers:
            signers[salt] = super().make_signer(salt)
        return signers[salt]

    def dump_payload(self, obj):
        return base64_encode(super(URLSafeSerializerMixin, self).dump_payload(obj))


class CookieSessions(SecureCookieSessionInterface):
    serializer = PlainJSON()

    def __init__(self):
        self._signers = {}

    def get_signing_serializer(self, app):
        # Keyed by the keys it signs and checks with: tests make apps with other keys.
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        signer = self._signers.get(keys)
        if signer is None and app.secret_key:
            # Flask's order: the current key last, the one itsdangerous signs with.
            signer = self._signers[keys] = SessionSerializer(
                [*keys[1:], keys[0]],
                salt=self.salt,
                serializer=self.serializer,
                signer_kwargs={
                    "key_derivation": self.key_derivation,
                    "digest_method": self.digest_method,
                },
            )
        return signer
