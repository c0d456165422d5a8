"""What the server gives survey.js and the service worker, seen through HTTP.

The browser tests (tests/browser/) show the script at work; these check the
pages carry its words in the family's language, stay free of inline code,
and that the worker is served where its scope covers only survey pages.
"""

import pytest
from bs4 import BeautifulSoup


def status_words(html):
    status = BeautifulSoup(html, "html.parser").find(id="device-status")
    return {name: value for name, value in status.attrs.items() if name.startswith("data-")}


def test_survey_pages_load_the_script_and_give_it_spanish_words(client, survey):
    html = client.get("/s/safe-return/pacoima?lang=es").get_data(as_text=True)

    script = BeautifulSoup(html, "html.parser").find("script")
    assert script["src"] == "/static/js/survey.js" and script.has_attr("defer")
    assert status_words(html) == {
        "data-worker": "/s/sw.js",
        "data-restored": "Recuperamos las respuestas que usted escribió en este teléfono.",
        "data-waiting-one": "{n} respuesta esperando para enviarse",
        "data-waiting-many": "{n} respuestas esperando para enviarse",
        "data-sent": "Enviada.",
    }


def test_english_pages_give_it_english_words(client, survey):
    words = status_words(client.get("/s/safe-return?lang=en").get_data(as_text=True))

    assert words["data-waiting-one"] == "{n} response waiting to send"
    assert words["data-waiting-many"] == "{n} responses waiting to send"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_respondent_pages_have_no_inline_script_style_or_handler(survey, respondent, lang):
    """Ready for a Content-Security-Policy without 'unsafe-inline'."""
    pages = respondent().every_page(lang)

    for html in pages:
        soup = BeautifulSoup(html, "html.parser")
        assert soup.find("style") is None
        assert all(script.get("src") for script in soup.find_all("script"))
        for element in soup.find_all(True):
            assert not [a for a in element.attrs if a == "style" or a.startswith("on")]


def test_the_worker_is_served_for_the_survey_pages_only(client):
    with client.get("/s/sw.js") as response:
        headers = response.headers
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        assert "caches.open(CACHE)" in response.get_data(as_text=True)
    assert "no-cache" in headers["Cache-Control"]  # a new version is seen at once
    assert "Service-Worker-Allowed" not in headers  # scope stays /s/
    assert "Set-Cookie" not in headers


def test_the_thank_you_page_tells_the_phone_to_forget_the_survey(survey, respondent):
    family = respondent()
    family.start(community="pacoima", lang="es")
    family.complete()

    assert family.path == "/s/safe-return/thanks"
    assert family.soup().body["data-forget"] == "/s/safe-return"


def test_question_pages_ask_for_focus_on_their_first_question(survey, respondent):
    family = respondent()
    family.get("/s/safe-return/pacoima?lang=en")
    assert not family.soup().find("form", id="answers").has_attr("data-focus-first")

    family.start(community="pacoima", lang="en")

    assert family.soup().find("form", id="answers").has_attr("data-focus-first")
    assert family.soup().title.get_text().startswith("About you")  # read out on arrival
