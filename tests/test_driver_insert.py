"""DriverInsert: many rows in one driver call, typed as their columns say, on either engine."""

from datetime import date

import pytest
from sqlalchemy import JSON, Boolean, Column, Date, Integer, MetaData, Table, Text, select

from surveys.services.driver_insert import ROWS_PER_STATEMENT, DriverInsert

metadata = MetaData()
rows_table = Table(
    "driver_insert_rows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("value", JSON),
    Column("day", Date),
    Column("note", Text),
    Column("flag", Boolean, default=False),
)
COLUMNS = ["value", "day", "note", "flag"]


@pytest.fixture
def table(db):
    metadata.create_all(db.engine)
    yield rows_table
    db.session.rollback()
    metadata.drop_all(db.engine)


def test_rows_keep_their_types(db, table):
    rows = [
        {"value": ["testing", "masks"], "day": date(2026, 9, 1), "note": None, "flag": True},
        {"value": 2, "day": date(2026, 9, 2), "note": "dos", "flag": False},
        {"value": "Necesitamos «internet»", "day": date(2026, 9, 3), "note": "", "flag": False},
        {"value": {"nested": [1, "a"]}, "day": date(2026, 9, 4), "note": "x", "flag": True},
    ]
    DriverInsert(table, COLUMNS).execute(db.session.connection(), rows)
    db.session.commit()

    stored = db.session.execute(select(*[table.c[name] for name in COLUMNS]).order_by(table.c.id))
    assert [dict(row._mapping) for row in stored] == rows


def test_no_rows_is_nothing_to_do(db, table):
    DriverInsert(table, COLUMNS).execute(db.session.connection(), [])
    assert db.session.scalar(select(table.c.id)) is None


def test_a_column_left_to_its_default_is_refused(db, table):
    """The default would not be applied on the driver: the caller must give every value."""
    partial = DriverInsert(table, ["value", "day", "note"])
    with pytest.raises(ValueError, match="flag"):
        partial.execute(db.session.connection(), [{"value": 1, "day": None, "note": None}])


def test_many_rows_go_in_several_statements_and_all_arrive(db, table):
    """A survey with hundreds of answers stays under every engine's parameter limit."""
    rows = [
        {
            "value": [f"answer {n}"],
            "day": date(2026, 9, 1 + n % 28),
            "note": str(n),
            "flag": n % 2 == 0,
        }
        for n in range(2 * ROWS_PER_STATEMENT + 7)
    ]
    DriverInsert(table, COLUMNS).execute(db.session.connection(), rows)
    db.session.commit()

    stored = db.session.execute(select(*[table.c[name] for name in COLUMNS]).order_by(table.c.id))
    assert [dict(row._mapping) for row in stored] == rows
