"""Staff accounts and login: creation, passwords, rate limits, sessions and timeouts."""

import hashlib
import json
import logging
import re

import pytest
import time_machine

from surveys import create_app
from surveys.extensions import db as app_db
from surveys.models import PasswordLink, User
from surveys.services import accounts
from tests.conftest import PASSWORD, Auth, csrf_token


def session_of(app, client):
    """The staff session cookie's contents, as the app reads them (signed, not encrypted)."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def sent_to_login(response):
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def link_token(output):
    return re.search(r"/set-password/([A-Za-z0-9_-]+)", output).group(1)


def set_password(client, token, password, confirm=None):
    page = client.get(f"/set-password/{token}?lang=en").get_data(as_text=True)
    return client.post(
        f"/set-password/{token}",
        data={
            "csrf_token": csrf_token(page),
            "password": password,
            "confirm": password if confirm is None else confirm,
        },
    )


def test_no_account_exists_after_migration(tmp_path):
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'new.sqlite'}"}
    )

    result = app.test_cli_runner().invoke(args=["db", "upgrade"])

    assert result.exit_code == 0, result.output
    with app.app_context():
        assert "users" in app_db.inspect(app_db.engine).get_table_names()
        count = app_db.session.scalar(app_db.select(app_db.func.count()).select_from(User))
        app_db.engine.dispose()
    assert count == 0


def test_cli_creates_an_account_with_a_one_time_link(runner, client, db, auth):
    result = runner.invoke(args=["users", "create", "Lead@Example.org", "--role", "lead"])

    assert result.exit_code == 0
    assert "created lead@example.org (lead)" in result.output
    token = link_token(result.output)
    assert set_password(client, token, PASSWORD).headers["Location"].endswith("/login")
    assert auth.login("lead@example.org").headers["Location"].endswith("/staff")
    # The link works once.
    assert client.get(f"/set-password/{token}").status_code == 404
    stored = db.session.scalars(db.select(PasswordLink)).one()
    assert token not in stored.token_hash


def test_cli_refuses_a_duplicate_or_unknown_role(runner, make_user):
    make_user("lead", email="dup@example.org")

    duplicate = runner.invoke(args=["users", "create", "dup@example.org", "--role", "lead"])
    unknown = runner.invoke(args=["users", "create", "x@example.org", "--role", "boss"])

    assert duplicate.exit_code == 1 and "already exists" in duplicate.output
    assert unknown.exit_code == 2


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 8"),
        ("password1", "too common"),
        ("iloveyou", "too common"),
        ("contraseña123", "too common"),
        ("x" * 300, "at most 256"),
    ],
)
def test_weak_passwords_are_refused(runner, client, password, message):
    token = link_token(
        runner.invoke(args=["users", "create", "a@example.org", "--role", "facilitator"]).output
    )

    page = set_password(client, token, password)

    assert page.status_code == 200
    assert message in page.get_data(as_text=True)


def test_long_passphrases_are_accepted_and_hashed_with_argon2id(runner, client, db):
    token = link_token(
        runner.invoke(args=["users", "create", "b@example.org", "--role", "lead"]).output
    )
    passphrase = "the bus stop on 4th street floods every winter " * 3  # 144 characters

    assert set_password(client, token, passphrase).status_code == 302
    user = db.session.scalars(db.select(User)).one()
    assert user.password_hash.startswith("$argon2id$")
    assert passphrase not in user.password_hash


def test_password_policy_messages_are_spanish(runner, client):
    token = link_token(
        runner.invoke(args=["users", "create", "c@example.org", "--role", "lead"]).output
    )
    page = client.get(f"/set-password/{token}?lang=es").get_data(as_text=True)
    refused = client.post(
        f"/set-password/{token}",
        data={"csrf_token": csrf_token(page), "password": "corta", "confirm": "otra"},
    )

    assert "8" in refused.get_data(as_text=True)
    assert "The two passwords" not in refused.get_data(as_text=True)
    assert '<html lang="es">' in refused.get_data(as_text=True)


def test_expired_link_is_refused(runner, client):
    token = link_token(
        runner.invoke(args=["users", "create", "d@example.org", "--role", "lead"]).output
    )
    with time_machine.travel("2099-01-01", tick=False):
        assert client.get(f"/set-password/{token}").status_code == 404


def test_login_success_and_failure_are_logged_without_passwords(make_user, auth, caplog):
    caplog.set_level(logging.INFO)
    user = make_user("lead")

    auth.login(user, "wrong password here")
    auth.login("nobody@example.org", "another wrong one")
    auth.login(user)

    assert f"login failed (user {user.id})" in caplog.text
    assert "login failed (unknown account)" in caplog.text
    assert f"login succeeded: user {user.id}" in caplog.text
    for secret in ("wrong password here", "another wrong one", PASSWORD):
        assert secret not in caplog.text


def test_wrong_password_says_so_in_the_users_language(make_user, auth):
    user = make_user("lead")

    page = auth.login(user, "not the password", lang="es")

    assert page.status_code == 200
    assert "no coinciden" in page.get_data(as_text=True)


def test_the_sixth_rapid_attempt_is_refused(make_user, auth):
    user = make_user("lead")
    for _ in range(5):
        assert auth.login(user, "wrong password!").status_code == 200

    sixth = auth.login(user)  # even the right password waits

    assert sixth.status_code == 429
    assert "Too many tries" in sixth.get_data(as_text=True)


def test_failing_on_purpose_elsewhere_does_not_lock_the_owner_out(app, make_user):
    user = make_user("lead")
    attacker, owner = Auth(app.test_client()), Auth(app.test_client())
    attacker.client.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    owner.client.environ_base["REMOTE_ADDR"] = "192.0.2.20"
    statuses = []
    with time_machine.travel("2026-11-23 09:00", tick=False) as traveller:
        for _minute in range(5):  # 5 a minute, the most one address may try
            statuses += [attacker.login(user, "wrong password!").status_code for _ in range(5)]
            traveller.shift(61)
        # From that address, this account gets 20 tries an hour, whatever the minute.
        assert statuses == [200] * 20 + [429] * 5
        assert attacker.login(user).status_code == 429

        assert owner.login(user).headers["Location"] == "/staff"


def test_session_changes_at_login(app, client, make_user, auth):
    user = make_user("lead")
    client.get("/login")
    anonymous = session_of(app, client)
    # An attacker who fixed this browser's cookie chose its values.
    fixed = app.session_interface.get_signing_serializer(app).dumps(
        {**anonymous, "fixed_by": "attacker", "_user_id": "nobody"}
    )
    client.set_cookie("voces", fixed)

    assert auth.login(user).headers["Location"] == "/staff"
    after = session_of(app, client)

    assert "fixed_by" not in after
    assert after["_user_id"] != "nobody"
    assert after.get("csrf_token") != anonymous["csrf_token"]  # the pre-login identifier
    client.set_cookie("voces", fixed)
    assert sent_to_login(client.get("/staff"))


def test_the_session_cookie_holds_no_address_or_device(app, client, make_user):
    """Flask-Login would store a SHA-512 of address and user agent, which gives the address back."""
    address, agent = "203.0.113.77", "SentinelBrowser/9.9 (sentinel-device)"
    client.environ_base.update(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    Auth(client).login(make_user("facilitator"))
    assert not sent_to_login(client.get("/staff"))

    stored = session_of(app, client)

    assert "_id" not in stored
    fingerprint = hashlib.sha512(f"{address}|{agent}".encode()).hexdigest()
    raw = json.dumps(stored) + client.get_cookie("voces").value
    for secret in (address, agent, "SentinelBrowser", fingerprint, fingerprint[:16]):
        assert secret not in raw
    assert set(stored) <= {"_user_id", "_fresh", "login_at", "seen_at", "csrf_token", "lang"}


def test_logout_is_a_post_and_the_old_cookie_is_useless(client, make_user, auth):
    user = make_user("facilitator")
    auth.login(user)
    old_cookie = client.get_cookie("voces").value

    assert client.get("/logout").status_code == 405
    assert auth.logout().headers["Location"].endswith("/login")

    client.set_cookie("voces", old_cookie)  # replay the cookie from before logout
    page = client.get("/staff", follow_redirects=True)
    assert page.request.path == "/login"


@pytest.mark.parametrize(
    ("lang", "reason"),
    [
        ("en", "logged out after 30 minutes without activity"),
        ("es", "después de 30 minutos sin actividad"),
    ],
)
def test_idle_timeout_after_30_minutes(client, make_user, auth, lang, reason):
    user = make_user("lead")
    with time_machine.travel("2026-11-23 09:00", tick=False) as traveller:
        auth.login(user, lang=lang)
        traveller.shift(29 * 60)
        assert client.get("/staff").status_code == 302  # still in: goes to the role's home
        assert not sent_to_login(client.get("/staff"))
        traveller.shift(31 * 60)
        page = client.get("/staff", follow_redirects=True)
    assert page.request.path == "/login"
    assert reason in page.get_data(as_text=True)
    assert "12 hours" not in page.get_data(as_text=True)
    assert "12 horas" not in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "reason"),
    [("en", "at most 12 hours after login"), ("es", "dura como máximo 12 horas")],
)
def test_absolute_timeout_after_12_hours_even_when_active(client, make_user, auth, lang, reason):
    user = make_user("lead")
    with time_machine.travel("2026-11-23 08:00", tick=False) as traveller:
        auth.login(user, lang=lang)
        for _ in range(35):  # active every 20 minutes, to 11 h 40
            traveller.shift(20 * 60)
            assert not sent_to_login(client.get("/staff"))
        traveller.shift(10 * 60)
        assert not sent_to_login(client.get("/staff"))  # 11 h 50: still in
        traveller.shift(20 * 60)
        assert sent_to_login(client.get("/staff"))  # 12 h 10
        page = client.get("/login")
    assert reason in page.get_data(as_text=True)
    assert "without activity" not in page.get_data(as_text=True)


def test_disabling_an_account_ends_its_sessions_at_once(app, client, db, make_user, auth):
    user = make_user("facilitator")
    auth.login(user)
    assert not client.get("/staff").headers["Location"].startswith("/login")

    accounts.set_active(user, False)
    db.session.commit()

    assert client.get("/staff").headers["Location"].startswith("/login")
    assert auth.login(user).status_code == 200  # and it cannot log in again


def test_admin_creates_accounts_in_the_browser_and_sees_the_link(client, db, make_user, auth):
    auth.login(make_user("admin"))

    page = client.post(
        "/admin/users",
        data={
            "csrf_token": auth.csrf("/admin/users"),
            "email": "new@example.org",
            "role": "facilitator",
        },
    )

    html = page.get_data(as_text=True)
    assert "new@example.org" in html
    token = link_token(html)
    assert accounts.find_password_link(token).user.email == "new@example.org"


def test_admin_disables_an_account_in_the_browser(app, db, make_user, auth):
    other = make_user("lead")
    other_client = app.test_client()
    from tests.conftest import Auth

    Auth(other_client).login(other)
    auth.login(make_user("admin"))

    auth.client.post(
        f"/admin/users/{other.id}/active/0", data={"csrf_token": auth.csrf("/admin/users")}
    )

    assert other_client.get("/staff").headers["Location"].startswith("/login")


def real_values(runner, db, survey, facilitator):
    """Real ids for every URL argument of a staff page, by (endpoint, argument) or argument."""
    from surveys.models import ThemeRun
    from tests.test_focus_groups import finalize_by_service, session_by_service

    group = session_by_service(db, survey, facilitator, parents=3)
    finalize_by_service(db, group, facilitator, observations="Read by the lead.")
    for args in (["surveys", "demo", survey.slug, "--responses", "40", "--seed", "1"],
                 ["analysis", "run", survey.slug, "--seed", "1"]):  # fmt: skip
        assert runner.invoke(args=args).exit_code == 0
    run = db.session.scalars(db.select(ThemeRun)).one()
    first_question = survey.current.definition["sections"][0]["questions"][0]["key"]
    return {
        "slug": survey.slug,
        "group_id": group.id,
        "number": 1,
        "index": 0,
        ("leads.question", "key"): first_question,
        ("leads.theme_texts", "key"): run.themes[0].key,
        ("leads.export", "fmt"): "yaml",
        ("leads.download_report", "fmt"): "json",
        ("leads.download_responses", "fmt"): "csv",
    }


def test_staff_pages_are_not_stored(app, runner, db, survey, make_user):
    """Every staff page, opened by its role with real ids, tells browsers not to keep it."""
    from surveys.auth.access import PUBLIC_ENDPOINTS, STAFF_MARK

    users = {role: make_user(role) for role in ("admin", "lead", "facilitator")}
    clients = {role: Auth(app.test_client()) for role in users}
    for role, auth in clients.items():
        auth.login(users[role])
    values = real_values(runner, db, survey, users["facilitator"])
    opened = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        role = getattr(app.view_functions[rule.endpoint], STAFF_MARK)[0]
        args = {
            name: values.get((rule.endpoint, name), values.get(name)) for name in rule.arguments
        }
        url = rule.build(args)[1]
        page = clients[role].client.get(url)
        expected = 302 if rule.endpoint == "auth.home" else 200  # /staff sends on to a home page
        assert page.status_code == expected, (url, page.status_code)
        assert page.headers["Cache-Control"] == "no-store", url
        opened.append(url)
    assert len(opened) >= 25
    assert clients["admin"].client.get("/login").headers["Cache-Control"] == "no-store"


def test_open_redirects_after_login_are_ignored(client, make_user, auth):
    user = make_user("lead")
    page = client.get("/login?next=https://evil.example/").get_data(as_text=True)
    landed = client.post(
        "/login?next=https://evil.example/",
        data={"csrf_token": csrf_token(page), "email": user.email, "password": PASSWORD},
    )

    assert landed.headers["Location"] == "/staff"


def test_production_cookie_is_secure_and_host_prefixed(monkeypatch, tmp_path):
    monkeypatch.setenv("VOCES_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}"})
    with app.app_context():
        app_db.create_all()
        _user, token = accounts.create_user("lead@example.org", "lead")
        accounts.set_password(accounts.find_password_link(token), PASSWORD)
        app_db.session.commit()
        app_db.session.remove()
    client = app.test_client()
    page = client.get("/login", base_url="https://voces.example.org").get_data(as_text=True)

    logged_in = client.post(
        "/login",
        base_url="https://voces.example.org",
        headers={"Referer": "https://voces.example.org/login"},  # checked over HTTPS
        data={"csrf_token": csrf_token(page), "email": "lead@example.org", "password": PASSWORD},
    )

    assert logged_in.headers["Location"] == "/staff"
    cookies = [c for c in logged_in.headers.getlist("Set-Cookie") if "=" in c]
    assert len(cookies) == 1
    name, *attributes = (part.strip() for part in cookies[0].split(";"))
    assert name.startswith("__Host-voces=")
    assert {"Secure", "HttpOnly", "SameSite=Lax", "Path=/"} <= set(attributes)
    assert not any(a.lower().startswith("domain") for a in attributes)
    with app.app_context():
        app_db.engine.dispose()


def test_the_chosen_language_survives_login_and_logout(client, make_user, auth):
    auth.login(make_user("admin"), lang="es")

    assert '<html lang="es">' in client.get("/admin/users").get_data(as_text=True)
    page = client.post(
        "/logout", data={"csrf_token": auth.csrf("/admin/users")}, follow_redirects=True
    )
    assert '<html lang="es">' in page.get_data(as_text=True)
    assert "Se cerró su sesión." in page.get_data(as_text=True)


def test_workers_share_login_limits_through_redis(tmp_path, database_url):
    """Two app processes (workers) with one Redis: the sixth attempt overall is refused."""
    import secrets
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis server on 127.0.0.1:6379: the shared-limit check was skipped")
    settings = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": secrets.token_hex(16),  # fresh counters for this run
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    }
    workers = [create_app(settings), create_app(settings)]
    statuses = []
    for attempt in range(6):
        client = workers[attempt % 2].test_client()
        page = client.get("/login").get_data(as_text=True)
        with workers[attempt % 2].app_context():
            app_db.create_all()
            statuses.append(
                client.post(
                    "/login",
                    data={
                        "csrf_token": csrf_token(page),
                        "email": "x@example.org",
                        "password": "wrong password",
                    },
                ).status_code
            )
            app_db.session.remove()
    for worker in workers:
        with worker.app_context():
            app_db.engine.dispose()
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429
