"""Configuration: safe defaults in code, secrets and the database from the environment.

Environment variables (all optional in development):

``SECRET_KEY``
    Signs the session cookie. Required in production.
``DATABASE_URL``
    SQLAlchemy URL. Defaults to an SQLite file in the instance folder.
``VOCES_PUBLIC_URL``
    The address families see, used to print survey links and QR codes.
``VOCES_ENV=production``
    Secure, ``__Host-`` prefixed session cookie (HTTPS only).
``RATELIMIT_STORAGE_URI``
    ``redis://127.0.0.1:6379`` when several workers share the rate limits
    (each worker counts alone otherwise, and while Redis is unreachable).
``VOCES_PROXIES``
    How many reverse proxies (nginx, Caddy) stand in front; their
    ``X-Forwarded-For``, ``-Proto`` and ``-Host`` are then trusted, and
    ``X-Forwarded-For`` gives the address the rate limits count. Only when
    every request comes through them.
``VOCES_TRANSLATION_CACHE``
    The folder where theme runs keep machine translations (default
    ``instance/translations``).
``VOCES_ANALYSIS_STALE_MINUTES``
    Minutes without progress after which a theme run is taken as dead.
``VOCES_MIN_CELL``
    The smallest group whose counts, shares and quotes are shown (default 11).
``VOCES_MAIL_SERVER``, ``_PORT``, ``_TLS``, ``_USERNAME``, ``_PASSWORD``, ``_FROM``
    Optional: an SMTP server through which set-password links are also
    e-mailed. ``VOCES_MAIL_TLS`` is ``starttls`` (default, port 587), ``ssl``
    (port 465) or ``none`` (port 25). Without a server nothing is sent.
    Production refuses a password without TLS unless the server is this
    machine (a local relay).
"""

import os
from datetime import timedelta
from pathlib import Path

from . import json_text

PACKAGE_DIR = Path(__file__).resolve().parent
DEV_SECRET_KEY = "dev-only-not-secret"


def resource_dir(name):
    """Find ``templates/``, ``static/``, ``translations/`` or ``migrations/``.

    A source checkout (or editable install) keeps them beside ``surveys/``; a
    wheel carries copies in ``surveys/_resources/`` (see setup.py), looked at
    first so that a stray ``site-packages/templates`` cannot stand in for them.
    """
    packaged, beside = PACKAGE_DIR / "_resources" / name, PACKAGE_DIR.parent / name
    return packaged if packaged.is_dir() else beside


def database_url(url):
    """Accept the common ``postgres://`` spellings and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def from_environment(environ=os.environ):
    """Settings read when the app is created, so tests and servers can set them."""
    settings = {}
    if environ.get("SECRET_KEY"):
        settings["SECRET_KEY"] = environ["SECRET_KEY"]
    if environ.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = database_url(environ["DATABASE_URL"])
    if environ.get("VOCES_PUBLIC_URL"):
        settings["PUBLIC_URL"] = environ["VOCES_PUBLIC_URL"]
    if environ.get("RATELIMIT_STORAGE_URI"):
        settings["RATELIMIT_STORAGE_URI"] = environ["RATELIMIT_STORAGE_URI"]
    if environ.get("VOCES_SUBMIT_RATE_LIMIT"):
        settings["SUBMIT_RATE_LIMIT"] = environ["VOCES_SUBMIT_RATE_LIMIT"]
    if environ.get("VOCES_PROXIES"):
        settings["PROXIES"] = int(environ["VOCES_PROXIES"])
    if environ.get("VOCES_TRANSLATION_CACHE"):
        settings["TRANSLATION_CACHE"] = environ["VOCES_TRANSLATION_CACHE"]
    if environ.get("VOCES_ANALYSIS_STALE_MINUTES"):
        minutes = float(environ["VOCES_ANALYSIS_STALE_MINUTES"])
        settings["ANALYSIS_STALE_AFTER"] = timedelta(minutes=minutes)
    if environ.get("VOCES_MIN_CELL"):
        settings["MIN_CELL"] = min_cell(environ["VOCES_MIN_CELL"])
    settings.update(mail_settings(environ))
    if environ.get("VOCES_ENV") == "production":
        settings["PRODUCTION"] = True
        # HTTPS only: the browser then refuses the cookie over plain HTTP or
        # from a subdomain (the __Host- prefix).
        settings.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_NAME="__Host-voces")
    return settings


class ConfigurationError(RuntimeError):
    """A setting that is not valid, or that would make a production server unsafe."""


MAIL_SECURITY = {"starttls": 587, "ssl": 465, "none": 25}
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def mail_settings(environ):
    """The ``VOCES_MAIL_*`` variables, as ``MAIL_*`` settings."""
    names = ("SERVER", "USERNAME", "PASSWORD", "FROM", "TLS", "PORT")
    settings = {
        f"MAIL_{n}": environ[f"VOCES_MAIL_{n}"] for n in names if environ.get(f"VOCES_MAIL_{n}")
    }
    if "MAIL_PORT" in settings:
        settings["MAIL_PORT"] = int(settings["MAIL_PORT"])
    return settings


def check_mail(app):
    """Refuse mail settings that cannot work, or that would send a password in clear.

    A password over ``none`` crosses the network readable by anyone on the
    way, so it is refused in production unless the server is on this machine
    (a local relay such as Postfix, which then does its own TLS).
    """
    config = app.config
    if not config.get("MAIL_SERVER"):
        return
    security = config.get("MAIL_TLS")
    if security not in MAIL_SECURITY:
        raise ConfigurationError(
            f"VOCES_MAIL_TLS must be starttls, ssl or none (not {security!r})."
        )
    if not config.get("MAIL_FROM"):
        raise ConfigurationError("VOCES_MAIL_SERVER needs VOCES_MAIL_FROM, the sender's address.")
    if bool(config.get("MAIL_USERNAME")) != bool(config.get("MAIL_PASSWORD")):
        raise ConfigurationError(
            "Set both VOCES_MAIL_USERNAME and VOCES_MAIL_PASSWORD, or neither."
        )
    clear = security == "none" and config.get("MAIL_PASSWORD")
    if clear and config.get("PRODUCTION") and config["MAIL_SERVER"] not in LOOPBACK_HOSTS:
        raise ConfigurationError(
            "VOCES_ENV=production refuses to send VOCES_MAIL_PASSWORD without TLS: "
            "set VOCES_MAIL_TLS=starttls or ssl."
        )


def min_cell(value):
    """``VOCES_MIN_CELL`` as a whole number of people, 2 or more.

    At 1 every count would show, so the setting would protect nobody.
    """
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 2:
        raise ConfigurationError(
            f"VOCES_MIN_CELL must be a whole number of people, 2 or more (not {value!r})."
        )
    return number


def check_production(app):
    """Refuse to start a production server with the development key or with debug on."""
    if not app.config.get("PRODUCTION"):
        return
    key = app.config.get("SECRET_KEY") or ""
    if key == DEV_SECRET_KEY or len(key) < 32:
        raise ConfigurationError(
            "VOCES_ENV=production needs SECRET_KEY set to a long random value "
            "(python3 -c 'import secrets; print(secrets.token_hex(32))')."
        )
    if app.debug or app.config.get("DEBUG"):
        raise ConfigurationError("VOCES_ENV=production refuses to run with debug on.")


class Config:
    SECRET_KEY = DEV_SECRET_KEY
    PRODUCTION = False
    PROXIES = 0  # reverse proxies in front whose X-Forwarded-* headers are trusted
    SQLALCHEMY_DATABASE_URI = None  # SQLite in the instance folder
    # hide_parameters: a database error's text (logged with a 500) never
    # quotes the values of the statement, which may be a family's answers.
    # JSON columns keep json.dumps's text exactly (a CHECK constraint on
    # focus_groups.languages compares it), written faster (surveys/json_text.py).
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "hide_parameters": True,
        "json_serializer": json_text.standard,
    }
    PUBLIC_URL = "http://127.0.0.1:5000"

    LANGUAGES = ("en", "es")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"

    # The whole survey page, long answers included, fits well inside this.
    MAX_CONTENT_LENGTH = 256 * 1024
    LONG_TEXT_MAX = 5000
    SHORT_TEXT_MAX = 500

    # Unfinished answers are kept server-side this long, then purged.
    DRAFT_MAX_AGE = timedelta(days=7)
    PERMANENT_SESSION_LIFETIME = timedelta(days=7)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "voces"

    # Staff sessions: 30 minutes without activity, 12 hours at most.
    STAFF_IDLE_TIMEOUT = timedelta(minutes=30)
    STAFF_SESSION_LIFETIME = timedelta(hours=12)
    # Counts in each worker's memory (extensions.WorkerMemory) suit one process;
    # set a Redis URL for several workers.
    RATELIMIT_STORAGE_URI = "worker-memory://"
    # When Redis cannot be reached, each worker counts in its own memory (and
    # logs a warning) rather than answer families and staff with an error;
    # it goes back to Redis once Redis answers again. A Redis that hangs is
    # given up on after a second.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    RATELIMIT_HEADERS_ENABLED = False
    # Survey pages posted from one address; a page a few seconds is a fast family.
    SUBMIT_RATE_LIMIT = "120 per minute"

    # Summaries never show a count, share or quote from fewer respondents than
    # this (VOCES_MIN_CELL). Every page and download reads it when it is made.
    MIN_CELL = 11
    # Runs started from the leads' page go to a background thread; pages poll.
    ANALYSIS_IN_BACKGROUND = True
    # A run moves to a new stage every few seconds to minutes (100,000 answers
    # take about a minute); one silent this long is taken as dead and failed.
    ANALYSIS_STALE_AFTER = timedelta(minutes=30)
    # Machine translations kept across runs; None: instance/translations.
    TRANSLATION_CACHE = None
    # The analysis reads English and Spanish untranslated when this is missing.
    APERTIUM_COMMAND = "apertium"

    # A family may pause on a page; an expired token is recovered without
    # losing answers, so the standard hour is fine.
    WTF_CSRF_TIME_LIMIT = 3600

    BUNDLED_SURVEYS = (PACKAGE_DIR / "bundled" / "safe-return.yaml",)

    # Optional SMTP server for set-password links (VOCES_MAIL_*); None: no mail.
    MAIL_SERVER = None
    MAIL_PORT = None  # None: the usual port of MAIL_TLS
    MAIL_TLS = "starttls"
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_FROM = None
    # An admin waits for the mail server while the page loads: not for long.
    MAIL_TIMEOUT = 10
