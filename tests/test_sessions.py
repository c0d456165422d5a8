"""The session cookie: signed with the app's key, checked against it and its fallbacks.

surveys/sessions.py keeps one signer per set of keys; a changed key must not
find the old one.
"""


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
