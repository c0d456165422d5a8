"""Language: the locale rule, <html lang>, and no English left on a Spanish page."""

import re

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from surveys.config import resource_dir
from surveys.definition import Definition

CATALOG = resource_dir("translations") / "es" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)s|%s|%d")


def page_language(response):
    return re.search(r'<html lang="(\w+)">', response.get_data(as_text=True)).group(1)


def test_accept_language_is_used_when_no_choice_was_made(client, survey):
    assert page_language(client.get("/s/safe-return", headers={"Accept-Language": "es-US"})) == "es"
    assert (
        page_language(client.get("/s/safe-return", headers={"Accept-Language": "fr, en"})) == "en"
    )


def test_english_is_the_fallback(client, survey):
    assert page_language(client.get("/s/safe-return", headers={"Accept-Language": "fr"})) == "en"
    assert page_language(client.get("/s/safe-return")) == "en"


def test_explicit_choice_wins_and_is_remembered(client, survey):
    spanish_browser = {"Accept-Language": "es"}
    assert page_language(client.get("/s/safe-return?lang=en", headers=spanish_browser)) == "en"
    assert page_language(client.get("/s/safe-return", headers=spanish_browser)) == "en"
    assert page_language(client.get("/s/safe-return?lang=fr", headers=spanish_browser)) == "en"
    assert page_language(client.get("/s/safe-return?lang=es")) == "es"


def test_catalog_is_complete():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    missing = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert missing == []


def english_fragments(survey_definition):
    """Pieces of English that must not appear on a Spanish page."""
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    phrases, words = set(), set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if not english or english in strings:
                continue
            for part in PLACEHOLDER.split(english):
                part = part.strip(" .:,;()“”\"'")
                if len(part.split()) >= 2:
                    phrases.add(part)
                elif len(part) >= 4:
                    words.add(part)
    definition = Definition(survey_definition)
    texts = [definition.text(f, "en") for f in ("title", "intro", "consent", "thank_you")]
    for question in definition.questions:
        texts += [question.text("en"), question.help("en")]
        texts += [question.choice_label(c["key"], "en") for c in question.choices]
    for english in filter(None, texts):
        if english != definition.text("title", "es") and len(english.split()) >= 2:
            phrases.add(english)
    return phrases, words


def spanish_text(html):
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == "es"
    for element in soup.select("[lang]"):
        if element.name != "html" and element["lang"] != "es":
            element.decompose()  # the language switch names English in English
    for element in soup(["script", "style"]):
        element.decompose()
    title = soup.title.get_text() if soup.title else ""
    return title + " " + soup.get_text(" ", strip=True)


def assert_all_spanish(html, fragments, where):
    phrases, words = fragments
    text = spanish_text(html)
    left = [p for p in phrases if p in text]
    left += [w for w in words if re.search(rf"\b{re.escape(w)}\b", text)]
    assert not left, f"English on the Spanish {where} page: {left}"


def invalid_answers(family):
    """Something wrong for every field of the page, so every error shows."""
    soup = family.soup()
    answers = {}
    for field in soup.select("form#answers input[type=radio], form#answers input[type=checkbox]"):
        answers[field["name"]] = "not-a-choice"
    for field in soup.select("form#answers input[type=text], form#answers textarea"):
        answers[field["name"]] = "x" * 5001
    return answers


@pytest.fixture
def spanish_walk(client, db, survey, respondent):
    """Every respondent page, in Spanish: (name, html) pairs."""
    pages = []
    family = respondent()
    pages.append(("start", family.get("/s/safe-return?lang=es").get_data(as_text=True)))
    family.post("/s/safe-return", family.form_fields() | {"nav": "next"})
    pages.append(("start error", family.page.get_data(as_text=True)))
    pages.append(("community start", family.get("/s/safe-return/pacoima").get_data(as_text=True)))
    family.start(community="pacoima")
    number = 0
    while family.path.startswith("/s/safe-return/p/"):
        number += 1
        pages.append((f"section {number}", family.page.get_data(as_text=True)))
        family.submit_page(invalid_answers(family))
        assert family.page.status_code == 422
        pages.append((f"section {number} errors", family.page.get_data(as_text=True)))
        if number == 1:
            family.post(
                family.path,
                family.form_fields()
                | family.valid_answers()
                | {"csrf_token": "expired", "nav": "next"},
            )
            pages.append(("csrf retry", family.page.get_data(as_text=True)))
        last_page = family.form_fields(), family.valid_answers(), family.path
        family.submit_page()
    pages.append(("thank-you", family.page.get_data(as_text=True)))
    fields, answers, url = last_page
    conflict = client.post(
        url, data=fields | answers | {"need_to_feel_safe": "otra", "nav": "next"}
    )
    assert conflict.status_code == 409
    pages.append(("conflict", conflict.get_data(as_text=True)))
    pages.append(("404", client.get("/s/nothing-here").get_data(as_text=True)))
    too_big = client.post(url, data={"x": "y" * 300_000})
    assert too_big.status_code == 413
    pages.append(("413", too_big.get_data(as_text=True)))
    survey.status = "closed"
    db.session.commit()
    pages.append(("closed", client.get("/s/safe-return").get_data(as_text=True)))
    return pages


def test_every_respondent_page_in_spanish_has_no_english(spanish_walk, survey):
    fragments = english_fragments(survey.current.definition)
    assert len(spanish_walk) >= 20
    for name, html in spanish_walk:
        assert_all_spanish(html, fragments, name)


def test_the_english_check_would_catch_english(survey, client):
    fragments = english_fragments(survey.current.definition)
    html = client.get("/s/safe-return?lang=es").get_data(as_text=True)
    with pytest.raises(AssertionError, match="Prefer not to say"):
        assert_all_spanish(html.replace("Prefiero no decir", "Prefer not to say"), fragments, "x")
    with pytest.raises(AssertionError):
        assert_all_spanish(html.replace("Empezar", "Start"), fragments, "x")


def test_wtforms_own_messages_are_spanish(app):
    """Stock WTForms validators (used by staff forms) follow the locale too."""
    from flask_wtf import FlaskForm
    from wtforms import IntegerField
    from wtforms.validators import DataRequired, NumberRange

    class Form(FlaskForm):
        class Meta:
            csrf = False

        count = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=5)])

    with app.test_request_context("/?lang=es", method="POST", data={"count": "9"}):
        form = Form()
        assert not form.validate()
        message = form.errors["count"][0]
    assert message == "El número debe estar entre 1 y 5."


def test_an_unexpected_error_shows_the_plain_page_in_spanish_without_a_traceback(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error handler answers

    def broken():
        raise RuntimeError("SECRET-DETAIL from deep inside")

    app.add_url_rule("/broken", view_func=broken)

    page = client.get("/broken", headers={"Accept-Language": "es-MX,es;q=0.9"})

    html = page.get_data(as_text=True)
    assert page.status_code == 500
    assert page_language(page) == "es"
    assert "Lo sentimos, algo salió mal" in html
    assert "El problema es de nuestra parte" in html
    for leak in ("Traceback", "RuntimeError", "SECRET-DETAIL", 'File "', "line "):
        assert leak not in html
