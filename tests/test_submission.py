"""Storing a response: one transaction, the right facts, and exactly once per token."""

from datetime import date

import time_machine

from surveys.models import Answer, Draft, Response


def last_page_post(family, lang, text):
    """Answer up to the last page; return its URL and the final post's data."""
    family.start(community="south-la", lang=lang)
    while True:
        family.submit_page()
        progress = family.soup().find("progress")
        if progress["value"] == progress["max"]:
            break
    return family.path, family.form_fields() | family.valid_answers(text) | {"nav": "next"}


def test_response_stores_version_community_language_role_and_day(db, survey, respondent):
    family = respondent()
    # One second before midnight, UTC, and the clock stands still: the day is known.
    with time_machine.travel("2027-03-14 23:59:59+00:00", tick=False):
        family.start(community="south-la", lang="es")
        family.complete("Necesitamos internet")

    response = db.session.scalars(db.select(Response)).one()
    assert response.version_id == survey.current.id
    assert response.community.slug == "south-la"
    assert response.language == "es"
    assert response.role == "parent_guardian"
    assert response.submitted_on == date(2027, 3, 14)
    assert not response.is_demo
    answers = response.answer_map()
    assert answers["need_to_feel_safe"].value == "Necesitamos internet"
    assert answers["children_in_school"].value == 2
    assert isinstance(answers["safety_measures"].value, list)
    assert isinstance(answers["confidence_health"].value, int)


def test_same_token_same_answers_is_stored_once(client, db, survey, respondent):
    url, last = last_page_post(respondent(), "en", "Same words")

    first = client.post(url, data=last, follow_redirects=True)
    again = client.post(url, data=last, follow_redirects=True)

    assert first.request.path == again.request.path == "/s/safe-return/thanks"
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 1


def test_same_token_different_answers_is_refused_and_first_kept(client, db, survey, respondent):
    url, last = last_page_post(respondent(), "es", "Primera respuesta")
    client.post(url, data=last)

    changed = client.post(url, data=last | {"need_to_feel_safe": "Otra respuesta"})

    assert changed.status_code == 409
    assert "ya" in changed.get_data(as_text=True)  # "Sus respuestas ya se enviaron"
    stored = db.session.scalars(db.select(Answer).filter_by(question_key="need_to_feel_safe"))
    assert [a.value for a in stored] == ["Primera respuesta"]


def test_an_earlier_page_posted_after_sending_shows_the_thank_you_page(
    client, db, survey, respondent
):
    """The browser's back button after sending, then "Next" on an earlier page."""
    family = respondent()
    family.start(community="south-la", lang="es")
    earlier = family.path, family.form_fields() | family.valid_answers("Otra cosa")
    family.complete("Primera respuesta")

    again = client.post(earlier[0], data=earlier[1] | {"nav": "next"})

    assert again.status_code == 302
    assert again.headers["Location"] == "/s/safe-return/thanks"
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 1
    stored = db.session.scalars(db.select(Answer).filter_by(question_key="one_word"))
    assert [a.value for a in stored] == ["Primera respuesta"]


def test_two_families_get_two_responses(client, app, db, survey, respondent):
    respondent().start(community="pacoima")
    first = respondent()
    first.start(community="pacoima")
    first.complete()
    second_client = app.test_client()
    from tests.conftest import Respondent

    second = Respondent(second_client, "safe-return")
    second.start(community="wilmington")
    second.complete()

    assert db.session.scalar(db.select(db.func.count(Response.id))) == 2


def test_the_last_page_sent_twice_at_once_is_stored_once(
    app, client, db, survey, respondent, monkeypatch
):
    """A double tap or a queued retry racing the first copy: both get the thank-you page."""
    import threading

    from surveys.services import responding

    url, last = last_page_post(respondent(), "es", "Dos veces")
    cookie = client.get_cookie("voces").value
    both_here = threading.Barrier(2, timeout=10)
    save_page = responding.save_page

    def save_together(draft, values, *checked):
        both_here.wait()  # both requests have read the draft before either writes
        return save_page(draft, values, *checked)

    monkeypatch.setattr(responding, "save_page", save_together)
    landed = []

    def post():
        racer = app.test_client()
        racer.set_cookie("voces", cookie)
        landed.append(racer.post(url, data=last))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(r.status_code for r in landed) == [302, 302]
    assert {r.headers["Location"] for r in landed} == {"/s/safe-return/thanks"}
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 1


def test_an_earlier_page_saved_while_the_survey_is_sent_ends_on_the_thank_you_page(
    app, client, db, survey, respondent, monkeypatch
):
    """Another tab (or a queued retry) posts page 1 while the last page is sent: the
    page finds its draft gone, nothing is stored twice and nothing sent is lost."""
    import threading

    from surveys.services import responding

    family = respondent()
    url, last = last_page_post(family, "es", "Enviado a tiempo")
    family.get("/s/safe-return/p/1")
    earlier = family.form_fields() | family.valid_answers("Otra pestaña") | {"nav": "next"}
    cookie = client.get_cookie("voces").value
    both_read = threading.Barrier(2, timeout=10)
    sent = threading.Event()
    save_page, keep = responding.save_page, responding.keep

    def save_together(draft, values, *checked):
        both_read.wait()  # both requests hold the draft before either writes
        return save_page(draft, values, *checked)

    def keep_after_sending(draft):
        assert sent.wait(timeout=30)  # the last page has been stored and committed
        return keep(draft)

    monkeypatch.setattr(responding, "save_page", save_together)
    monkeypatch.setattr(responding, "keep", keep_after_sending)
    landed = {}

    def post(name, path, data):
        racer = app.test_client()
        racer.set_cookie("voces", cookie)
        landed[name] = racer.post(path, data=data)
        if name == "last":
            sent.set()

    threads = [
        threading.Thread(target=post, args=("last", url, last)),
        threading.Thread(target=post, args=("earlier", "/s/safe-return/p/1", earlier)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert {name: r.headers["Location"] for name, r in landed.items()} == {
        "last": "/s/safe-return/thanks",
        "earlier": "/s/safe-return/thanks",
    }
    db.session.expire_all()
    response = db.session.scalars(db.select(Response)).one()
    assert response.answer_map()["need_to_feel_safe"].value == "Enviado a tiempo"


def test_a_page_checked_before_an_earlier_answer_changed_is_asked_again(
    db, make_survey, tiny_definition, respondent
):
    """Kept page answers are checked again: a question an earlier change shows must be answered."""
    tiny_definition["sections"][1]["questions"].append(
        {
            "key": "grade",
            "type": "short_text",
            "required": True,
            "show_if": {"question": "role", "equals": "student"},
            "text": {"en": "Your grade?", "es": "¿Su grado?"},
        }
    )
    tiny_definition["sections"].append(
        {
            "title": {"en": "Last", "es": "Última"},
            "questions": [
                {"key": "more", "type": "short_text", "text": {"en": "More?", "es": "¿Más?"}}
            ],
        }
    )
    make_survey(tiny_definition)
    family = respondent("tiny")
    family.start(community="north", lang="en")
    family.submit_page({"role": "parent"})
    family.submit_page({"need": "Rides"})  # page 2 checked with "Your grade?" hidden
    family.get("/s/tiny/p/1")
    family.submit_page({"role": "student"})  # now page 2 asks for the grade
    family.get("/s/tiny/p/3")
    family.submit_page({"more": "Nothing"})

    assert family.path == "/s/tiny/p/2"
    assert "Your grade?" in family.text()
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 0
    family.submit_page({"need": "Rides", "grade": "Ninth"})
    family.submit_page({"more": "Nothing"})
    assert family.path == "/s/tiny/thanks"
    answers = db.session.scalars(db.select(Response)).one().answer_map()
    assert answers["grade"].value == "Ninth" and answers["role"].value == "student"


def test_a_survey_sent_with_every_question_left_blank_is_stored_without_answers(
    db, make_survey, tiny_definition, respondent
):
    for section in tiny_definition["sections"]:
        for question in section["questions"]:
            question["required"] = False
    make_survey(tiny_definition)
    family = respondent("tiny")
    family.start(community="north", lang="es")
    family.submit_page({})
    family.submit_page({})

    assert family.path == "/s/tiny/thanks"
    response = db.session.scalars(db.select(Response)).one()
    assert response.answers == [] and response.role is None and response.language == "es"
    assert db.session.scalar(db.select(db.func.count(Draft.id))) == 0
