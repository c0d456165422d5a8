"""Backups while families answer, and deleting raw words past the retention period."""

import contextlib
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta

import pytest
import time_machine

from surveys.models import Answer, FocusGroupVersion, Response, ThemeAssignment, ThemeRun
from tests.test_focus_groups import finalize_by_service, session_by_service


@pytest.fixture
def sqlite_only(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the online backup copies SQLite files; PostgreSQL uses pg_dump")
    return database_url.removeprefix("sqlite:///")


# Another process commits one row after another, as a gunicorn worker would.
WRITER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
connection.execute("PRAGMA synchronous=NORMAL")
connection.execute("CREATE TABLE IF NOT EXISTS load_probe (n INTEGER)")
deadline = time.monotonic() + float(sys.argv[2])
n = 0
while time.monotonic() < deadline:
    connection.execute("INSERT INTO load_probe VALUES (?)", (n,))
    n += 1
"""


def probes(path):
    with contextlib.closing(sqlite3.connect(path, timeout=10)) as connection:
        found = connection.execute("SELECT name FROM sqlite_master WHERE name = 'load_probe'")
        if found.fetchone() is None:
            return 0
        return connection.execute("SELECT count(*) FROM load_probe").fetchone()[0]


def test_backup_ends_while_families_keep_answering(runner, db, survey, sqlite_only, tmp_path):
    """A database of many pages, written to without a pause: the backup still ends.

    Copied a few pages at a time, SQLite starts a backup again after every write
    from another connection, so such a backup would not end until the writes stop.
    """
    runner.invoke(args=["surveys", "demo", "safe-return", "--responses", "50", "--seed", "1"])
    with contextlib.closing(sqlite3.connect(sqlite_only)) as connection, connection:
        connection.execute("CREATE TABLE padding (b BLOB)")  # about 8,000 pages of 4 KiB
        connection.executemany("INSERT INTO padding VALUES (?)", [(bytes(4000),)] * 8000)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, sqlite_only, "15"])
    try:
        while probes(sqlite_only) < 10:
            assert writer.poll() is None
            time.sleep(0.05)
        result = runner.invoke(args=["backup", str(tmp_path / "copy.sqlite")])
        still_writing = writer.poll() is None
        written_by_the_end = probes(sqlite_only)
    finally:
        writer.kill()
        writer.wait()

    assert still_writing, "the backup ended only when the writes stopped"
    assert result.exit_code == 0, result.output
    assert "integrity ok, 50 responses" in result.output
    check = runner.invoke(args=["restore-check", str(tmp_path / "copy.sqlite")])
    assert check.exit_code == 0 and "integrity ok, 50 responses" in check.output
    with contextlib.closing(sqlite3.connect(tmp_path / "copy.sqlite")) as copy:
        assert copy.execute("SELECT count(*) FROM padding").fetchone()[0] == 8000
    assert 10 <= probes(tmp_path / "copy.sqlite") <= written_by_the_end  # a snapshot


def test_backup_refuses_to_overwrite_and_checks_what_it_reads(runner, sqlite_only, tmp_path):
    target = tmp_path / "copy.sqlite"
    target.write_text("not a database")

    assert "exists already" in runner.invoke(args=["backup", str(target)]).output
    refused = runner.invoke(args=["restore-check", str(target)])
    assert refused.exit_code == 1 and "not a Voces database" in refused.output
    assert "no such file" in runner.invoke(args=["restore-check", str(tmp_path / "x")]).output


def test_backup_on_postgresql_points_to_pg_dump(runner, database_url, tmp_path):
    if database_url.startswith("sqlite"):
        pytest.skip("this run uses SQLite")
    result = runner.invoke(args=["backup", str(tmp_path / "copy.sqlite")])
    assert result.exit_code == 1 and "pg_dump" in result.output


def test_purge_deletes_old_words_and_keeps_the_counts(runner, db, survey, respondent, make_user):
    family = respondent()
    family.start(community="pacoima", lang="es")
    family.complete("Necesitamos internet en casa")
    lead = make_user("lead")
    group = session_by_service(db, survey, lead, held_on=date.today().isoformat(), parents=12)
    finalize_by_service(db, group, lead, notes={"health_safety": "Parents asked about masks."})
    assert runner.invoke(args=["analysis", "run", "safe-return"]).exit_code == 0
    answers_before = db.session.scalar(db.select(db.func.count(Answer.id)))

    kept = runner.invoke(args=["purge", "--older-than", "30"])
    assert kept.exit_code == 0 and "0 open answers" in kept.output
    with time_machine.travel(date.today() + timedelta(days=400)):
        result = runner.invoke(args=["purge", "--older-than", "365"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()

    everything = " ".join(
        [repr(a.value) for a in db.session.scalars(db.select(Answer))]
        + [repr(v.notes) for v in db.session.scalars(db.select(FocusGroupVersion))]
        + [a.text for a in db.session.scalars(db.select(ThemeAssignment))]
        + [
            repr(r.summary) + repr([t.quotes for t in r.themes])
            for r in db.session.scalars(db.select(ThemeRun))
        ]
    )
    # theme names and top words are aggregate labels and stay; the sentences go
    assert "Necesitamos internet en casa" not in everything
    assert "asked about masks" not in everything
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 1
    assert 0 < db.session.scalar(db.select(db.func.count(Answer.id))) < answers_before
    assert db.session.scalar(db.select(ThemeRun)).counts["documents"] > 0
    assert group.parents == 12  # participant counts stay


def test_purge_needs_a_retention_period(runner):
    result = runner.invoke(args=["purge", "--older-than", "-1"])
    assert result.exit_code == 2 and "-1" in result.output
