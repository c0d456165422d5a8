"""Bad input gets a clear message in the family's language; typed answers stay; never a 500."""

import pytest
from werkzeug.datastructures import MultiDict

from surveys.models import Draft, Response


@pytest.fixture
def on_tiny(make_survey, tiny_definition, respondent):
    make_survey(tiny_definition)

    def start(lang="es"):
        family = respondent("tiny")
        family.start(community="north", lang=lang)
        return family

    return start


def error_for(family, field_id):
    return family.soup().find(id=f"{field_id}-error").get_text(" ", strip=True)


def test_missing_required_answer_is_shown_next_to_the_field_in_spanish(on_tiny):
    family = on_tiny("es")
    family.submit_page({"kids": "4"})

    assert family.page.status_code == 422
    assert "Por favor" in error_for(family, "role")
    fieldset = family.soup().find("fieldset", id="role")
    assert "role-error" in fieldset["aria-describedby"]
    assert family.soup().find("input", attrs={"name": "kids"})["value"] == "4"  # kept
    assert family.soup().find(id="error-summary").find("a")["href"] == "#role"


def test_out_of_range_number(on_tiny):
    family = on_tiny("en")
    family.submit_page({"role": "parent", "kids": "99"})

    assert "from 1 to 15" in error_for(family, "kids")
    assert family.soup().find("input", attrs={"value": "parent"}).has_attr("checked")


@pytest.mark.parametrize("typed", ["three", "2.5", "1e309", "NaN", "--1"])
def test_not_a_whole_number(on_tiny, typed):
    family = on_tiny("en")
    family.submit_page({"role": "parent", "kids": typed})

    assert family.page.status_code == 422
    assert "number" in error_for(family, "kids")
    assert family.soup().find("input", attrs={"name": "kids"})["value"] == typed


def test_unknown_choice_is_refused_clearly(on_tiny):
    family = on_tiny("es")
    family.submit_page({"role": "astronaut"})

    assert family.page.status_code == 422
    assert "opciones" in error_for(family, "role")


def test_two_answers_to_a_single_choice(on_tiny):
    family = on_tiny("en")
    data = family.form_fields() | {"nav": "next"}
    form = MultiDict([*data.items(), ("role", "parent"), ("role", "student")])
    family.page = family.client.post("/s/tiny/p/1", data=form)

    assert family.page.status_code == 422
    assert "only one" in error_for(family, "role")


def test_long_text_is_capped_with_a_clear_message_and_kept(db, on_tiny):
    family = on_tiny("es")
    family.submit_page({"role": "parent"})
    too_long = "palabra " * 700  # 5,600 characters

    family.submit_page({"need": too_long})

    assert family.page.status_code == 422
    assert "5000" in error_for(family, "need")
    assert family.soup().find("textarea").get_text().strip() == too_long.strip()
    assert db.session.scalars(db.select(Response)).all() == []


def test_malformed_posts_never_fail_with_500(client, db, on_tiny):
    family = on_tiny("en")
    fields = family.form_fields()
    for data in (
        {},
        {"nav": "next", "role": ""},
        fields | {"nav": "jump", "role": "parent", "unknown": "x" * 100},
        fields | {"nav": "next", "submission_token": "", "role": "\x00"},
        fields | {"nav": "next", "lang": "fr", "role": "parent"},
    ):
        assert client.post("/s/tiny/p/1", data=data).status_code < 500
    assert client.post("/s/tiny/p/99", data=fields).status_code == 404
    assert client.post("/s/tiny/p/1", data=b"\xff\xfe", content_type="text/plain").status_code < 500


def test_oversized_request_gets_a_friendly_413_in_spanish(client, on_tiny):
    family = on_tiny("es")
    huge = "x" * (300 * 1024)

    page = client.post("/s/tiny/p/1", data=family.form_fields() | {"role": huge})

    assert page.status_code == 413
    html = page.get_data(as_text=True)
    assert '<html lang="es">' in html
    assert "demasiado" in html


def test_unknown_survey_is_a_friendly_404_in_the_browser_language(client):
    page = client.get("/s/no-such-survey", headers={"Accept-Language": "es-MX,es;q=0.9"})

    assert page.status_code == 404
    assert '<html lang="es">' in page.get_data(as_text=True)
    assert "No encontramos" in page.get_data(as_text=True)


def test_other_needs_its_detail(make_survey, tiny_definition, respondent):
    tiny_definition["sections"][1]["questions"].append(
        {
            "key": "helps",
            "type": "multiple_choice",
            "other": True,
            "text": {"en": "What helps?", "es": "¿Qué ayuda?"},
            "choices": [{"key": "rides", "label": {"en": "Rides", "es": "Transporte"}}],
        }
    )
    make_survey(tiny_definition)
    family = respondent("tiny")
    family.start(community="north", lang="en")
    family.submit_page({"role": "parent"})

    family.submit_page({"helps": "other"})
    assert "please tell us what it is" in error_for(family, "helps")

    family.submit_page({"helps": "other", "helps__other": "A walking group"})
    assert family.path == "/s/tiny/thanks"


def test_a_refused_page_stores_nothing_but_shows_what_was_typed(db, on_tiny):
    family = on_tiny("en")
    family.submit_page({"role": "parent", "kids": "2"}, nav="back")  # accepted: kept
    family.get("/s/tiny/p/1")

    family.submit_page({"role": "student", "kids": "many"})

    assert family.page.status_code == 422
    assert family.soup().find("input", attrs={"name": "kids"})["value"] == "many"
    assert family.soup().find("input", attrs={"value": "student"}).has_attr("checked")
    assert db.session.scalars(db.select(Draft)).one().values == {
        "role": ["parent"],
        "kids": ["2"],
    }
    assert db.session.scalars(db.select(Response)).all() == []


def test_a_post_without_session_or_csrf_token_stores_nothing(client, db, on_tiny):
    client.delete_cookie("voces")
    before = db.session.scalar(db.select(db.func.count(Draft.id)))

    page = client.post(
        "/s/tiny/p/1",
        data={"role": "parent", "kids": "3", "nav": "next"},
        headers={"Accept-Language": "es"},
    )

    assert page.status_code == 400
    assert "siguen aquí" in page.get_data(as_text=True)  # the CSRF retry page, in Spanish
    assert 'value="3"' in page.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Draft.id))) == before
