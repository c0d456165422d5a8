"""The session cookie: signed with the app's key, checked against it and its fallbacks.

surveys/sessions.py keeps one signer per set of keys; a changed key must not
find the old one.
"""

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
