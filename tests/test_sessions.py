"""The session cookie: signed with the app's key, checked against it and its fallbacks.

surveys/sessions.py keeps one signer per set of keys; a changed key must not
find the old one.
"""

import time

import time_machine
from flask.sessions import SecureCookieSessionInterface


def _page_language(client):
    html = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_the_session_follows_the_key_and_its_fallbacks(app, client):
    client.get("/login?lang=es")  # the choice is kept in the session
    assert _page_language(client) == "es"

    app.secret_key = "a-rotated-secret"
    app.config["SECRET_KEY_FALLBACKS"] = ["test-secret"]
    assert _page_language(client) == "es"  # signed with the old key, still accepted

    app.config["SECRET_KEY_FALLBACKS"] = []
    assert _page_language(client) == "en"  # the old key is retired: the cookie is ignored


def test_a_cookie_written_before_plain_json_is_still_read(app, client):
    """Flask's own serializer tags tuples: a flash waiting in an older cookie stays readable."""
    stock = SecureCookieSessionInterface().get_signing_serializer(app)
    client.set_cookie("voces", stock.dumps({"lang": "es", "_flashes": [("message", "Guardado")]}))

    with client.session_transaction() as session:
        assert session["_flashes"] == [("message", "Guardado")]
    assert _page_language(client) == "es"


def test_cookies_read_both_ways_with_flasks_own_interface(app, client):
    """Compressed cookies (Flask's, before) still read; ours read with Flask's, uncompressed."""
    stock = SecureCookieSessionInterface().get_signing_serializer(app)
    long_text = "Guardamos sus respuestas. " * 20  # compresses: itsdangerous marks it with "."
    written = stock.dumps({"lang": "es", "note": long_text})
    assert written.startswith(".")
    client.set_cookie("voces", written)
    assert _page_language(client) == "es"

    client.get("/login?lang=en")  # the session changes: Voces writes the cookie again
    ours = client.get_cookie("voces").value
    assert not ours.startswith(".")
    read = stock.loads(ours)
    assert (read["lang"], read["note"]) == ("en", long_text)


def test_a_tampered_or_expired_cookie_is_ignored(app, client):
    client.get("/login?lang=es")
    assert _page_language(client) == "es"
    signed = client.get_cookie("voces").value

    client.set_cookie("voces", signed[:-2] + ("AA" if not signed.endswith("AA") else "BB"))
    assert _page_language(client) == "en"  # a signature that does not match: nothing read

    client.set_cookie("voces", signed)
    assert _page_language(client) == "es"
    lifetime = app.permanent_session_lifetime.total_seconds()
    with time_machine.travel(time.time() + lifetime + 60):
        client.set_cookie("voces", signed)  # kept by the browser past its date, say
        assert _page_language(client) == "en"  # past its lifetime: nothing read
