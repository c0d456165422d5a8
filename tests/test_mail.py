"""Set-password links by e-mail, through a real SMTP server on loopback (aiosmtpd)."""

import email
import logging
import re
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller

from surveys import create_app
from surveys.config import ConfigurationError
from surveys.models import User
from surveys.services import accounts
from tests.conftest import visible_text

SENDER = "voces@coalition.example"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted"

    def only(self):
        assert len(self.messages) == 1
        recipients, message = self.messages[0]
        return recipients, message, message.get_content()


def use_mail_server(app, port):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TLS="none", MAIL_FROM=SENDER)


@pytest.fixture
def inbox(app):
    """A real SMTP server on 127.0.0.1, and the app configured to send through it."""
    received = Inbox()
    # aiosmtpd logs each line it receives (the link too) at DEBUG: not here.
    server_log = logging.getLogger("mail.log")
    level = server_log.level
    server_log.setLevel(logging.WARNING)
    controller = Controller(
        received, hostname="127.0.0.1", port=free_port(), server_hostname="mail.test"
    )
    controller.start()
    use_mail_server(app, controller.port)
    yield received
    controller.stop()
    server_log.setLevel(level)


@pytest.fixture
def server_down(app):
    """Mail configured, but nothing listens on the port: the connection is refused."""
    use_mail_server(app, free_port())


def link_in(text):
    return re.search(r"https?://\S+/set-password/[A-Za-z0-9_-]+", text).group(0)


def token_of(url):
    return url.rsplit("/", 1)[1]


def test_cli_e_mails_the_link_of_a_new_account(runner, db, inbox):
    result = runner.invoke(args=["users", "create", "Lead@Example.org", "--role", "lead"])

    assert result.exit_code == 0, result.output
    assert "e-mailed the link to lead@example.org" in result.output
    recipients, message, body = inbox.only()
    assert recipients == ["lead@example.org"] and message["To"] == "lead@example.org"
    assert message["From"] == SENDER
    assert message["Subject"] == "Your Voces account: choose a password"
    assert link_in(body) == link_in(result.output)
    assert accounts.find_password_link(token_of(link_in(body))).user.email == "lead@example.org"


def test_cli_e_mails_a_new_link_in_spanish(runner, db, make_user, inbox):
    user = make_user("facilitator", email="ana@example.org")

    result = runner.invoke(args=["users", "link", "ana@example.org", "--lang", "es"])

    assert result.exit_code == 0, result.output
    recipients, message, body = inbox.only()
    assert recipients == [user.email]
    assert message["Subject"] == "Voces: un nuevo enlace para elegir su contraseña"
    assert message["Content-Language"] == "es"
    assert "Para elegir su contraseña, abra este enlace" in body
    assert "Si no esperaba este mensaje, puede ignorarlo." in body
    assert link_in(body) == link_in(result.output)


def test_cli_keeps_the_account_and_the_link_when_the_server_is_down(runner, db, server_down):
    result = runner.invoke(args=["users", "create", "b@example.org", "--role", "lead"])

    assert result.exit_code == 0, result.output
    assert "could not e-mail the link to b@example.org" in result.output
    link = accounts.find_password_link(token_of(link_in(result.output)))
    assert link.user.email == "b@example.org"


def create_in_browser(auth, email, language=None, lang="en"):
    data = {
        "csrf_token": auth.csrf(f"/admin/users?lang={lang}"),
        "email": email,
        "role": "facilitator",
    }
    if language:
        data["language"] = language
    return auth.client.post("/admin/users", data=data).get_data(as_text=True)


def test_admin_page_e_mails_the_link_in_the_chosen_language(client, make_user, auth, inbox):
    auth.login(make_user("admin"))
    form = visible_text(client.get("/admin/users?lang=en").get_data(as_text=True))
    assert "Language of the e-mail" in form

    html = create_in_browser(auth, "rosa@example.org", language="es")

    assert "The link was e-mailed to rosa@example.org" in visible_text(html)
    recipients, message, body = inbox.only()
    assert recipients == ["rosa@example.org"]
    assert message["Subject"] == "Su cuenta de Voces: elija una contraseña"
    assert "Se ha creado una cuenta de Voces para esta dirección" in body
    assert link_in(body) == link_in(html)


def test_admin_page_defaults_to_the_admins_language(client, make_user, auth, inbox):
    auth.login(make_user("admin"), lang="es")

    html = create_in_browser(auth, "luis@example.org", lang="es")

    assert "Se envió el enlace por correo electrónico a luis@example.org" in visible_text(html)
    assert inbox.only()[1]["Content-Language"] == "es"


def test_admin_new_link_when_the_server_is_down_says_so_in_spanish(
    client, db, make_user, auth, server_down
):
    other = make_user("lead", email="otro@example.org")
    auth.login(make_user("admin"), lang="es")

    html = client.post(
        f"/admin/users/{other.id}/link",
        data={"csrf_token": auth.csrf("/admin/users"), "language": "es"},
    ).get_data(as_text=True)

    text = visible_text(html)
    assert "No se pudo enviar el correo a otro@example.org" in text
    assert "La cuenta y el enlace se conservan" in text
    assert accounts.find_password_link(token_of(link_in(html))).user.email == "otro@example.org"


def test_admin_create_when_the_server_is_down_keeps_the_account(
    client, db, make_user, auth, server_down
):
    auth.login(make_user("admin"))

    html = create_in_browser(auth, "kept@example.org")

    assert "could not be sent" in visible_text(html)
    assert db.session.scalar(db.select(User).filter_by(email="kept@example.org")) is not None
    assert accounts.find_password_link(token_of(link_in(html))) is not None


def test_without_a_mail_server_nothing_is_sent_or_offered(client, make_user, auth):
    auth.login(make_user("admin"))

    assert "Language of the e-mail" not in client.get("/admin/users").get_data(as_text=True)
    text = visible_text(create_in_browser(auth, "plain@example.org"))
    assert "Send this one-time link to plain@example.org" in text
    assert "was e-mailed" not in text and "could not be sent" not in text


@pytest.mark.parametrize("fixture", ["inbox", "server_down"])
def test_logs_say_sent_or_failed_without_the_address_or_link(runner, db, caplog, request, fixture):
    request.getfixturevalue(fixture)
    caplog.set_level(logging.DEBUG)

    result = runner.invoke(args=["users", "create", "secret-person@example.org", "--role", "lead"])

    assert "set-password e-mail " + ("sent" if fixture == "inbox" else "failed") in caplog.text
    for needle in ("secret-person", token_of(link_in(result.output))):
        assert needle not in caplog.text


def mail_app(monkeypatch, tmp_path, **environ):
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'mail.sqlite'}"})


MAIL = {"VOCES_MAIL_SERVER": "smtp.example.org", "VOCES_MAIL_FROM": SENDER}
PRODUCTION = {"VOCES_ENV": "production", "SECRET_KEY": "k" * 40}
LOGIN = {"VOCES_MAIL_USERNAME": "voces", "VOCES_MAIL_PASSWORD": "pw"}


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({**MAIL, "VOCES_MAIL_TLS": "yes"}, "VOCES_MAIL_TLS must be starttls, ssl or none"),
        ({"VOCES_MAIL_SERVER": "smtp.example.org"}, "needs VOCES_MAIL_FROM"),
        ({**MAIL, "VOCES_MAIL_USERNAME": "voces"}, "or neither"),
        ({**MAIL, **LOGIN, **PRODUCTION, "VOCES_MAIL_TLS": "none"}, "without TLS"),
    ],
)
def test_mail_settings_that_cannot_work_or_are_unsafe_are_refused(
    monkeypatch, tmp_path, environ, message
):
    with pytest.raises(ConfigurationError, match=message):
        mail_app(monkeypatch, tmp_path, **environ)


def test_a_password_without_tls_is_allowed_to_a_relay_on_this_machine(monkeypatch, tmp_path):
    environ = {**MAIL, **LOGIN, **PRODUCTION, "VOCES_MAIL_TLS": "none"}
    app = mail_app(monkeypatch, tmp_path, **{**environ, "VOCES_MAIL_SERVER": "127.0.0.1"})

    assert app.config["MAIL_SERVER"] == "127.0.0.1" and app.config["MAIL_PORT"] is None


def test_empty_mail_variables_leave_mail_off(monkeypatch, tmp_path):
    """compose.yaml passes every VOCES_MAIL_* through, empty when unset."""
    names = ("SERVER", "PORT", "TLS", "USERNAME", "PASSWORD", "FROM")
    app = mail_app(monkeypatch, tmp_path, **{f"VOCES_MAIL_{n}": "" for n in names})

    assert app.config["MAIL_SERVER"] is None and app.config["MAIL_TLS"] == "starttls"
