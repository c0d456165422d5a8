"""A family answers on a phone-sized Chromium: language, reloads, errors, focus, keyboard."""

import re

import pytest

from surveys.extensions import db
from surveys.models import Response

expect = pytest.importorskip("playwright.sync_api", reason="pip install playwright").expect


def test_family_completes_the_survey_in_spanish_from_a_community_link(
    family, live_app, stored_responses, screenshot
):
    familia = family("es")
    familia.start("pacoima")

    expect(familia.page.locator("html")).to_have_attribute("lang", "es")
    expect(familia.page.get_by_text("Página 1 de 7")).to_be_visible()
    screenshot(familia.page, "es-first-page")
    familia.complete("Palabras de la familia")

    expect(familia.page.locator("h1")).to_have_text("¡Gracias! Sus respuestas se enviaron.")
    screenshot(familia.page, "es-thanks")
    assert stored_responses() == 1
    with live_app.app_context():
        response = db.session.scalars(db.select(Response)).one()
        assert (response.language, response.community.slug) == ("es", "pacoima")
        assert response.answer_map()["one_word"].value == "Palabras de la familia"


def test_language_switch_mid_survey_keeps_the_answers(family):
    english = family("en")
    english.start("wilmington")
    english.fill_page("My own words")

    english.page.get_by_role("button", name="Español").click()

    page = english.page
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sobre usted")
    expect(page.locator("input[name=one_word]")).to_have_value("My own words")
    expect(page.locator("input[name=role]").first).to_be_checked()
    expect(page.locator("#device-status")).to_be_hidden()  # nothing to restore: the server had it


@pytest.mark.parametrize("lang", ["en", "es"])
def test_reload_mid_page_keeps_typed_answers(family, lang):
    person = family(lang)
    person.start("east-la")
    page = person.page
    page.locator("input[name=role]").nth(1).check()
    page.locator("input[name=one_word]").fill("Half-typed")

    page.reload()

    expect(page.locator("input[name=one_word]")).to_have_value("Half-typed")
    expect(page.locator("input[name=role]").nth(1)).to_be_checked()
    notice = {"en": "We brought back the answers", "es": "Recuperamos las respuestas"}[lang]
    expect(page.locator("#device-status")).to_contain_text(notice)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_errors_are_announced_and_focus_moves_to_the_first(family, screenshot, lang):
    person = family(lang)
    person.start("boyle-heights")

    person.press("next")

    page = person.page
    alert = page.get_by_role("alert")
    message = {"en": "Please choose one answer", "es": "Por favor, escoja una respuesta"}[lang]
    expect(alert).to_contain_text(message)
    expect(page.locator("input[name=role]").first).to_be_focused()
    assert page.locator("input[name=role]").first.get_attribute("id") == person.focused()["id"]
    screenshot(page, f"{lang}-error")


def test_after_next_focus_moves_to_the_first_question_of_the_new_page(family):
    person = family("en")
    person.start("pacoima")
    person.fill_page()

    with person.page.expect_navigation():
        person.press("next")

    page = person.page
    expect(page).to_have_title(re.compile(r"^Health and safety at school · "))  # read out
    first = page.locator("form#answers .q").first.locator("input, textarea").first
    expect(first).to_be_focused()
    assert page.evaluate("window.scrollY") == 0  # the heading and progress stay in sight
    page.keyboard.press("Tab")  # and the keyboard goes on from there
    assert person.focused()["id"] != first.get_attribute("id")


def test_focus_goes_to_the_chosen_answer_of_a_first_question_already_answered(family):
    person = family("es")
    person.start("pacoima")
    page = person.page
    person.fill_page()
    page.locator("input[name=role]").nth(2).check()
    with page.expect_navigation():
        person.press("next")
    with page.expect_navigation():
        page.get_by_role("button", name="Atrás").click()

    expect(page.locator("input[name=role]").nth(2)).to_be_focused()


def test_the_whole_survey_works_with_the_keyboard_alone(family, stored_responses, screenshot):
    person = family("en")
    page = person.page
    page.goto("/s/safe-return/pacoima?lang=en")
    screenshot_taken = False
    for _ in range(600):
        if page.url.endswith("/thanks"):
            break
        page.keyboard.press("Tab")
        now = person.focused()
        radio = now["type"] == "radio"
        if radio and not page.locator(f"input[name={now['name']}]:checked").count():
            page.keyboard.press("Space")
        elif now["tag"] == "TEXTAREA" or (now["type"] == "text" and "__" not in now["name"]):
            if not now["value"]:
                page.keyboard.type("2" if now["inputmode"] == "numeric" else "Typed with keys")
        elif now["tag"] == "BUTTON" and now["value"] == "next":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            if not screenshot_taken and page.url.endswith("/p/1"):
                screenshot(page, "en-first-page")
                screenshot_taken = True
    expect(page).to_have_url(re.compile(r"/thanks$"))
    screenshot(page, "en-thanks")
    assert stored_responses() == 1
