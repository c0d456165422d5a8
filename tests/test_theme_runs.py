"""A theme run's life in the app: progress other sessions see, no lock held
while it thinks, runs that stop advancing, translations kept across runs."""

import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

import surveys.analysis
from surveys.config import from_environment
from surveys.models import Response, ThemeAssignment, ThemeRun
from surveys.services import themes
from tests.conftest import Auth
from tests.test_themes_app import add_demo_answers, latest, page, start_from_page


@pytest.fixture
def answered(runner, survey):
    """The bundled survey with 40 demo responses: enough for a run, and quick."""
    add_demo_answers(runner, 40)
    return survey


def run_button(html):
    form = html[html.index('action="/leads/surveys/safe-return/themes/run"') :]
    return form[form.index("<button") : form.index("</button>")]


def test_a_run_in_progress_shows_its_stage_in_both_languages(db, survey, lead_client):
    run = themes.start_run(survey)
    themes.advance(run, "finding themes")

    english, spanish = page(lead_client.client), page(lead_client.client, "es")

    assert "grouping the texts into themes" in english
    assert "agrupando los textos en temas" in spanish
    assert 'http-equiv="refresh"' in english
    assert "disabled" in run_button(english)


def test_a_background_run_shows_progress_then_its_themes(db, answered, lead_client, monkeypatch):
    """As in production: the button starts a thread, the page follows it."""
    lead_client.client.application.config["ANALYSIS_IN_BACKGROUND"] = True
    real, inside, release = surveys.analysis.find_themes, threading.Event(), threading.Event()

    def paused(documents, **params):
        if "codebook" in params:  # the run's main analysis, not a quote or a split
            inside.set()
            assert release.wait(60)
        return real(documents, **params)

    monkeypatch.setattr(surveys.analysis, "find_themes", paused)
    client = lead_client.client
    start_from_page(lead_client)
    assert inside.wait(60)

    during = page(client)
    assert "grouping the texts into themes" in during
    assert "disabled" in run_button(during)
    assert latest(db).stage == "finding themes"

    release.set()
    run = latest(db)
    next(t for t in threading.enumerate() if t.name == f"theme-run-{run.id}").join(60)

    after = page(client)
    run = latest(db)
    assert run.status == "done"
    assert "Finding themes" not in after and "disabled" not in run_button(after)
    assert run.themes and all(t.name("en") in after for t in run.themes)


def test_families_can_submit_while_a_run_is_finding_themes(app, db, answered, respondent):
    """The analysis holds no write lock: another session sees the stage and writes."""
    seen = {}

    def other_session():
        with app.app_context():
            seen["stage"] = db.session.get(ThemeRun, run_id).stage
            family = respondent()
            family.start(community="pacoima", lang="es")
            seen["end"] = family.complete(text="Necesitamos internet en casa").request.path
            db.session.remove()

    def finder(documents, **params):
        if "codebook" in params:
            thread = threading.Thread(target=other_session)
            thread.start()
            thread.join(60)
        return surveys.analysis.find_themes(documents, **params)

    run = themes.start_run(answered)
    db.session.commit()
    run_id = run.id
    before = db.session.scalar(db.select(db.func.count(Response.id)))

    themes.execute_run(run, answered, finder=finder)

    assert seen["stage"] == "finding themes"
    assert seen["end"] == "/s/safe-return/thanks"
    assert db.session.scalar(db.select(db.func.count(Response.id))) == before + 1
    assert latest(db).status == "done"


def test_a_run_that_stops_advancing_is_failed_and_a_new_one_can_start(app, db, survey, make_user):
    app.config.update(ANALYSIS_STALE_AFTER=timedelta(minutes=20), ANALYSIS_IN_BACKGROUND=False)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        lead = Auth(app.test_client())
        lead.login(make_user("lead"))
        run = themes.start_run(survey)
        db.session.commit()

        clock.move_to(start + timedelta(minutes=19))
        assert "disabled" in run_button(page(lead.client))
        assert latest(db).status == "running"

        clock.move_to(start + timedelta(minutes=21))
        html = page(lead.client, "es")
        assert "El último análisis se detuvo sin terminar" in html
        assert "disabled" not in run_button(html)
        stalled = db.session.get(ThemeRun, run.id)
        assert (stalled.status, stalled.error) == ("failed", themes.STALLED)

        start_from_page(lead)
    assert latest(db).id != run.id and latest(db).status == "done"


def test_a_run_whose_process_is_gone_is_failed_at_once(db, survey, lead_client):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    elsewhere = themes.start_run(survey)
    elsewhere.worker = "another-machine:1"
    dead = themes.start_run(survey)
    dead.worker = f"{socket.gethostname()}:{gone.pid}"
    db.session.commit()

    html = page(lead_client.client)

    assert "stopped without finishing" in html
    assert db.session.get(ThemeRun, dead.id).status == "failed"
    assert db.session.get(ThemeRun, elsewhere.id).status == "running"


def test_a_failing_run_is_marked_failed_and_the_command_says_so(db, answered, runner, monkeypatch):
    def broken(documents, **params):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(surveys.analysis, "find_themes", broken)
    result = runner.invoke(args=["analysis", "run", "safe-return"])

    assert result.exit_code == 1
    run = latest(db)
    assert f"run {run.id} failed" in result.output
    assert (run.status, run.error) == ("failed", "error")


@pytest.fixture
def counting_apertium(tmp_path, app):
    """An ``apertium`` that writes each translation it is asked for to a log."""
    log = tmp_path / "apertium.log"
    script = tmp_path / "apertium"
    script.write_text(f'#!/bin/sh\necho "$*" >> {log}\nexec apertium "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    app.config["APERTIUM_COMMAND"] = str(script)
    return lambda: [line for line in log.read_text().splitlines() if "spa-eng" in line]


@pytest.mark.skipif(
    not surveys.analysis.ApertiumTranslator.available(), reason="Apertium is not installed"
)
def test_each_answer_is_translated_once_across_runs_and_review(
    app, db, answered, runner, counting_apertium
):
    assert runner.invoke(args=["analysis", "run", "safe-return"]).exit_code == 0
    first = len(counting_apertium())
    assert first >= 1
    assert (Path(app.config["TRANSLATION_CACHE"]) / "translations.sqlite3").is_file()

    assert runner.invoke(args=["analysis", "run", "safe-return"]).exit_code == 0
    run = latest(db)
    themes.review(answered, None, "merge", {"key": run.themes[1].key, "into": run.themes[0].key})
    db.session.commit()

    assert len(counting_apertium()) == first
    glosses = db.session.scalars(
        db.select(ThemeAssignment.gloss).filter_by(run_id=run.id, language="es")
    ).all()
    assert any(glosses)


def test_the_translation_cache_defaults_to_the_instance_folder(app):
    app.config["TRANSLATION_CACHE"] = None
    with app.test_request_context():
        assert themes.translation_cache() == f"{app.instance_path}/translations"


def test_without_apertium_the_command_and_the_page_say_so(db, answered, runner, lead_client):
    lead_client.client.application.config["APERTIUM_COMMAND"] = "/nowhere/apertium"

    result = runner.invoke(args=["analysis", "run", "safe-return"])

    assert result.exit_code == 0
    assert "English and Spanish were analysed untranslated: install Apertium" in result.output
    run = latest(db)
    assert not run.translated
    assert any("untranslated" in w and "apt-get install apertium" in w for w in run.warnings)
    assert "the server administrator can install Apertium" in page(lead_client.client)
    assert "quien administra el servidor puede instalar Apertium" in page(lead_client.client, "es")


def test_the_cache_folder_and_the_time_limit_come_from_the_environment():
    settings = from_environment(
        {"VOCES_TRANSLATION_CACHE": "/srv/voces/translations", "VOCES_ANALYSIS_STALE_MINUTES": "5"}
    )
    assert settings["TRANSLATION_CACHE"] == "/srv/voces/translations"
    assert settings["ANALYSIS_STALE_AFTER"] == timedelta(minutes=5)
