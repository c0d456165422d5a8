"""Shared fixtures: ``app``, ``client``, ``runner``, ``db``, factories and a respondent driver.

Set ``TEST_DATABASE_URL`` (e.g. ``postgresql+psycopg://postgres@127.0.0.1/test``)
to run the whole suite on PostgreSQL instead of a fresh SQLite file per test.
"""

import copy
import os
import re

import pytest
import yaml
from bs4 import BeautifulSoup
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url
from sqlalchemy.exc import OperationalError

from surveys import create_app
from surveys.config import PACKAGE_DIR
from surveys.extensions import db as _db
from surveys.services import survey_store

BUNDLED = PACKAGE_DIR / "bundled" / "safe-return.yaml"


class FreshRequestClient(FlaskClient):
    """Gives every request a clean ``g``, as production does.

    The ``app`` fixture keeps one app context open so tests can use the
    session; Flask then reuses it for requests, and per-request caches on
    ``g`` (the locale, the CSRF token) would leak from one request to the next.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for name in list(vars(g)):
                delattr(g, name)
        return super().open(*args, **kwargs)


# In CI (VOCES_STRICT_SKIPS=1) a test may skip only because of the database
# engine of the run; any other skip (no Chromium, no Apertium, no Redis, no
# XLSForm examples) means a missing install step, so it fails the run.
ENGINE_SKIPS = ("this run uses SQLite", "TEST_DATABASE_URL is not set", "PostgreSQL uses pg_dump")


def _refuse_unexpected_skip(report):
    if not os.environ.get("VOCES_STRICT_SKIPS") or not report.skipped:
        return
    reason = str(report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr)
    if not any(allowed in reason for allowed in ENGINE_SKIPS):
        report.outcome = "failed"
        report.longrepr = f"skipped in a strict run (VOCES_STRICT_SKIPS): {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    _refuse_unexpected_skip(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    _refuse_unexpected_skip(outcome.get_result())


def unreachable_database(url):
    """Why the database server of ``url`` cannot be used, or None."""
    engine = create_engine(url)
    try:
        with engine.connect():
            return None
    except OperationalError as error:
        return str(error.orig).strip().splitlines()[0]
    finally:
        engine.dispose()


def pytest_collection_modifyitems(config, items):
    """With TEST_DATABASE_URL's server down, skip the database tests, for one reason, asked once."""
    url = os.environ.get("TEST_DATABASE_URL")
    problem = url and unreachable_database(url)
    if not problem:
        return
    where = make_url(url).render_as_string(hide_password=True)
    skip = pytest.mark.skip(reason=f"database tests skipped: {where} cannot be reached ({problem})")
    for item in items:
        if "database_url" in getattr(item, "fixturenames", ()):
            item.add_marker(skip)


@pytest.fixture
def database_url(tmp_path):
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'voces.sqlite'}"


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            # theme runs keep machine translations here, not in the instance folder
            "TRANSLATION_CACHE": str(tmp_path / "translations"),
        }
    )
    app.test_client_class = FreshRequestClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def bundled_definition():
    return yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))


@pytest.fixture
def make_survey(app):
    """Store a survey: the bundled one by default, or a definition with overrides."""

    def make(definition=None, **overrides):
        data = copy.deepcopy(definition or yaml.safe_load(BUNDLED.read_text(encoding="utf-8")))
        data.update(overrides)
        survey, _changed = survey_store.load_definition(data)
        _db.session.commit()
        return survey

    return make


@pytest.fixture
def survey(make_survey):
    return make_survey()


def texts(en, es):
    return {"en": en, "es": es}


@pytest.fixture
def tiny_definition():
    """Two pages: a required choice and a number, then a long text."""
    return {
        "slug": "tiny",
        "title": texts("Tiny survey", "Encuesta pequeña"),
        "intro": texts("Two short pages.", "Dos páginas cortas."),
        "consent": texts("Anonymous.", "Anónima."),
        "role_question": "role",
        "communities": [{"slug": "north", "name": texts("North", "Norte")}],
        "sections": [
            {
                "title": texts("About you", "Sobre usted"),
                "questions": [
                    {
                        "key": "role",
                        "type": "single_choice",
                        "required": True,
                        "text": texts("Who is answering?", "¿Quién responde?"),
                        "choices": [
                            {"key": "parent", "label": texts("Parent", "Madre o padre")},
                            {"key": "student", "label": texts("Student", "Estudiante")},
                        ],
                    },
                    {
                        "key": "kids",
                        "type": "number",
                        "min": 1,
                        "max": 15,
                        "text": texts("How many children?", "¿Cuántos hijos?"),
                    },
                ],
            },
            {
                "title": texts("Your words", "Sus palabras"),
                "questions": [
                    {
                        "key": "need",
                        "type": "long_text",
                        "text": texts("What do you need?", "¿Qué necesita?"),
                    },
                ],
            },
        ],
    }


PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_user(app):
    """Create a staff account with a password: ``make_user("lead")``."""
    from surveys.services import accounts

    def make(role="lead", email=None, password=PASSWORD):
        user, token = accounts.create_user(email or f"{role}-{secrets_suffix()}@example.org", role)
        accounts.set_password(accounts.find_password_link(token), password)
        _db.session.commit()
        return user

    return make


def secrets_suffix():
    import secrets

    return secrets.token_hex(3)


class Auth:
    """Logs a test client in and out through the real login form."""

    def __init__(self, client):
        self.client = client

    def login(self, user_or_email, password=PASSWORD, lang="en"):
        email = getattr(user_or_email, "email", user_or_email)
        page = self.client.get(f"/login?lang={lang}").get_data(as_text=True)
        return self.client.post(
            "/login",
            data={
                "csrf_token": csrf_token(page),
                "email": email,
                "password": password,
            },
        )

    def logout(self):
        page = self.client.get("/staff", follow_redirects=True).get_data(as_text=True)
        return self.client.post("/logout", data={"csrf_token": csrf_token(page)})

    def csrf(self, url):
        """A CSRF token from a page the logged-in user can open."""
        return csrf_token(self.client.get(url).get_data(as_text=True))


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def lead_client(app, make_user):
    """A logged-in lead; theme runs happen in the request, not in a thread."""
    app.config["ANALYSIS_IN_BACKGROUND"] = False
    auth = Auth(app.test_client())
    auth.login(make_user("lead"))
    return auth


class Respondent:
    """Drives the survey like a family's browser: reads each page, fills it, posts it."""

    def __init__(self, client, slug):
        self.client, self.slug = client, slug
        self.page = None

    def get(self, url, **kwargs):
        self.page = self.client.get(url, **kwargs)
        return self.page

    def soup(self):
        return BeautifulSoup(self.page.get_data(as_text=True), "html.parser")

    def form_fields(self):
        """Hidden fields of the answers form, as the browser would send them."""
        form = self.soup().find("form", id="answers")
        return {i["name"]: i.get("value", "") for i in form.find_all("input", type="hidden")}

    def start(self, community=None, lang=None, choose="-"):
        url = f"/s/{self.slug}" + (f"/{community}" if community else "")
        query = f"?lang={lang}" if lang else ""
        self.get(url + query)
        data = self.form_fields() | {"nav": "next"}
        if self.soup().find("input", attrs={"name": "community"}) and not community:
            data["community"] = choose
        return self.post(url, data)

    def post(self, url, data, follow=True, **kwargs):
        self.page = self.client.post(url, data=data, follow_redirects=follow, **kwargs)
        return self.page

    def valid_answers(self, text="A sentinel answer"):
        """A valid answer for every question shown on the current page."""
        soup = self.soup()
        answers = {}
        for field in soup.select("form#answers input[type=radio]"):
            answers.setdefault(field["name"], field["value"])
        for field in soup.select("form#answers input[type=checkbox]"):
            answers.setdefault(field["name"], field["value"])
        for field in soup.select("form#answers input[type=text]"):
            numeric = field.get("inputmode") in ("numeric", "decimal")
            if not field["name"].endswith("__other"):
                answers[field["name"]] = "2" if numeric else text
        for field in soup.select("form#answers textarea"):
            answers[field["name"]] = text
        return answers

    def submit_page(self, answers=None, nav="next", **kwargs):
        data = self.form_fields() | (self.valid_answers() if answers is None else answers)
        data["nav"] = nav
        return self.post(self.page.request.path, data, **kwargs)

    def complete(self, text="A sentinel answer", **kwargs):
        """Answer every page with valid answers until the thank-you page."""
        for _ in range(30):
            if not self.page.request.path.startswith(f"/s/{self.slug}/p/"):
                return self.page
            self.submit_page(self.valid_answers(text), **kwargs)
        raise AssertionError("the survey never ended")

    def every_page(self, lang, community="pacoima"):
        """The HTML of each page from the start to thank-you, answered validly."""
        pages = [self.get(f"/s/{self.slug}?lang={lang}").get_data(as_text=True)]
        self.start(community=community, lang=lang)
        while self.path.startswith(f"/s/{self.slug}/p/"):
            pages.append(self.page.get_data(as_text=True))
            self.submit_page()
        pages.append(self.page.get_data(as_text=True))
        return pages

    @property
    def path(self):
        return self.page.request.path

    def text(self):
        return self.soup().get_text(" ", strip=True)


@pytest.fixture
def respondent(client):
    def make(slug="safe-return"):
        return Respondent(client, slug)

    return make


def visible_text(html):
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style"]):
        hidden.decompose()
    return soup.get_text(" ", strip=True)


def csrf_token(html):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
