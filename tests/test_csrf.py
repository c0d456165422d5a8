"""A failed or expired CSRF check never loses the family's answers."""

import time

from flask import g, request, request_tearing_down

from surveys.models import Response
from tests.conftest import csrf_token


def test_bad_token_returns_the_page_with_answers_and_a_fresh_token(db, survey, respondent):
    family = respondent()
    family.start(community="pacoima", lang="es")
    answers = family.valid_answers("Lo que escribí")
    old = family.form_fields()

    family.post(family.path, old | answers | {"csrf_token": "tampered", "nav": "next"})

    assert family.page.status_code == 400
    assert "Sus respuestas siguen aquí" in family.text()
    assert family.soup().find("input", attrs={"name": "one_word"})["value"] == "Lo que escribí"
    fresh = family.form_fields()["csrf_token"]
    assert fresh and fresh != "tampered"
    family.submit_page(answers)  # the fresh token works
    assert family.path == "/s/safe-return/p/2"


def test_missing_token_on_the_start_page_is_explained(client, survey):
    page = client.post(
        "/s/safe-return",
        data={"community": "pacoima", "nav": "next"},
        headers={"Accept-Language": "es"},
    )

    assert page.status_code == 400
    assert "community" in page.get_data(as_text=True)  # the form is shown again
    assert '<html lang="es">' in page.get_data(as_text=True)


def test_expired_token_keeps_answers_and_the_survey_can_finish(db, survey, respondent, monkeypatch):
    family = respondent()
    family.start(community="pacoima", lang="en")
    answers = family.valid_answers("Typed before lunch")
    later = time.time() + 2 * 3600  # past the one-hour token limit
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)

    family.submit_page(answers)

    assert family.page.status_code == 400
    assert "Your answers are still here" in family.text()
    assert family.soup().find("input", attrs={"name": "one_word"})["value"] == "Typed before lunch"
    family.submit_page(answers)
    family.complete()
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 1


def test_only_a_page_that_is_shown_signs_a_token(app, survey, respondent):
    """A posted page that moves on never shows its token, so none is signed for it."""
    signed = []
    app.teardown_request(lambda _exc: signed.append((request.method, "csrf_token" in g)))
    family = respondent()
    family.start(community="pacoima", lang="en")
    signed.clear()

    family.submit_page(family.valid_answers("Typed"), follow=False)
    assert family.page.status_code == 302
    family.get(family.page.headers["Location"])  # the next page, shown
    tampered = family.form_fields() | {"csrf_token": "tampered", "nav": "next"}
    refused = family.post(family.path, tampered, follow=False)

    assert signed == [("POST", False), ("GET", True), ("POST", True)]
    assert refused.status_code == 400  # shown again, with a token that is accepted
    family.submit_page(family.valid_answers("Typed"))
    assert family.page.status_code == 200 and family.path == "/s/safe-return/p/3"


def test_staff_forms_sign_a_token_only_when_shown_too(app, lead_client):
    """Every Voces form is lazy: a lead's form that passes and redirects signs nothing."""
    page = lead_client.client.get("/leads/surveys").get_data(as_text=True)
    signed = []

    def note(_sender, **_extra):
        signed.append((request.method, "csrf_token" in g))

    with request_tearing_down.connected_to(note, app):
        created = lead_client.client.post(
            "/leads/surveys/new",
            data={
                "csrf_token": csrf_token(page),
                "slug": "family",
                "title_en": "Family survey",
                "title_es": "Encuesta para familias",
            },
        )

    assert created.status_code == 302
    assert signed == [("POST", False)]


def test_a_token_signed_with_another_secret_key_is_refused(app, survey, respondent):
    """The check keeps a serializer per secret key: a token from another key never passes."""
    family = respondent()
    family.start(community="pacoima", lang="en")
    answers = family.valid_answers("Typed under the old key")
    fields = family.form_fields()
    app.config["WTF_CSRF_SECRET_KEY"] = "another-key-entirely"

    family.post(family.path, fields | answers | {"nav": "next"})

    assert family.page.status_code == 400
    assert "Your answers are still here" in family.text()
    family.submit_page(answers)  # the page came back with a token signed with the new key
    assert family.page.status_code == 200 and "/p/1" not in family.path
