"""Accessibility in a real browser: axe-core on every page a family can see, and reflow.

axe-core comes from the axe-playwright-python package and is injected by the
test only: it is never served to families.
"""

import pytest

from surveys.extensions import db
from surveys.services.survey_store import get_survey

expect = pytest.importorskip("playwright.sync_api", reason="pip install playwright").expect
Axe = pytest.importorskip("axe_playwright_python.sync_playwright", reason="pip install ...").Axe

COMMUNITY_WORDS = {"en": "Start", "es": "Empezar"}
SUBMIT_AS_A_FORM = """([url, pairs]) => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = url;
    for (const [name, value] of pairs) {
        const field = document.createElement("input");
        field.type = "hidden"; field.name = name; field.value = value;
        form.append(field);
    }
    document.body.append(form);
    form.submit();
}"""
FIELDS = """() => [...new FormData(document.getElementById("answers"))]"""


def every_page(person, live_app, visit):
    """Show every kind of page a family meets, calling ``visit(page, name)`` on each."""
    page, lang = person.page, person.lang
    page.goto(f"/s/safe-return?lang={lang}")
    visit(page, "start, community question")
    # Wait for the post to land: a goto while it is in flight is aborted by it.
    with page.expect_navigation():
        page.get_by_role("button", name=COMMUNITY_WORDS[lang]).click()
    visit(page, "start, community not chosen")
    page.goto(f"/s/safe-return/pacoima?lang={lang}")
    visit(page, "start from a community link")
    page.get_by_role("button", name=COMMUNITY_WORDS[lang]).click()
    page.wait_for_url("**/p/1")
    person.press("next")
    visit(page, "page 1, an error")
    page.locator("input[name=one_word]").fill("Typed")
    page.reload()
    visit(page, "page 1, answers brought back")
    while person.last_button() == "next":
        person.fill_page()
        with page.expect_navigation():
            person.press("next")
        visit(page, page.url.rsplit("/", 1)[-1])
    person.fill_page()
    sent = [page.url, page.evaluate(FIELDS)]
    person.press("send")
    page.wait_for_url("**/thanks")
    visit(page, "thank you")
    changed = [(k, "Different words" if k == "anything_else" else v) for k, v in sent[1]]
    with page.expect_navigation():
        page.evaluate(SUBMIT_AS_A_FORM, [sent[0], changed])
    expect(page.locator("html")).to_have_attribute("lang", lang)
    visit(page, "already sent, different answers")
    with live_app.app_context():
        get_survey("safe-return").status = "closed"
        db.session.commit()
        db.session.remove()
    page.goto(f"/s/safe-return/pacoima?lang={lang}")
    visit(page, "survey closed")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_axe_finds_no_violation_on_any_page(family, live_app, lang):
    axe, found, seen, contrast_checked = Axe(), {}, [], []

    def check(page, name):
        seen.append(name)
        results = axe.run(page, options={"resultTypes": ["violations"]}).response
        contrast_checked.append(any(r["id"] == "color-contrast" for r in results["passes"]))
        violations = results["violations"]
        if violations:
            found[name] = [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]

    every_page(family(lang), live_app, check)

    assert found == {}
    assert all(contrast_checked)  # WCAG 2.1 AA contrast was measured on every page
    assert len(seen) == 14  # two start pages, 7 question pages and 2 states, 3 endings


@pytest.mark.parametrize(
    ("width", "scale"), [(320, 1), (640, 2)], ids=["320px", "200% zoom of 1280px"]
)
def test_text_reflows_without_sideways_scrolling(family, live_app, width, scale):
    wide = {}

    def measure(page, name):
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            wide[name] = overflow

    person = family("es", viewport={"width": width, "height": 740}, device_scale_factor=scale)
    every_page(person, live_app, measure)

    assert wide == {}


def error_pages_and_banners(person, live_app, visit):
    """Every error page and both banner states, calling ``visit(page, name)`` on each.

    The closed survey and the conflict page are in ``every_page`` above.
    """
    page, lang = person.page, person.lang
    page.goto(f"/s/no-such-survey?lang={lang}")
    visit(page, "404 not found")
    person.start("pacoima")
    person.fill_page()
    fields = [*page.evaluate(FIELDS), ["nav", "next"]]
    stale = [(k, "an-expired-token" if k == "csrf_token" else v) for k, v in fields]
    with page.expect_navigation():
        page.evaluate(SUBMIT_AS_A_FORM, [page.url, stale])
    expect(page.locator(".notice[role=alert]")).to_be_visible()
    visit(page, "400 CSRF retry, answers kept")
    with page.expect_navigation():
        page.evaluate(SUBMIT_AS_A_FORM, [page.url, [*fields, ["one_word", "x" * 300_000]]])
    visit(page, "413 too large")

    page.goto("/s/safe-return/p/1")
    person.fill_page()
    page.context.set_offline(True)
    person.press("next")
    status = page.locator("#device-status")
    expect(status).not_to_be_empty()
    visit(page, "banner: waiting to send")
    held = []  # the next page waits, so that "Sent." stays on screen while axe reads it
    page.route(
        "**/p/2", lambda r: held.append(r) if r.request.is_navigation_request() else r.continue_()
    )
    page.context.set_offline(False)
    expect(status).to_have_text({"en": "Sent.", "es": "Enviada."}[lang])
    visit(page, "banner: sent")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    with page.expect_navigation():
        held[0].continue_()

    live_app.config["SUBMIT_RATE_LIMIT"] = "1 per day"
    for _ in range(2):
        with page.expect_navigation():
            page.evaluate(SUBMIT_AS_A_FORM, ["/s/safe-return/pacoima", []])
    visit(page, "429 too many")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_axe_finds_no_violation_on_error_pages_or_banners(family, live_app, lang):
    axe, found, seen = Axe(), {}, []

    def check(page, name):
        expect(page.locator("html")).to_have_attribute("lang", lang)
        seen.append((name, page.title()))
        violations = axe.run(page, options={"resultTypes": ["violations"]}).response["violations"]
        if violations:
            found[name] = [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]

    # The banners are the script's: the worker would hide the held page from the test.
    error_pages_and_banners(family(lang, service_workers="block"), live_app, check)

    assert found == {}
    assert len(seen) == 6
    titles = {name: title for name, title in seen}
    words = {
        "en": ("not found", "too long", "too many"),
        "es": ("no encontramos", "demasiado larga", "demasiados"),
    }[lang]
    assert words[0] in titles["404 not found"].lower()
    assert words[1] in titles["413 too large"].lower()
    assert words[2] in titles["429 too many"].lower()
