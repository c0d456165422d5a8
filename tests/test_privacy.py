"""Respondents are never tracked: no address, device or referrer is stored or logged."""

import logging
import re
import threading
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import inspect
from werkzeug.serving import make_server

from surveys.extensions import db as _db

SENTINELS = {
    "User-Agent": "SentinelAgent/9.9 (UA-7f3a1c)",
    "X-Forwarded-For": "203.0.113.77",
    "Referer": "https://sentinel-referrer.example/ref-5d2e",
    "X-Real-IP": "198.51.100.23",
}
NEEDLES = [
    "UA-7f3a1c",
    "SentinelAgent",
    "203.0.113.77",
    "sentinel-referrer",
    "ref-5d2e",
    "198.51.100.23",
]


def all_rows_as_text():
    """Every value of every table, for engines whose files we cannot read."""
    chunks = []
    for table in inspect(_db.engine).get_table_names():
        rows = _db.session.execute(_db.text(f'SELECT * FROM "{table}"')).all()
        chunks.extend(repr(tuple(row)) for row in rows)
    return "\n".join(chunks)


def test_full_survey_with_sentinel_headers_leaves_no_trace(
    app, client, db, survey, respondent, caplog, database_url
):
    caplog.set_level(logging.DEBUG)
    client.environ_base.update({"REMOTE_ADDR": "192.0.2.44"})
    family = respondent()
    for name, value in SENTINELS.items():
        client.environ_base["HTTP_" + name.upper().replace("-", "_")] = value
    needles = [*NEEDLES, "192.0.2.44"]

    family.start(community="pacoima", lang="es")
    family.complete("Una respuesta con palabras")
    assert family.path == "/s/safe-return/thanks"
    db.session.commit()

    stored = all_rows_as_text()
    assert "Una respuesta con palabras" in stored  # the answers are there...
    for needle in needles:  # ...and nothing about the device or network
        assert needle not in stored
        assert needle not in caplog.text
    if database_url.startswith("sqlite"):
        files = [Path(database_url.removeprefix("sqlite:///"))]
        files.append(files[0].with_name(files[0].name + "-wal"))
        raw = b"".join(f.read_bytes() for f in files if f.exists())
        assert b"Una respuesta con palabras" in raw
        for needle in needles:
            assert needle.encode() not in raw


def test_development_server_log_has_no_client_address(app, survey, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/s/safe-return"
        request = urllib.request.Request(url, headers=SENTINELS)
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
    finally:
        server.shutdown()
        thread.join(timeout=5)

    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("GET /s/safe-return" in line for line in lines)
    for line in lines:
        assert "127.0.0.1" not in line
        assert not any(needle in line for needle in NEEDLES)


def test_only_the_session_cookie_and_same_origin_referrers(client, survey, respondent):
    family = respondent()
    family.start(community="pacoima", lang="en")
    family.complete()

    cookies = {cookie.key for cookie in client._cookies.values()}
    assert cookies == {"voces"}
    for url in ("/s/safe-return", "/s/safe-return/thanks", "/s/missing"):
        assert client.get(url).headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_pages_load_nothing_from_other_hosts(client, survey, respondent, lang):
    pages = respondent().every_page(lang)

    for html in pages:
        assert not re.search(r'(src|href|action)="(https?:)?//', html)
        assert "@import" not in html
    with client.get("/static/css/voces.css") as response:
        stylesheet = response.get_data(as_text=True)
    assert "url(" not in stylesheet and "@import" not in stylesheet


def test_bundled_survey_never_asks_for_identity_or_status(survey):
    from surveys.definition.guard import forbidden_phrase

    for question in survey.current.definition["sections"]:
        for q in question["questions"]:
            for text in q["text"].values():
                assert forbidden_phrase(text) is None
                assert (
                    not re.search(
                        r"\b(name|nombre|address|dirección|phone|teléfono)\b", text, re.IGNORECASE
                    )
                    or q["type"] == "note"
                )
