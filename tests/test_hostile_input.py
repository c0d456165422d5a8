"""Random and hostile input never makes Voces fail or store what it refused (hypothesis)."""

import copy
import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.definition import DefinitionError, parse_text
from surveys.models import Response

HOSTILE = st.sampled_from(
    [
        "",
        "\x00",
        "\r\n\r\n",
        '=HYPERLINK("http://x")',
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "../../etc/passwd",
        "%s%s%n",
        "\ud7ff\ufffe",
        "9" * 400,
        "-1e309",
        "NaN",
        "x" * 6000,
    ]
)
TEXT = st.one_of(HOSTILE, st.text(max_size=300))
# Unit tests of Flask fixtures reuse one app across examples: that is intended.
FIXTURES_OK = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
OK_STATUSES = {200, 302, 303, 400, 404, 409, 410, 413, 422, 429}


def _field_names(survey):
    names = ["csrf_token", "submission_token", "community", "nav", "lang"]
    for section in survey.current.definition["sections"]:
        for question in section["questions"]:
            names += [question["key"], question["key"] + "__other"]
    return names


@pytest.fixture
def family(app, survey, respondent):
    app.config["SUBMIT_RATE_LIMIT"] = "100000 per minute"
    walker = respondent()
    walker.start(community="pacoima", lang="es")
    return walker


@FIXTURES_OK
@given(data=st.data())
def test_random_posts_to_survey_pages_never_fail(db, survey, family, data):
    names = _field_names(survey)
    form = data.draw(
        st.dictionaries(
            st.one_of(st.sampled_from(names), st.text(max_size=20)),
            st.lists(TEXT, min_size=1, max_size=3),
            max_size=12,
        )
    )
    if data.draw(st.booleans()):  # a real token half the time, so validation runs
        form.update({k: [v] for k, v in family.form_fields().items() if k not in form})
    page = data.draw(
        st.sampled_from(
            ["/s/safe-return", "/s/safe-return/pacoima"]
            + [f"/s/safe-return/p/{n}" for n in (0, 1, 2, 5, 99)]
        )
    )
    before = db.session.scalar(db.select(db.func.count(Response.id)))

    response = family.client.post(page, data=form)

    assert response.status_code in OK_STATUSES, response.status_code
    assert db.session.scalar(db.select(db.func.count(Response.id))) == before


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(JSON_VALUES)
def test_any_data_is_a_valid_survey_or_a_list_of_problems(value):
    try:
        parse_text(json.dumps(value))
    except DefinitionError as error:
        assert error.problems and all(str(p) for p in error.problems)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=5), value=JSON_VALUES
)
def test_a_damaged_bundled_survey_is_refused_clearly(bundled_definition, path, value):
    damaged = copy.deepcopy(bundled_definition)
    node = damaged
    for step in path:  # walk down to some node and replace it
        children = list(node) if isinstance(node, (dict, list)) else []
        if not children:
            break
        key = children[step % len(children)] if isinstance(node, dict) else step % len(node)
        if not isinstance(node[key], (dict, list)) or step == path[-1]:
            node[key] = value
            break
        node = node[key]
    try:
        parse_text(yaml.safe_dump(damaged, allow_unicode=True))
    except DefinitionError as error:
        assert error.problems


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_any_text_file_is_read_or_refused_clearly(text):
    try:
        parse_text(text)
    except DefinitionError as error:
        assert error.problems
