"""Every staff page in Spanish, with its errors, has no English left."""

import re

from surveys.services import accounts
from tests.conftest import PASSWORD, Auth, csrf_token
from tests.test_focus_groups import create_session, new_session_data, save_notes
from tests.test_i18n import assert_all_spanish, english_fragments


def collect(pages, name, response):
    pages.append((name, response.get_data(as_text=True)))
    return response


def test_every_staff_page_in_spanish_has_no_english(app, db, survey, make_user):
    pages = []
    anonymous = app.test_client()
    collect(pages, "login", anonymous.get("/login?lang=es"))
    html = pages[-1][1]
    collect(
        pages,
        "login error",
        anonymous.post(
            "/login",
            data={"csrf_token": csrf_token(html), "email": "x@example.org", "password": "nope"},
        ),
    )
    _user, token = accounts.create_user("nueva@example.org", "facilitator")
    db.session.commit()
    collect(pages, "set password", anonymous.get(f"/set-password/{token}"))
    collect(
        pages,
        "set password errors",
        anonymous.post(
            f"/set-password/{token}",
            data={"csrf_token": csrf_token(pages[-1][1]), "password": "corta", "confirm": "otra"},
        ),
    )
    collect(pages, "link invalid", anonymous.get("/set-password/not-a-token"))

    admin = Auth(app.test_client())
    admin.login(make_user("admin"), lang="es")
    collect(
        pages,
        "accounts",
        admin.client.post(
            "/admin/users",
            data={
                "csrf_token": admin.csrf("/admin/users"),
                "email": "otra@example.org",
                "role": "lead",
            },
        ),
    )
    collect(
        pages,
        "accounts error",
        admin.client.post(
            "/admin/users",
            data={
                "csrf_token": admin.csrf("/admin/users"),
                "email": "otra@example.org",
                "role": "lead",
            },
        ),
    )
    collect(pages, "forbidden", admin.client.get("/facilitate/"))
    collect(pages, "download log (empty)", admin.client.get("/admin/downloads"))

    facilitator = Auth(app.test_client())
    facilitator_user = make_user("facilitator")
    facilitator.login(facilitator_user, lang="es")
    collect(pages, "my focus groups (empty)", facilitator.client.get("/facilitate/"))
    collect(pages, "new focus group", facilitator.client.get("/facilitate/new"))
    collect(
        pages,
        "new focus group errors",
        facilitator.client.post(
            "/facilitate/new",
            data=new_session_data(facilitator, survey, consent=None, parents="-1", held_on="ayer"),
        ),
    )
    group_id = create_session(facilitator, survey)
    collect(pages, "notes", facilitator.client.get(f"/facilitate/{group_id}"))
    save_notes(facilitator, group_id, observations="Las familias hablaron del internet.")
    collect(pages, "notes saved", facilitator.client.get(f"/facilitate/{group_id}?saved=1"))
    collect(pages, "versions", facilitator.client.get(f"/facilitate/{group_id}/versions"))
    ended = Auth(app.test_client())  # notes sent from a browser whose session has ended
    ended.client.environ_base["REMOTE_ADDR"] = "192.0.2.30"  # its own login rate limit
    token = csrf_token(ended.client.get("/login?lang=es").get_data(as_text=True))
    typed = {"csrf_token": token, "action": "save", "observations": "Hablaron del autobús."}
    same_origin = {"Sec-Fetch-Site": "same-origin"}
    asked = ended.client.post(f"/facilitate/{group_id}", data=typed, headers=same_origin)
    collect(pages, "login keeping the notes", asked)
    carried = re.findall(r'name="(typed-[^"]+)" value="([^"]*)"', pages[-1][1])
    collect(
        pages,
        "notes restored",
        ended.client.post(
            re.search(r'action="([^"]+)"', pages[-1][1]).group(1).replace("&amp;", "&"),
            data=dict(carried)
            | {"csrf_token": token, "email": facilitator_user.email, "password": PASSWORD},
            headers=same_origin,
        ),
    )
    assert "Hablaron del autobús." in pages[-1][1] and "Guardar borrador" in pages[-1][1]
    collect(pages, "version", facilitator.client.get(f"/facilitate/{group_id}/versions/1"))
    collect(
        pages, "co-facilitators", facilitator.client.get(f"/facilitate/{group_id}/facilitators")
    )
    save_notes(facilitator, group_id, action="finalize", observations="Final.")
    collect(pages, "finalized", facilitator.client.get(f"/facilitate/{group_id}"))
    collect(pages, "my focus groups", facilitator.client.get("/facilitate/"))

    lead = Auth(app.test_client())
    lead.login(make_user("lead"), lang="es")
    collect(pages, "leads list", lead.client.get("/leads/focus-groups"))
    collect(pages, "leads list bad filter", lead.client.get("/leads/focus-groups?start=mañana"))
    collect(pages, "leads focus group", lead.client.get(f"/leads/focus-groups/{group_id}"))
    collect(pages, "dashboard", lead.client.get(f"/leads/surveys/{survey.slug}/dashboard"))
    lead.client.get(f"/leads/surveys/{survey.slug}/downloads/report.json?role=student")
    collect(pages, "download log", admin.client.get("/admin/downloads"))
    guide_url = f"/leads/surveys/{survey.slug}/guide"
    collect(pages, "guide", lead.client.get(guide_url))
    html = pages[-1][1]
    first_key = re.search(r'name="prompts-0-key"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="prompts-0-key"', html
    )
    collect(
        pages,
        "guide error",
        lead.client.post(
            guide_url,
            data={
                "csrf_token": csrf_token(html),
                "prompts-0-key": first_key.group(1),
                "prompts-0-position": "1",
                "prompts-0-en": "Only English",
                "prompts-0-es": "",
            },
        ),
    )
    assert pages[-1][0] == "guide error" and "prompts-0" in pages[-1][1]

    for _ in range(6):
        last = anonymous.post(
            "/login",
            data={
                "csrf_token": csrf_token(pages[0][1]),
                "email": "x@example.org",
                "password": "nope",
            },
        )
    assert last.status_code == 429
    collect(pages, "too many tries", last)

    fragments = english_fragments(survey.current.definition)
    assert len(pages) >= 24
    for name, html in pages:
        assert_all_spanish(html, fragments, name)
