"""Real-browser fixtures: Debian's Chromium, driven by Playwright, at a phone's size.

The app runs on loopback with the bundled survey, on a fresh SQLite file or,
when ``TEST_DATABASE_URL`` is set, on that database, as the other tests do.
Chromium is the system one (``apt-get install chromium``); no browser is ever
downloaded. Without it, or without the ``playwright`` package, these tests
are skipped and say why.
"""

import os
import shutil
from pathlib import Path

import pytest

from surveys.extensions import db
from surveys.loopback import fresh_app, serve
from surveys.models import Response

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 360, "height": 740}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LOCALES = {"en": "en-US", "es": "es-US"}


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium): browser tests skipped")
    sync_api.expect.set_options(timeout=10_000)  # a loaded 2-core machine is slow
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


@pytest.fixture
def live_app(tmp_path):
    database_url = os.environ.get("TEST_DATABASE_URL")
    with fresh_app(tmp_path, database_url, SECRET_KEY="browser-tests") as app:
        yield app


@pytest.fixture
def base_url(live_app):
    with serve(live_app) as url:
        yield url


@pytest.fixture
def phone(browser, base_url):
    """Open a phone-sized tab: ``phone("es")`` prefers Spanish, as the family's browser would."""
    contexts = []

    def open_tab(lang="en", **options):
        settings = {"viewport": PHONE, "locale": LOCALES[lang], "base_url": base_url}
        context = browser.new_context(**(settings | options))
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_tab
    for context in contexts:
        context.close()


@pytest.fixture
def stored_responses(live_app):
    """How many responses the server has stored."""

    def count():
        with live_app.app_context():
            total = db.session.scalar(db.select(db.func.count(Response.id)))
            db.session.remove()
            return total

    return count


@pytest.fixture
def screenshot():
    """Keep a phone screenshot for the README and reviewers: docs/screenshots/NAME.png."""

    def save(page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}.png")

    return save


WORDS = {
    "en": {"start": "Start", "next": "Next", "send": "Send my answers"},
    "es": {"start": "Empezar", "next": "Siguiente", "send": "Enviar mis respuestas"},
}


class Family:
    """A family on its phone: taps and types through the survey as a person would."""

    def __init__(self, page, lang):
        self.page, self.lang = page, lang
        self.words = WORDS[lang]

    def start(self, community="pacoima"):
        self.page.goto(f"/s/safe-return/{community}?lang={self.lang}")
        self.page.get_by_role("button", name=self.words["start"]).click()
        self.page.wait_for_url("**/p/1")

    def fill_page(self, text="Typed on a phone"):
        """A valid answer to every question shown: the first choice, a number, words."""
        form = self.page.locator("form#answers")
        for group in form.locator("fieldset:has(input[type=radio])").all():
            group.locator("input[type=radio]").first.check()
        for field in form.locator("input[type=text]:not([name$=__other]), textarea").all():
            numeric = field.get_attribute("inputmode") in ("numeric", "decimal")
            field.fill("2" if numeric else text)

    def press(self, button):
        self.page.get_by_role("button", name=self.words[button], exact=True).click()

    def is_on_a_question_page(self):
        return "/p/" in self.page.url

    def last_button(self):
        sends = self.page.get_by_role("button", name=self.words["send"]).count()
        return "send" if sends else "next"

    def walk_to_last_page(self, text="Typed on a phone"):
        while self.last_button() == "next":
            self.fill_page(text)
            with self.page.expect_navigation():
                self.press("next")

    def complete(self, text="Typed on a phone"):
        self.walk_to_last_page(text)
        self.fill_page(text)
        self.press("send")
        self.page.wait_for_url("**/thanks")

    def focused(self):
        """What has the keyboard focus: tag, type, name, id and value."""
        return self.page.evaluate(
            """() => { const e = document.activeElement;
            return {tag: e.tagName, type: e.type || "", name: e.name || "", id: e.id,
                    value: e.value || "", inputmode: e.inputMode || ""}; }"""
        )


@pytest.fixture
def family(phone):
    def make(lang="en", **options):
        return Family(phone(lang, **options), lang)

    return make
