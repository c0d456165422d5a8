"""Every route is classified: public, or refused to anonymous users and to the wrong role."""

import pytest
from werkzeug.routing import IntegerConverter

from surveys.auth.access import PUBLIC_ENDPOINTS, STAFF_MARK
from surveys.models import ROLES
from tests.conftest import Auth, csrf_token


def staff_routes(app):
    """(rule, roles) for every endpoint that is not public."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        view = app.view_functions[rule.endpoint]
        routes.append((rule, getattr(view, STAFF_MARK, None)))
    return routes


def url_for_rule(rule, text="x"):
    """A URL for the rule with placeholder ids: access is checked before any lookup."""
    values = {
        name: 1 if isinstance(conv, IntegerConverter) else text
        for name, conv in rule._converters.items()
    }
    return rule.build(values)[1]


def sent_to_login(response):
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def methods(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_every_endpoint_is_public_or_protected(app):
    unclassified = [rule.endpoint for rule, roles in staff_routes(app) if not roles]
    assert unclassified == [], f"neither public nor protected: {unclassified}"
    assert len(staff_routes(app)) >= 5


def test_anonymous_visitors_are_sent_to_login(app, client):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    for rule, _roles in staff_routes(app):
        url = url_for_rule(rule)
        for method in methods(rule):
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 302, (method, url, response.status_code)
            assert response.headers["Location"].startswith("/login"), (method, url)


@pytest.mark.parametrize("role", ROLES)
def test_the_wrong_role_gets_403(app, make_user, role):
    client = app.test_client()
    auth = Auth(client)
    auth.login(make_user(role))
    token = csrf_token(client.get("/staff", follow_redirects=True).get_data(as_text=True))
    refused = 0
    for rule, roles in staff_routes(app):
        if role in roles:
            continue
        url = url_for_rule(rule)
        for method in methods(rule):
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 403, (role, method, url, response.status_code)
            refused += 1
    assert refused > 0


# Written out here, so that a change to PUBLIC_ENDPOINTS needs a change to this test too.
EXPECTED_PUBLIC = {
    "respond.start",
    "respond.page",
    "respond.thanks",
    "respond.worker",
    "auth.login",
    "auth.set_password",
    "static",
}


def test_public_endpoints_are_only_the_expected_ones(app, client, survey):
    """Every endpoint an anonymous visitor reaches, by any method, is on the public list."""
    token = csrf_token(client.get("/login").get_data(as_text=True))
    reachable = set()
    for rule in app.url_map.iter_rules():
        url = url_for_rule(rule, text=survey.slug)
        for method in methods(rule):
            response = client.open(url, method=method, data={"csrf_token": token})
            if not sent_to_login(response):
                reachable.add(rule.endpoint)
            response.close()  # static files and the service worker are streamed

    assert reachable == EXPECTED_PUBLIC
    assert PUBLIC_ENDPOINTS == EXPECTED_PUBLIC


def test_an_anonymous_notes_post_from_voces_gets_the_login_form(app, client):
    """The one exception to the redirect: typed notes are kept in the login page (resume.py)."""
    token = csrf_token(client.get("/login").get_data(as_text=True))

    page = client.post(
        "/facilitate/1",
        data={"csrf_token": token, "observations": "Typed"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )

    assert page.status_code == 401
    assert 'action="/login?next=' in page.get_data(as_text=True)
    assert 'name="password"' in page.get_data(as_text=True)
