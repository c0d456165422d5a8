"""Headers, production settings, logs and rate limits: nobody gets a way in."""

import logging
import re
import secrets
import socket
import subprocess
import sys
import time

import pytest
import time_machine
from werkzeug.middleware.proxy_fix import ProxyFix

from surveys import create_app, posted_limit
from surveys.config import DEV_SECRET_KEY, ConfigurationError
from surveys.extensions import WorkerMemory, limiter
from surveys.extensions import db as _db
from tests.conftest import Auth, FreshRequestClient, Respondent, csrf_token
from tests.test_focus_groups import create_session, save_notes

PAGES = [
    "/s/safe-return?lang=es",
    "/s/safe-return/pacoima",
    "/s/nowhere",
    "/login",
    "/static/css/voces.css",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_response_carries_the_security_headers(client, survey, url):
    with client.get(url) as response:
        headers = response.headers
    policy = headers["Content-Security-Policy"]

    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in policy
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "charset=utf-8" in headers["Content-Type"]


def test_pages_need_no_inline_script_or_style(client, survey, respondent, make_user, auth):
    family = respondent()
    pages = [family.get("/s/safe-return").get_data(as_text=True)]
    family.start(community="pacoima", lang="es")
    while family.path.startswith("/s/safe-return/p/"):
        pages.append(family.page.get_data(as_text=True))
        family.submit_page()
    auth.login(make_user("lead"))
    pages.append(client.get("/leads/focus-groups").get_data(as_text=True))

    for html in pages:
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # inline script
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", html)


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({}, "SECRET_KEY"),
        ({"SECRET_KEY": DEV_SECRET_KEY}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SECRET_KEY": "k" * 64, "FLASK_DEBUG": "1"}, "debug"),
    ],
)
def test_production_refuses_unsafe_settings(monkeypatch, tmp_path, environment, message):
    monkeypatch.setenv("VOCES_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ConfigurationError, match=message):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}"})


def test_production_starts_with_a_real_key(monkeypatch, tmp_path):
    monkeypatch.setenv("VOCES_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}"})
    assert app.config["PRODUCTION"] and not app.debug


def test_proxy_headers_are_trusted_only_when_configured(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    assert not isinstance(create_app({"SQLALCHEMY_DATABASE_URI": url}).wsgi_app, ProxyFix)
    monkeypatch.setenv("VOCES_PROXIES", "1")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    assert isinstance(app.wsgi_app, ProxyFix) and app.wsgi_app.x_proto == 1

    @app.get("/_scheme")
    def scheme():
        from flask import request

        return request.scheme

    seen = app.test_client().get("/_scheme", headers={"X-Forwarded-Proto": "https"})
    assert seen.get_data(as_text=True) == "https"


def test_line_breaks_in_logged_values_are_escaped(app, caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("surveys.test").warning("login failed for %s", "x\r\nFAKE: admin logged in")

    assert caplog.records[-1].getMessage() == "login failed for x\\r\\nFAKE: admin logged in"
    assert "\nFAKE" not in caplog.text


def test_logs_carry_no_answers_notes_passwords_or_tokens(
    app, client, survey, respondent, make_user, auth, caplog
):
    """The whole flow, with sentinels in everything people type or receive."""
    caplog.set_level(logging.DEBUG)
    family = respondent()
    family.start(community="pacoima", lang="es")
    tokens = [family.form_fields()["submission_token"]]
    family.complete("ANSWER-SENTINEL-51c9")
    assert family.path == "/s/safe-return/thanks"

    password = "PASSWORD-SENTINEL-8e2f lights"
    facilitator = make_user("facilitator", password=password)
    auth.login(facilitator, password=password)
    auth.login(facilitator, password="WRONG-SENTINEL-0b7d")
    group = create_session(auth, survey)
    saved = save_notes(
        auth,
        group,
        **{"note__health_safety": "NOTES-SENTINEL-a4d0", "observations": "OBS-SENTINEL"},
    )
    assert saved.status_code in (200, 302)
    auth.logout()

    from surveys.services import accounts

    _user, link_token = accounts.create_user("new-lead@example.org", "lead")
    page = client.get(f"/set-password/{link_token}").get_data(as_text=True)
    client.post(
        f"/set-password/{link_token}",
        data={"csrf_token": csrf_token(page), "password": password, "confirm": password},
    )

    logged = caplog.text
    assert "login succeeded" in logged  # the logs are being captured
    sentinels = ["ANSWER-SENTINEL", "PASSWORD-SENTINEL", "WRONG-SENTINEL", "NOTES-SENTINEL"]
    for needle in [*sentinels, "OBS-SENTINEL", link_token, *tokens]:
        assert needle not in logged


def test_posting_survey_pages_is_rate_limited(app, client, survey):
    app.config["SUBMIT_RATE_LIMIT"] = "3 per minute"
    statuses = [client.post("/s/safe-return", data={}).status_code for _ in range(4)]

    assert 429 not in statuses[:3] and statuses[3] == 429
    assert client.get("/s/safe-return").status_code == 200  # reading is never limited
    assert client.get("/s/safe-return/thanks").status_code == 200


def test_the_start_and_survey_pages_share_one_count(app, client, survey):
    app.config["SUBMIT_RATE_LIMIT"] = "3 per minute"
    paths = ["/s/safe-return", "/s/safe-return/pacoima", "/s/safe-return/p/1", "/s/safe-return/p/2"]
    statuses = [client.post(path, data={}).status_code for path in paths]

    assert 429 not in statuses[:3] and statuses[3] == 429


@pytest.fixture
def app_with(database_url, monkeypatch):
    """Another app on the test database, with its own settings (as a worker with its own env).

    The limiter is one object per process: what an app's settings leave in it
    (a storage marked unreachable, a key prefix) is put back after the test.
    """
    monkeypatch.setattr(limiter, "_storage_dead", False)
    monkeypatch.setattr(limiter, "_key_prefix", "")
    made = []

    def make(**settings):
        config = {"TESTING": True, "SECRET_KEY": "test-secret"}
        made.append(create_app({**config, "SQLALCHEMY_DATABASE_URI": database_url, **settings}))
        made[-1].test_client_class = FreshRequestClient
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            _db.engine.dispose()


def closed_port():
    with socket.socket() as probe:  # bound, never listening, then closed
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_redis_outage_neither_stops_families_nor_staff(app_with, survey, make_user, caplog):
    """Redis down: each worker counts in its own memory, with a warning, and nobody gets a 500."""
    outage = app_with(
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed_port()}",
        SUBMIT_RATE_LIMIT="40 per minute",
    )
    client = outage.test_client()
    family = Respondent(client, "safe-return")
    family.start(community="pacoima", lang="es")
    assert family.complete().request.path == "/s/safe-return/thanks"
    assert Auth(client).login(make_user("lead")).status_code == 302

    assert "Rate limit storage unreachable" in caplog.text
    stranger = Auth(outage.test_client())
    statuses = [stranger.login("nobody@example.org", "wrong").status_code for _ in range(6)]
    assert statuses[0] == 200 and statuses[-1] == 429  # the login limit still holds


def test_during_a_redis_outage_posted_pages_are_still_counted(
    app_with, survey, caplog, monkeypatch
):
    """Each worker counts in its own memory, trying Redis again now and then: the limit holds."""
    outage = app_with(
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed_port()}",
        SUBMIT_RATE_LIMIT="3 per minute",
    )
    client = outage.test_client()
    statuses = [client.post("/s/safe-return", data={}).status_code for _ in range(4)]

    assert 429 not in statuses[:3] and statuses[3] == 429
    assert caplog.text.count("Rate limit storage unreachable") == 1  # tried again only later
    later = time.monotonic() + posted_limit.RETRY_SECONDS + 1
    monkeypatch.setattr(posted_limit.time, "monotonic", lambda: later)
    assert client.post("/s/safe-return", data={}).status_code == 429
    assert caplog.text.count("Rate limit storage unreachable") == 2


def redis_url():
    url = "redis://127.0.0.1:6379"
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip(f"no Redis server at {url}: the shared rate-limit test needs one")
    return url


def test_rate_limits_are_shared_through_redis(app_with, survey):
    """Counts live in Redis: a worker that starts afresh still sees them."""
    import redis

    url, prefix = redis_url(), f"voces-test-{secrets.token_hex(4)}"
    settings = {
        "RATELIMIT_STORAGE_URI": url,
        "RATELIMIT_KEY_PREFIX": prefix,
        "SUBMIT_RATE_LIMIT": "3 per minute",
    }
    try:
        first = app_with(**settings).test_client()
        statuses = [first.post("/s/safe-return", data={}).status_code for _ in range(3)]
        second = app_with(**settings).test_client()  # a new worker: nothing counted in memory

        assert 429 not in statuses
        assert second.post("/s/safe-return", data={}).status_code == 429
        assert redis.Redis.from_url(url).keys(f"*{prefix}*")
    finally:
        store = redis.Redis.from_url(url)
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)
        store.close()


# A fresh process, with no test logging set up: what reaches stderr on its own.
LOGGING_PROBE = """
import sys
import time
from surveys import create_app, posted_limit
from surveys.extensions import db

app = create_app({"SECRET_KEY": "k" * 64, "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                  "WTF_CSRF_ENABLED": False})

@app.get("/set-password/<token>/fail")
@app.get("/fail/<token>")
def fail(token):
    raise ValueError("cannot read\\r\\nFAKE-RECORD: admin logged in")

with app.app_context():
    db.create_all()
client = app.test_client()
client.post("/login", data={"email": "nobody@example.org", "password": "x" * 12})
print(client.get("/set-password/SECRET-TOKEN-31/fail").status_code)
print(client.get("/fail/x%0D%0AFAKE-PATH").status_code)
"""


def test_records_and_tracebacks_reach_stderr_on_one_line_each(tmp_path):
    url = f"sqlite:///{tmp_path / 'probe.sqlite'}"
    run = subprocess.run(
        [sys.executable, "-c", LOGGING_PROBE, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = run.stderr.splitlines()

    assert run.stdout.split() == ["500", "500"]
    assert any(
        line.endswith("surveys.services.accounts: login failed (unknown account)") for line in lines
    )
    assert any(
        "[ERROR] surveys: Exception on /set-password/[token]/fail [GET]" in line for line in lines
    )
    assert any(line.endswith("Exception on /fail/x\\r\\nFAKE-PATH [GET]") for line in lines)
    assert any(line.startswith("    Traceback") for line in lines)  # the 500, server-side
    assert "ValueError: cannot read" in run.stderr and "SECRET-TOKEN" not in run.stderr
    assert not any(line.startswith("FAKE") for line in lines)  # no forged line


def test_worker_memory_counts_within_a_window_and_forgets_after_it():
    from datetime import datetime, timedelta

    with time_machine.travel(datetime(2026, 3, 2, 9, 0), tick=False) as clock:
        store = WorkerMemory()
        assert [store.incr("k", 60) for _ in range(3)] == [1, 2, 3]
        assert store.get("k") == 3 and store.get("other") == 0
        assert store.get_expiry("k") == datetime(2026, 3, 2, 9, 1).timestamp()
        clock.shift(timedelta(seconds=61))  # the window has ended
        assert store.get("k") == 0 and store.incr("k", 60) == 1
        clock.shift(timedelta(minutes=5))
        store.incr("fresh", 60)  # a hit now and then drops every ended window
        assert set(store.counts) == {"fresh"}
