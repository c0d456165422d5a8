"""The app factory, configuration, the database engines and migrations."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from surveys import create_app
from surveys.config import database_url, from_environment
from surveys.extensions import db as _db


def test_settings_come_from_the_environment():
    settings = from_environment(
        {
            "SECRET_KEY": "s3cret",
            "DATABASE_URL": "postgres://u@h/db",
            "VOCES_PUBLIC_URL": "https://voces.example.org",
        }
    )

    assert settings == {
        "SECRET_KEY": "s3cret",
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@h/db",
        "PUBLIC_URL": "https://voces.example.org",
    }
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"TESTING": True})
    app.instance_path = str(tmp_path)

    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/voces.sqlite")


def test_sqlite_uses_wal_and_a_busy_timeout(tmp_path):
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    )
    with app.app_context(), _db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        _db.engine.dispose()


def test_templates_and_translations_are_found_from_the_package(app):
    assert app.jinja_loader.searchpath[0].endswith("templates")
    assert app.config["BABEL_TRANSLATION_DIRECTORIES"].endswith("translations")


def test_migrations_build_the_schema_the_models_describe(database_url):
    """Upgrade an empty database from scratch, then compare with the models."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        _db.drop_all()
        with _db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        with _db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), _db.metadata)
        assert diff == []
        _db.drop_all()
        with _db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        _db.engine.dispose()


def test_postgresql_is_reachable_when_configured(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("TEST_DATABASE_URL is not set: this run uses SQLite only")
    engine = create_engine(database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()


def test_database_tests_are_skipped_with_one_reason_when_postgresql_is_down(tmp_path):
    """TEST_DATABASE_URL naming a server that is not there: skips, not a wall of errors."""
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    env = {**os.environ, "TEST_DATABASE_URL": f"postgresql+psycopg://u@127.0.0.1:{closed}/t"}
    env.pop("VOCES_STRICT_SKIPS", None)  # this run is about the skip itself
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-rs",
            __file__,
            "-k",
            "migrations or reachable or environment",
        ],
        cwd=Path(__file__).parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert run.returncode == 0, run.stdout
    last = run.stdout.strip().splitlines()[-1]
    assert last.startswith("1 passed, 2 skipped") and "error" not in last
    assert f"127.0.0.1:{closed}/t cannot be reached" in run.stdout
