"""The last page under load: few statements, forms made once, the right words in each language."""

from sqlalchemy import event

from surveys.definition import Definition
from surveys.forms import build_page_form
from surveys.models import Answer, Draft, Response
from tests.test_submission import last_page_post


def test_the_last_page_is_stored_in_few_statements(app, db, client, survey, respondent):
    """Draft with its survey and version, the response, every answer at once, the draft gone.

    PostgreSQL does the three writes in one statement (each round trip costs more than its rows).
    """
    url, last = last_page_post(respondent(), "es", "Necesitamos internet")
    statements = []
    engine = db.engine
    listener = lambda *args: statements.append(args[2].split()[0])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        sent = client.post(url, data=last)
    finally:
        event.remove(engine, "before_cursor_execute", listener)

    assert sent.status_code == 302 and sent.headers["Location"] == "/s/safe-return/thanks"
    writes = ["WITH"] if db.engine.dialect.name == "postgresql" else ["INSERT", "INSERT", "DELETE"]
    assert statements == ["SELECT", *writes]
    db.session.expire_all()
    response = db.session.scalars(db.select(Response)).one()
    assert db.session.scalar(db.select(db.func.count(Draft.id))) == 0
    answers = {a.question_key: a for a in db.session.scalars(db.select(Answer))}
    assert len(answers) > 10 and answers["need_to_feel_safe"].value == "Necesitamos internet"
    assert response.role == "parent_guardian"


def test_a_page_form_is_made_once_per_page_and_language(app, survey):
    definition = Definition(survey.current.definition)
    yes_no = next(q for q in definition.questions if q.type == "yes_no")
    page = yes_no.section_index
    with app.app_context(), app.test_request_context("/?lang=en"):  # a g of its own
        english = build_page_form(definition, page, "en", {})
        again = build_page_form(Definition(survey.current.definition), page, "en", {})
    with app.app_context(), app.test_request_context("/?lang=es"):
        spanish = build_page_form(definition, page, "es", {})

    assert type(english) is type(again)  # an equal page, even from another Definition
    assert type(spanish) is not type(english)
    assert [c.label for c in english[yes_no.key].choices] == ["Yes", "No"]
    assert [c.label for c in spanish[yes_no.key].choices] == ["Sí", "No"]


def test_a_changed_page_gets_a_form_of_its_own(app, survey):
    data = survey.current.definition
    first = data["sections"][1]["questions"][0]
    changed = {
        **data,
        "sections": [
            *data["sections"][:1],
            {
                **data["sections"][1],
                "questions": [{**first, "required": not first.get("required")}],
            },
            *data["sections"][2:],
        ],
    }
    with app.app_context(), app.test_request_context("/?lang=en"):  # a g of its own
        before = build_page_form(Definition(data), 1, "en", {})
        after = build_page_form(Definition(changed), 1, "en", {})

    assert type(before) is not type(after)
    assert bool(before[first["key"]].flags.required) != bool(after[first["key"]].flags.required)
