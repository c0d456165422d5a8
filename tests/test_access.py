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


def url_for_rule(rule):
    """A URL for the rule with placeholder ids: access is checked before any lookup."""
    values = {
        name: 1 if isinstance(conv, IntegerConverter) else "x"
        for name, conv in rule._converters.items()
    }
    return rule.build(values)[1]


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


def test_public_endpoints_are_only_the_expected_ones(app):
    public = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint in PUBLIC_ENDPOINTS
    }
    assert public == PUBLIC_ENDPOINTS
