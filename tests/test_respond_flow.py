"""The respondent flow through the HTTP client, as a family's phone would walk it."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import yaml
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from surveys import create_app
from surveys.extensions import db as _db
from surveys.models import Draft, Response
from surveys.services import responding, survey_store
from tests.conftest import BUNDLED, FreshRequestClient, Respondent, texts


def test_general_link_asks_for_the_community_with_prefer_not_to_say(client, survey):
    page = client.get("/s/safe-return?lang=en").get_data(as_text=True)

    assert 'name="community"' in page
    assert "Boyle Heights" in page
    assert "Prefer not to say" in page


def test_community_must_be_chosen_before_starting(client, survey, respondent):
    family = respondent()
    family.get("/s/safe-return?lang=en")
    family.post("/s/safe-return", family.form_fields() | {"nav": "next"})

    assert family.page.status_code == 422
    assert "Please choose your community" in family.text()


def test_community_link_presets_the_community_without_asking(client, db, survey, respondent):
    family = respondent()
    family.get("/s/safe-return/pacoima?lang=en")
    assert 'name="community"' not in family.page.get_data(as_text=True).split("<form")[1]
    assert "Pacoima" in family.text()

    family.start(community="pacoima")
    family.complete()

    stored = db.session.scalars(db.select(Response)).one()
    assert stored.community.slug == "pacoima"


def test_prefer_not_to_say_stores_no_community(db, survey, respondent):
    family = respondent()
    family.start(choose="-")
    family.complete()

    assert db.session.scalars(db.select(Response)).one().community is None


def test_unknown_community_is_a_friendly_404(client, survey):
    page = client.get("/s/safe-return/atlantis?lang=es")

    assert page.status_code == 404
    assert "No encontramos" in page.get_data(as_text=True)


def test_pages_show_progress_and_go_in_order(survey, respondent):
    family = respondent()
    family.start(community="wilmington", lang="en")

    assert family.path == "/s/safe-return/p/1"
    assert "Page 1 of" in family.text()
    family.submit_page()
    assert family.path == "/s/safe-return/p/2"
    assert "Page 2 of" in family.text()


def test_back_keeps_what_was_typed_without_validating(survey, respondent):
    family = respondent()
    family.start(community="wilmington", lang="en")
    family.submit_page()  # page 1 done
    family.submit_page({"safety_measures": "testing"}, nav="back")

    assert family.path == "/s/safe-return/p/1"
    family.get("/s/safe-return/p/2")
    assert family.soup().find("input", attrs={"value": "testing"}).has_attr("checked")


def test_language_switch_keeps_typed_answers(survey, respondent):
    family = respondent()
    family.start(community="wilmington", lang="en")
    answers = family.valid_answers("My own words")

    family.submit_page(answers | {"lang": "es"}, nav="")

    assert family.path == "/s/safe-return/p/1"
    assert '<html lang="es">' in family.page.get_data(as_text=True)
    assert "Sobre usted" in family.text()
    assert family.soup().find("input", attrs={"name": "one_word"})["value"] == "My own words"


def test_language_switch_on_the_start_page_keeps_the_community(survey, respondent):
    family = respondent()
    family.get("/s/safe-return?lang=en")

    family.post("/s/safe-return", family.form_fields() | {"community": "pacoima", "lang": "es"})

    assert '<html lang="es">' in family.page.get_data(as_text=True)
    assert family.soup().find("input", attrs={"value": "pacoima"}).has_attr("checked")
    assert family.soup().find(class_="error") is None


def test_answers_live_server_side_not_in_the_cookie(client, db, survey, respondent):
    family = respondent()
    family.start(community="wilmington", lang="en")
    family.submit_page(family.valid_answers("Secret words"))

    cookie = client.get_cookie("voces").value
    assert "Secret" not in cookie and len(cookie) < 400  # tokens, not the answers
    with client.session_transaction() as session:
        held = session["drafts"]["safe-return"]
        assert "Secret words" not in str(dict(session))
    token, submission_token = held["session"], held["submission"]
    assert min(len(token), len(submission_token)) >= 32  # at least 128 bits, URL-safe base64
    assert family.form_fields()["submission_token"] == submission_token
    draft = db.session.scalars(db.select(Draft)).one()
    assert draft.values["one_word"] == ["Secret words"]
    stored = " ".join(str(getattr(draft, c.key)) for c in Draft.__table__.columns)
    # Only hashes of the two tokens are stored: a copy of the database takes over nothing.
    assert token not in stored and submission_token not in stored
    assert draft.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert draft.submission_hash == hashlib.sha256(submission_token.encode()).hexdigest()


def test_a_copy_of_the_database_cannot_take_over_a_draft(app, db, survey, respondent):
    family = respondent()
    family.start(community="wilmington", lang="en")
    family.submit_page(family.valid_answers("Only mine"))
    draft = db.session.scalars(db.select(Draft)).one()

    for stolen in (draft.submission_hash, draft.token_hash):
        intruder = Respondent(app.test_client(), "safe-return")
        intruder.get("/s/safe-return?lang=en")  # a CSRF token, no draft
        csrf = intruder.form_fields()["csrf_token"]
        data = {"csrf_token": csrf, "submission_token": stolen, "nav": "back"}
        intruder.post("/s/safe-return/p/2", data)
        intruder.get("/s/safe-return/p/1")
        assert intruder.path == "/s/safe-return/p/1"  # the intruder got a draft of its own
        assert "Only mine" not in intruder.page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Draft, draft.id).values["one_word"] == ["Only mine"]


def test_thank_you_page_says_what_happens_next(survey, respondent):
    family = respondent()
    family.start(community="east-la", lang="es")
    page = family.complete()

    assert family.path == "/s/safe-return/thanks"
    assert "coalición" in family.text().lower() or "distrito" in family.text().lower()
    assert page.status_code == 200


def test_draft_is_deleted_after_submission(db, survey, respondent):
    family = respondent()
    family.start(community="east-la")
    family.complete()

    assert db.session.scalars(db.select(Draft)).all() == []


def test_closed_survey_shows_closed_page_and_keeps_nothing(db, client, survey, respondent):
    survey.status = "closed"
    db.session.commit()

    page = client.get("/s/safe-return?lang=es")

    assert page.status_code == 410
    assert "cerrada" in page.get_data(as_text=True)
    assert client.post("/s/safe-return/p/1", data={"role": "student"}).status_code == 410
    assert db.session.scalars(db.select(Response)).all() == []


def test_page_without_a_draft_goes_back_to_the_start(client, survey):
    page = client.get("/s/safe-return/p/3")

    assert page.status_code == 302
    assert page.headers["Location"].endswith("/s/safe-return")


def test_a_lost_session_cookie_loses_nothing(client, db, survey, respondent):
    family = respondent()
    family.start(community="koreatown", lang="en")
    family.submit_page(family.valid_answers("Typed on page one"))
    page_two = family.form_fields()
    client.delete_cookie("voces")

    family.post("/s/safe-return/p/2", page_two | {"safety_measures": "testing", "nav": "next"})

    # The CSRF token went with the cookie: the page comes back, answers intact.
    assert family.page.status_code == 400
    assert family.soup().find("input", attrs={"value": "testing"}).has_attr("checked")
    family.submit_page({"safety_measures": "testing"})
    family.complete()
    stored = db.session.scalars(db.select(Response)).one()
    answers = stored.answer_map()
    assert stored.community.slug == "koreatown"
    assert answers["one_word"].value == "Typed on page one"
    assert answers["safety_measures"].value == ["testing"]


def test_hidden_questions_are_skipped_and_dropped(db, make_survey, tiny_definition, respondent):
    tiny_definition["sections"][1]["questions"].insert(
        0,
        {
            "key": "school",
            "type": "short_text",
            "required": True,
            "show_if": {"question": "role", "equals": "student"},
            "text": {"en": "Your grade?", "es": "¿Su grado?"},
        },
    )
    make_survey(tiny_definition)
    family = respondent("tiny")
    family.start(community="north", lang="en")
    family.submit_page({"role": "parent"})

    assert "Your grade?" not in family.text()  # the required question is not asked
    family.submit_page({"need": "Tutoring"})
    assert family.path == "/s/tiny/thanks"
    answers = db.session.scalars(db.select(Response)).one().answer_map()
    assert set(answers) == {"role", "need"}


@pytest.mark.parametrize(("role", "shown"), [("parent", False), ("student", True)])
def test_a_note_follows_its_condition(make_survey, tiny_definition, respondent, role, shown):
    tiny_definition["sections"][1]["questions"].insert(
        0,
        {
            "key": "students_note",
            "type": "note",
            "show_if": {"question": "role", "equals": "student"},
            "text": {"en": "Students: ask a teacher for help.", "es": "Estudiantes: pidan ayuda."},
        },
    )
    make_survey(tiny_definition)
    family = respondent("tiny")
    family.start(community="north", lang="en")
    family.submit_page({"role": role})

    assert family.path == "/s/tiny/p/2"
    assert ("Students: ask a teacher for help." in family.text()) is shown


def test_same_page_condition_is_shown_with_a_hint_and_counts_only_when_met(
    db, make_survey, tiny_definition, respondent
):
    tiny_definition["sections"][0]["questions"][1]["show_if"] = {
        "question": "role",
        "equals": "parent",
    }
    tiny_definition["sections"][0]["questions"][1]["required"] = True
    make_survey(tiny_definition)
    family = respondent("tiny")
    family.start(community="north", lang="en")

    assert "How many children?" in family.text()
    assert "Answer this only if you chose: Parent." in family.text()
    family.submit_page({"role": "student", "kids": "3"})
    family.submit_page({"need": "Rides"})

    answers = db.session.scalars(db.select(Response)).one().answer_map()
    assert "kids" not in answers  # its condition did not hold


def test_purge_drafts_removes_only_old_drafts(app, db, runner, survey, respondent):
    family = respondent()
    family.start(community="koreatown")
    family.submit_page()
    respondent().start(community="pacoima")  # a second family, another client session
    drafts = db.session.scalars(db.select(Draft)).all()
    drafts[0].updated_at = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=8)
    db.session.commit()

    result = runner.invoke(args=["surveys", "purge-drafts"])

    assert "deleted 1 unfinished drafts" in result.output
    assert db.session.scalar(db.select(db.func.count(Draft.id))) == len(drafts) - 1


def test_a_page_saved_keeps_its_draft_from_the_purge(app, db, runner, survey, respondent):
    """Drafts are purged a week after their last page, not a week after they began."""
    family = respondent()
    family.start(community="koreatown")
    draft = db.session.scalars(db.select(Draft)).one()
    draft.updated_at = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=8)
    db.session.commit()

    family.submit_page()
    result = runner.invoke(args=["surveys", "purge-drafts"])

    assert "deleted 0 unfinished drafts" in result.output
    db.session.expire_all()
    assert db.session.scalars(db.select(Draft)).one().values  # the page's answers are kept


def test_upgrading_keeps_unfinished_drafts_usable(database_url):
    """Migration 0007 hashes the submission tokens of drafts already in the database."""
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "migrations", "SQLALCHEMY_DATABASE_URI": database_url}
    )
    app.test_client_class = FreshRequestClient
    with app.app_context():
        _db.drop_all()
        with _db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        survey_store.load_definition(yaml.safe_load(BUNDLED.read_text(encoding="utf-8")))
        _db.session.commit()
        family = Respondent(app.test_client(), "safe-return")
        family.start(community="pacoima", lang="en")
        family.submit_page(family.valid_answers("Typed before the upgrade"))
        _db.session.remove()
        downgrade(revision="0006")
        with _db.engine.connect() as connection:
            old_token = connection.execute(text("SELECT submission_token FROM drafts")).scalar()

        upgrade()

        with _db.engine.connect() as connection:
            stored = connection.execute(text("SELECT submission_hash FROM drafts")).scalar()
        assert stored == hashlib.sha256(old_token.encode()).hexdigest()
        # A phone that lost its cookie still finds its draft with the token in its page.
        phone = Respondent(app.test_client(), "safe-return")
        phone.get("/s/safe-return?lang=en")
        data = phone.form_fields() | {"submission_token": old_token, "nav": "back"}
        phone.post("/s/safe-return/p/2", data)
        assert phone.path == "/s/safe-return/p/1"
        assert "Typed before the upgrade" in phone.page.get_data(as_text=True)
        _db.session.remove()
        _db.drop_all()
        with _db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        _db.engine.dispose()


def test_a_session_from_before_the_upgrade_gets_a_new_submission_token(
    client, db, survey, respondent
):
    family = respondent()
    family.start(community="pacoima", lang="en")
    family.submit_page(family.valid_answers("Typed before the upgrade"))
    with client.session_transaction() as session:  # it held the session token alone
        session["drafts"] = {"safe-return": session["drafts"]["safe-return"]["session"]}

    family.get("/s/safe-return/p/2")

    token = family.form_fields()["submission_token"]
    draft = db.session.scalars(db.select(Draft)).one()
    assert draft.submission_hash == hashlib.sha256(token.encode()).hexdigest()
    family.complete()
    assert db.session.scalars(db.select(Response)).one().submission_token == token


def test_the_pages_shown_follow_each_answer_taken_into_the_draft(db, make_survey, tiny_definition):
    """The shown pages are worked out once per set of answers, and again when they change."""
    tiny_definition["sections"].append(
        {
            "title": texts("School", "Escuela"),
            "questions": [
                {
                    "key": "grade",
                    "type": "short_text",
                    "show_if": {"question": "role", "equals": "student"},
                    "text": texts("Your grade?", "¿Su grado?"),
                }
            ],
        }
    )
    survey = make_survey(tiny_definition)
    draft, _token, _submission_token = responding.start_draft(survey, None)
    assert responding.visible_pages(draft) == [0, 1]

    responding.save_page(draft, {"role": ["student"]}, 0)
    assert responding.visible_pages(draft) == [0, 1, 2]
    assert responding.next_page(draft, 1) == 2

    responding.save_page(draft, {"role": ["parent"]}, 0)
    assert responding.next_page(draft, 1) is None
    db.session.rollback()
