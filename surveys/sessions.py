"""The signed session cookie, read and written with less work per request.

Flask's own interface builds a new signing serializer on every request (and
itsdangerous tries a dump while building it), walks every value looking for
types to tag, derives the signing key again for every signature and tries to
compress every cookie. Every survey page reads and writes this cookie, so all
of it showed in the cost of a family's page (docs/benchmarks.md, "Load and
faults"). The cookie, its signature, its key rotation and its lifetime are
Flask's; a cookie written by Flask's own interface is still read.
"""

import hmac
import json
import time

from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_decode, base64_encode, bytes_to_int, want_bytes
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

    def loads(self, s, max_age=None, return_timestamp=False, salt=None):
        """The usual cookie (signed with the newest key, in date, not compressed)
        is checked in one place: through itsdangerous's layers the check cost a
        family's page more than the rest of its session work. Anything else
        (an older key, a bad or expired signature, a compressed payload) goes
        itsdangerous's own way, which accepts or refuses it as before."""
        if return_timestamp or salt is not None:
            return super().loads(s, max_age, return_timestamp, salt)
        signer = self.make_signer()
        signed = want_bytes(s)
        value, _, signature = signed.rpartition(b".")
        payload, _, stamp = value.rpartition(b".")
        expected = base64_encode(hmac.digest(signer.derive_key(), value, signer.digest_method))
        if not payload or payload[:1] == b"." or not hmac.compare_digest(expected, signature):
            return super().loads(s, max_age)
        age = time.time() - bytes_to_int(base64_decode(stamp))
        if age < 0 or (max_age is not None and age > max_age):
            return super().loads(s, max_age)  # raises what itsdangerous raises
        return self.load_payload(payload)


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
