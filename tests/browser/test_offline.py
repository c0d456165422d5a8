"""Dead zones: pages stay available offline, and a page sent offline arrives exactly once."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

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


# Only what the server took counts as sent -----------------------------------

# Every text the banner shows, kept for the tab across pages (the test's own record).
BANNER_LOG = """document.addEventListener("readystatechange", () => {
    const status = document.getElementById("device-status");
    if (document.readyState !== "interactive" || !status) return;
    new MutationObserver(() => {
        const seen = JSON.parse(sessionStorage.getItem("banners") || "[]");
        sessionStorage.setItem("banners", JSON.stringify([...seen, status.textContent]));
    }).observe(status, {childList: true, characterData: true, subtree: true});
});"""
QUEUE = "() => JSON.parse(localStorage.getItem('voces:queue') || '[]')"
LAST_PAGE = "**/s/safe-return/p/7"


def queued_last_page(family, lang="en", text="Written in a dead zone", **options):
    """A family answers up to the last page and sends it with no connection."""
    person = family(lang, **options)
    page = person.page
    page.add_init_script(BANNER_LOG)
    person.start("wilmington")
    person.walk_to_last_page()
    if "service_workers" not in options:
        worker_ready(page)
    page.context.set_offline(True)
    person.fill_page(text)
    person.press("send")
    expect(page.locator("#device-status")).to_have_text(BANNER[lang][0])
    return person, page


def come_back_online(page):
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")


def banners(page):
    return page.evaluate("JSON.parse(sessionStorage.getItem('banners') || '[]')")


def test_a_page_kept_longer_than_its_token_lives_is_sent_with_a_fresh_token(
    family, stored_responses
):
    _person, page = queued_last_page(family)
    requests = []
    page.on("request", lambda r: requests.append(r.method) if "/p/7" in r.url else None)

    # Two hours in a dead zone: the server no longer accepts the page's form token.
    later = datetime.now(UTC) + timedelta(hours=2)
    with time_machine.travel(later, tick=True):
        come_back_online(page)
        page.wait_for_url("**/thanks")

    assert stored_responses() == 1
    assert requests == ["POST", "GET", "POST"]  # refused, a fresh token, sent again
    assert banners(page)[-1] == "Sent."
    assert page.evaluate("Object.keys(localStorage)") == []


def test_a_busy_server_keeps_the_page_waiting_and_it_is_sent_later(family, stored_responses):
    _person, page = queued_last_page(family, "es", "Escrito sin señal")
    answers = []

    def busy_once(route):
        if route.request.method == "POST" and not answers:
            answers.append(429)
            route.fulfill(status=429, headers={"Retry-After": "1"}, body="busy")
            return
        route.continue_()

    page.route(LAST_PAGE, busy_once)

    with page.expect_response(lambda response: response.status == 429):
        come_back_online(page)
    expect(page.locator("#device-status")).to_have_text("Enviada.")
    page.wait_for_url("**/thanks")

    assert answers == [429]
    assert stored_responses() == 1
    # The 429 was not taken for "sent": the banner went from waiting to sent once.
    waiting, sent = BANNER["es"]
    assert [text for text in banners(page) if text] == [waiting, sent]


def test_answers_refused_as_a_conflict_show_the_conflict_page(family, stored_responses):
    _person, page = queued_last_page(family, "en", "Sent from the phone")
    entry = page.evaluate(QUEUE)[0]
    # Meanwhile the same page, with other answers, reached the server another way
    # (Playwright's own requests ignore the tab's offline switch).
    other = [(k, "Other words" if k == "anything_else" else v) for k, v in entry["fields"]]
    page.request.post(entry["url"], form=dict(other), max_redirects=0)
    assert stored_responses() == 1

    with page.expect_navigation():
        come_back_online(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers were already sent")
    assert "Sent." not in banners(page)
    assert page.evaluate(QUEUE) == []
    assert stored_responses() == 1


@pytest.mark.parametrize("worker", ["with the service worker", "without a service worker"])
def test_a_network_that_does_not_answer_keeps_the_page_waiting(family, stored_responses, worker):
    """Wi-Fi with no internet behind it: the phone says it is online, the post fails."""
    options = {} if worker.startswith("with ") else {"service_workers": "block"}
    person = family("en", **options)
    page = person.page
    person.start("wilmington")
    person.walk_to_last_page()
    if not options:
        worker_ready(page)
    failing = "**/s/safe-return/**"
    page.context.route(
        failing, lambda r: r.abort() if r.request.method == "POST" else r.continue_()
    )
    person.fill_page("No internet behind the Wi-Fi")

    person.press("send")

    status = page.locator("#device-status")
    expect(status).to_have_text(BANNER["en"][0])
    assert page.evaluate("navigator.onLine") is True
    assert stored_responses() == 0
    assert len(page.evaluate(QUEUE)) == 1
    expect(page.locator("textarea[name=anything_else]")).to_have_value(
        "No internet behind the Wi-Fi"
    )

    page.context.unroute(failing)  # the internet comes back; the phone tries again by itself

    expect(status).to_have_text("Sent.", timeout=30_000)
    page.wait_for_url("**/thanks")
    assert stored_responses() == 1
    assert page.evaluate("Object.keys(localStorage)") == []


def test_answers_kept_on_the_phone_expire_after_a_week(family):
    person = family("en")
    person.start("pacoima")
    page = person.page
    page.evaluate(
        """() => {
        const day = 24 * 3600 * 1000, keep = (path, age, word) => localStorage.setItem(
            "voces:answers:" + path,
            JSON.stringify({at: Date.now() - age, values: {one_word: [word]}}));
        keep(location.pathname, 8 * day, "Eight days old");
        keep("/s/safe-return/p/2", 6 * day, "Six days old");
        localStorage.setItem("voces:queue", JSON.stringify([
            {url: location.href, fields: [["one_word", "old"]], at: Date.now() - 8 * day}]));
    }"""
    )

    page.reload()

    expect(page.locator("input[name=one_word]")).to_have_value("")
    expect(page.locator("#device-status")).to_be_empty()
    keys = page.evaluate("Object.keys(localStorage)")
    assert "voces:answers:/s/safe-return/p/1" not in keys and "voces:queue" not in keys
    assert "voces:answers:/s/safe-return/p/2" in keys
