"""A facilitator typing notes in a real browser: typing keeps the session alive."""

from datetime import date

import pytest

from surveys.extensions import db
from surveys.models import Survey
from surveys.services import accounts, focus_groups

PASSWORD = "correct horse battery staple"


@pytest.fixture
def notes_url(live_app):
    """A facilitator with one focus group; returns (email, the notes page's path)."""
    with live_app.app_context():
        user, token = accounts.create_user("facilitator@example.org", "facilitator")
        accounts.set_password(accounts.find_password_link(token), PASSWORD)
        survey = db.session.scalars(db.select(Survey).filter_by(slug="safe-return")).one()
        group = focus_groups.create_focus_group(
            survey,
            user,
            community=None,
            held_on=date(2021, 8, 14),
            setting="in_person",
            languages=["en"],
            counts={"parents": 4},
            consent_confirmed=True,
        )
        db.session.commit()
        path = f"/facilitate/{group.id}"
        db.session.remove()
    return "facilitator@example.org", path


def test_typing_sends_a_keep_alive_that_renews_the_form_token(browser, base_url, notes_url):
    from playwright.sync_api import expect

    email, path = notes_url
    context = browser.new_context(base_url=base_url, viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.clock.install()  # the script's once-a-minute pace, without waiting a minute
    page.goto(f"/login?next={path}")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Focus group notes")
    token = page.locator("form[data-warn-unsaved] input[name=csrf_token]")
    notes = page.locator("textarea[name=observations]")
    sent = []
    page.on(
        "request", lambda request: sent.append(request.url) if "keep-alive" in request.url else 0
    )

    notes.press_sequentially("Within the first minute: no request.")
    assert sent == []
    page.clock.fast_forward("01:05")
    with page.expect_response("**/staff/keep-alive") as answer:
        notes.press_sequentially(" Still typing.")

    assert answer.value.ok and len(sent) == 1
    expect(token).to_have_value(answer.value.json()["csrf_token"])
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Saved as version 1")
    context.close()
