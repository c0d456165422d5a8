"""Dead zones: pages stay available offline, and a page sent offline arrives exactly once."""

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="pip install playwright").expect

BANNER = {
    "en": ("1 response waiting to send", "Sent."),
    "es": ("1 respuesta esperando para enviarse", "Enviada."),
}
CACHED_PATHS = """() => caches.open("voces-pages")
    .then(cache => cache.keys())
    .then(requests => requests.map(r => new URL(r.url).pathname))"""


def worker_ready(page):
    """The worker controls the page and has kept it (a family takes longer than a test)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    kept = f"({CACHED_PATHS})().then(paths => paths.includes(location.pathname))"
    page.wait_for_function(kept)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_answers_sent_offline_arrive_once_when_the_connection_returns(
    family, stored_responses, screenshot, lang
):
    person = family(lang)
    person.start("wilmington")
    person.walk_to_last_page()
    worker_ready(person.page)
    page = person.page
    page.context.set_offline(True)
    person.fill_page({"en": "Written in a dead zone", "es": "Escrito sin señal"}[lang])

    person.press("send")

    status = page.locator("#device-status")
    waiting, sent = BANNER[lang]
    expect(status).to_have_text(waiting)
    screenshot(page, f"{lang}-offline")
    assert stored_responses() == 0
    queued = page.evaluate("JSON.parse(localStorage.getItem('voces:queue'))")
    assert len(queued) == 1
    assert dict(queued[0]["fields"])["submission_token"]

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")  # a second signal, same moment

    expect(status).to_have_text(sent)
    page.wait_for_url("**/thanks")
    assert stored_responses() == 1
    assert page.evaluate("Object.keys(localStorage)") == []
    assert all(path.startswith("/static/") for path in page.evaluate(CACHED_PATHS))
    # The same queued page sent again (another tab, a retry) is still one response.
    replay = """entry => fetch(entry.url, {method: "POST", body: new URLSearchParams(entry.fields)})
        .then(response => new URL(response.url).pathname)"""
    assert page.evaluate(replay, queued[0]) == "/s/safe-return/thanks"
    assert stored_responses() == 1


def test_pages_already_opened_still_show_offline_with_what_was_typed(family):
    person = family("es")
    person.start("pacoima")
    worker_ready(person.page)
    page = person.page
    page.locator("input[name=one_word]").fill("Sin señal")
    page.context.set_offline(True)

    page.reload()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sobre usted")
    expect(page.locator("input[name=one_word]")).to_have_value("Sin señal")


def test_the_worker_never_keeps_staff_pages_or_the_thank_you_page(family, stored_responses):
    person = family("en")
    person.start("pacoima")
    worker_ready(person.page)
    person.complete()
    page = person.page
    page.goto("/login")

    paths = page.evaluate(CACHED_PATHS)
    assert "/login" not in paths and not any(p.endswith("/thanks") for p in paths)
    assert stored_responses() == 1
