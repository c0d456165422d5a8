"""The last page's writes: a response, its answers and the draft's deletion.

On SQLite, three plain statements (the answers in one). On PostgreSQL, one
statement does all three with data-modifying ``WITH`` clauses: every round
trip to the server cost the worker and the server more than the rows it
carried (docs/benchmarks.md, "Load and faults"). Either way it is one
transaction's work, and a second copy of the same submission stops on the
unique submission token.
"""

from sqlalchemy import bindparam, column, select, true, values

from ..models import Answer, Draft, Response
from .driver_insert import DriverInsert

responses, answers, drafts = Response.__table__, Answer.__table__, Draft.__table__
ANSWER_COLUMNS = ("question_key", "value", "other_text")

# Built once: a statement made per request costs more than the query it runs.
_INSERT_RESPONSE = responses.insert().returning(responses.c.id)
_INSERT_ANSWERS = DriverInsert(answers, ["response_id", *ANSWER_COLUMNS])
_DELETE_DRAFT = drafts.delete().where(drafts.c.id == bindparam("draft_id"))


def send(connection, response, given, draft_id):
    """Store ``response`` (its columns) with its ``given`` answers, delete the draft; the id."""
    dialect = connection.dialect
    if dialect.name == "postgresql":
        params = {"draft_id": draft_id, "is_demo": False, **response}
        for number, answer in enumerate(given):
            params.update({f"{name}_{number}": answer[name] for name in ANSWER_COLUMNS})
        sql, processors = _in_one_statement(len(given), dialect)
        bound = {
            name: process(params[name]) if process else params[name] for name, process in processors
        }
        return connection.exec_driver_sql(sql, bound).scalar_one()
    response_id = connection.execute(_INSERT_RESPONSE, response).scalar_one()
    rows = [{**answer, "response_id": response_id} for answer in given]
    _INSERT_ANSWERS.execute(connection, rows)
    connection.execute(_DELETE_DRAFT, {"draft_id": draft_id})
    return response_id


_COMPILED = {}  # (driver, answers) -> what _in_one_statement returns


def _in_one_statement(count, dialect):
    """PostgreSQL: the three writes for ``count`` answers, compiled once per count.

    ``(sql, ((name, bind processor), ...))``, run on the driver: SQLAlchemy
    keeps no compiled form of a statement with a VALUES list, and compiled it
    again on every submission.
    """
    key = (dialect.driver, count)
    if key not in _COMPILED:
        compiled = _writes(count).compile(dialect=dialect)
        processors = tuple(
            (name, bind.type.dialect_impl(dialect).bind_processor(dialect))
            for name, bind in compiled.binds.items()
        )
        _COMPILED[key] = compiled.string, processors
    return _COMPILED[key]


def _writes(count):
    sent = (
        responses.insert()
        .values({c.name: bindparam(c.name) for c in responses.c if c.name != "id"})
        .returning(responses.c.id)
        .cte("sent")
    )
    statement = select(sent.c.id).add_cte(_DELETE_DRAFT.cte("gone"))
    if not count:
        return statement
    given = values(
        *[column(name, answers.c[name].type) for name in ANSWER_COLUMNS], name="given"
    ).data(
        [
            tuple(bindparam(f"{name}_{n}", type_=answers.c[name].type) for name in ANSWER_COLUMNS)
            for n in range(count)
        ]
    )
    # Every answer row pairs with the one new response: a join on true, not a forgotten condition.
    rows = select(sent.c.id, *[given.c[n] for n in ANSWER_COLUMNS]).select_from(
        sent.join(given, true())
    )
    kept = answers.insert().from_select(["response_id", *ANSWER_COLUMNS], rows)
    return statement.add_cte(kept.cte("kept"))
