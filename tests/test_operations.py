"""Backups while families answer, and deleting raw words past the retention period."""

import sqlite3
import threading
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


def test_backup_while_families_keep_answering(runner, db, survey, sqlite_only, tmp_path):
    runner.invoke(args=["surveys", "demo", "safe-return", "--responses", "50", "--seed", "1"])
    stop = threading.Event()
    written = []

    def writer():  # another process's connection, as a gunicorn worker would be
        connection = sqlite3.connect(sqlite_only, timeout=10)
        while not stop.is_set():
            with connection:
                connection.execute("CREATE TABLE IF NOT EXISTS load_probe (n INTEGER)")
                connection.execute("INSERT INTO load_probe VALUES (?)", (len(written),))
            written.append(1)
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        result = runner.invoke(args=["backup", str(tmp_path / "copy.sqlite")])
    finally:
        stop.set()
        thread.join()

    assert result.exit_code == 0, result.output
    assert "integrity ok, 50 responses" in result.output
    assert written  # writes went on during the backup
    check = runner.invoke(args=["restore-check", str(tmp_path / "copy.sqlite")])
    assert check.exit_code == 0 and "integrity ok, 50 responses" in check.output


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
