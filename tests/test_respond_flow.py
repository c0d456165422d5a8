"""The respondent flow through the HTTP client, as a family's phone would walk it."""

from datetime import datetime, timedelta

from surveys.models import Draft, Response


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
    assert "Secret" not in cookie and len(cookie) < 400  # a token, not the answers
    with client.session_transaction() as session:
        token = session["drafts"]["safe-return"]
        assert "Secret words" not in str(dict(session))
    assert len(token) >= 32  # at least 128 bits, URL-safe base64
    draft = db.session.scalars(db.select(Draft)).one()
    assert draft.values["one_word"] == ["Secret words"]
    assert token not in draft.token_hash  # only a hash of the token is stored


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
    drafts[0].updated_at = datetime.now() - timedelta(days=8)
    db.session.commit()

    result = runner.invoke(args=["surveys", "purge-drafts"])

    assert "deleted 1 unfinished drafts" in result.output
    assert db.session.scalar(db.select(db.func.count(Draft.id))) == len(drafts) - 1
