"""Random and hostile input through the HTTP endpoints: clear refusals, nothing stored.

Three doors take input from outside: the survey pages families post, and
the leads' upload of a survey definition (YAML or JSON) or an XLSForm. For
each, hypothesis makes the examples, every one is posted as a browser would,
and the test counts the rows before and after. A refused request (400, 404, 409, 413, 422, 429)
must leave every count as it was; an accepted one is a redirect; a 500 or a
crash fails. ``--hypothesis-show-statistics`` prints the statuses seen.
"""

import copy
import json
from io import BytesIO

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from surveys.models import Answer, Community, Draft, Response, Survey, SurveyVersion
from tests.conftest import Respondent

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
# The Flask fixtures are shared by the examples of one test: that is intended.
SHARED_APP = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
REFUSED = {400, 404, 409, 413, 422, 429}
ACCEPTED = {302, 303}
PAGES = ["/s/safe-return", "/s/safe-return/pacoima"] + [
    f"/s/safe-return/p/{n}" for n in (0, 1, 2, 5, 7, 99)
]


def _field_names(survey):
    names = ["csrf_token", "submission_token", "community", "nav", "lang"]
    for section in survey.current.definition["sections"]:
        for question in section["questions"]:
            names += [question["key"], question["key"] + "__other"]
    return names


def _stored(db, *models):
    """Row counts, and every draft's answers: what a refused request must not change."""
    counts = tuple(db.session.scalar(db.select(db.func.count(m.id))) for m in models)
    db.session.expire_all()
    drafts = {d.id: (d.values, d.submission_hash) for d in db.session.scalars(db.select(Draft))}
    return counts, drafts


def _judge(status, before, after):
    """The one rule for every door: refused and unchanged, or accepted; never a failure."""
    event(f"status {status}")
    assert status in REFUSED | ACCEPTED | {200}, status
    if status not in ACCEPTED:
        # A refusal, or the start page shown again (200): nothing stored.
        assert after == before, status


@pytest.fixture
def family(app, survey, respondent):
    app.config["SUBMIT_RATE_LIMIT"] = "100000 per minute"
    walker = respondent()
    walker.start(community="pacoima", lang="es")
    return walker


@pytest.fixture
def stranger(app):
    """A browser with no session: no cookie, no draft, no CSRF token."""
    return Respondent(app.test_client(), "safe-return")


@settings(max_examples=200, deadline=None, suppress_health_check=SHARED_APP)
@given(data=st.data())
def test_random_posts_to_survey_pages_are_refused_or_accepted_never_half_stored(
    db, survey, family, stranger, data
):
    names = _field_names(survey)
    form = data.draw(
        st.dictionaries(
            st.one_of(st.sampled_from(names), st.text(max_size=20)),
            st.lists(TEXT, min_size=1, max_size=3),
            max_size=12,
        )
    )
    if data.draw(st.booleans()):  # real tokens half the time, so validation runs
        form.update({k: [v] for k, v in family.form_fields().items() if k not in form})
    who = data.draw(st.sampled_from([family, stranger]))
    page = data.draw(st.sampled_from(PAGES))
    before = _stored(db, Draft, Response, Answer)

    response = who.client.post(page, data=form)

    _judge(response.status_code, before, _stored(db, Draft, Response, Answer))


BODIES = st.one_of(
    st.binary(max_size=600),
    st.text(max_size=300).map(str.encode),
    st.just(b"one_word=" + b"x" * (300 * 1024)),  # past the request size limit
    st.just(b'--b\r\nContent-Disposition: form-data; name="one_word"\r\n\r\nx'),  # cut short
)
CONTENT_TYPES = st.sampled_from(
    [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=b",
        "multipart/form-data",
        "text/plain",
        "application/json",
        "application/x-www-form-urlencoded; charset=utf-16",
    ]
)


@settings(max_examples=100, deadline=None, suppress_health_check=SHARED_APP)
@given(body=BODIES, content_type=CONTENT_TYPES, page=st.sampled_from(PAGES))
# JSON that is not an object once made Flask-WTF fail while building the form.
@example(body=b"Infinity", content_type="application/json", page=PAGES[0])
@example(body=b"[1, 2]", content_type="application/json", page=PAGES[-1])
@example(body=b'{"one_word": {"x": 1}}', content_type="application/json", page=PAGES[-1])
def test_malformed_bodies_are_refused_and_store_nothing(db, family, body, content_type, page):
    before = _stored(db, Draft, Response, Answer)

    response = family.client.post(page, data=body, content_type=content_type)

    assert response.status_code not in ACCEPTED  # no CSRF token: nothing can be accepted
    _judge(response.status_code, before, _stored(db, Draft, Response, Answer))


# The leads' upload: a definition file (the loader) or an XLSForm (the importer).


class Uploads:
    """A logged-in lead uploading files on the surveys page, as the browser form does."""

    def __init__(self, lead_client, db):
        self.client, self.db = lead_client.client, db
        self.csrf = lead_client.csrf("/leads/surveys")

    def send(self, name, content):
        """Upload and judge: a refusal names the problems and stores no survey."""
        before = _stored(self.db, Survey, SurveyVersion, Community)
        response = self.client.post(
            "/leads/surveys/import",
            data={"csrf_token": self.csrf, "file": (BytesIO(content), name)},
            content_type="multipart/form-data",
        )
        status = response.status_code
        after = _stored(self.db, Survey, SurveyVersion, Community)
        _judge(status, before, after)
        if status in ACCEPTED:
            assert after[0][0] == before[0][0] + 1  # one new draft survey, nothing else
            assert after[0][1:] == before[0][1:]
        else:
            assert status == 422, status
            soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
            summary = soup.find(class_="error-summary")
            assert summary is not None and summary.find("li"), "no problem named"
        return status


@pytest.fixture
def uploads(lead_client, db):
    return Uploads(lead_client, db)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=SHARED_APP)
@given(value=JSON_VALUES, name=st.sampled_from(["survey.json", "survey.yaml"]))
def test_any_data_uploaded_is_a_survey_or_a_list_of_problems(uploads, value, name):
    uploads.send(name, json.dumps(value).encode())


def _damage(definition, path, value):
    """Walk down ``path`` to some node of the definition and replace it with ``value``."""
    damaged = copy.deepcopy(definition)
    node = damaged
    for step in path:
        children = list(node) if isinstance(node, (dict, list)) else []
        if not children:
            break
        key = children[step % len(children)] if isinstance(node, dict) else step % len(node)
        if not isinstance(node[key], (dict, list)) or step == path[-1]:
            node[key] = value
            break
        node = node[key]
    return damaged


@settings(max_examples=100, deadline=None, suppress_health_check=SHARED_APP)
@given(
    path=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=5), value=JSON_VALUES
)
def test_a_damaged_survey_upload_is_refused_clearly(uploads, bundled_definition, path, value):
    damaged = _damage(bundled_definition, path, value)

    uploads.send("damaged.yaml", yaml.safe_dump(damaged, allow_unicode=True).encode())


@settings(max_examples=100, deadline=None, suppress_health_check=SHARED_APP)
@given(text=st.text(max_size=400), name=st.sampled_from(["x.yaml", "x.yml", "x.json"]))
def test_any_text_file_uploaded_is_read_or_refused_clearly(uploads, text, name):
    uploads.send(name, text.encode("utf-8", "surrogatepass"))
