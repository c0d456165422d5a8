"""JSON text written with orjson reads back exactly as the standard library wrote it."""

import json
from datetime import date

import pytest
from sqlalchemy import JSON, Column, Integer, MetaData, Table, select

from surveys import json_text

metadata = MetaData()
values_table = Table(
    "json_text_values", metadata, Column("id", Integer, primary_key=True), Column("value", JSON)
)

SAMPLES = [
    ["testing", "masks"],
    "Necesitamos «internet» y más maestros 📚",
    3,
    2.5,
    None,
    {"0": {"version": 1, "values": {"need": ["a\nb"]}, "answers": {"need": ["a\nb", None]}}},
    # What orjson would not write as json.dumps does: handed over to it. (In a
    # list: SQLite's JSON column has numeric affinity, and keeps a bare number
    # past 64 bits as a float whoever wrote it.)
    [123456789012345678901234567890],
    {1: "a key that is not a string"},
]


@pytest.mark.parametrize("value", SAMPLES)
def test_text_reads_back_as_the_standard_library_wrote_it(value):
    assert json.loads(json_text.dumps(value)) == json.loads(json.dumps(value))


@pytest.mark.parametrize("value", [date(2026, 9, 1), {1j}, object()])
def test_what_json_refuses_is_still_refused(value):
    with pytest.raises(TypeError):
        json_text.dumps(value)


def test_json_columns_keep_every_value_exactly_on_either_engine(db):
    metadata.create_all(db.engine)
    try:
        db.session.execute(values_table.insert(), [{"value": value} for value in SAMPLES])
        db.session.commit()
        stored = db.session.scalars(select(values_table.c.value).order_by(values_table.c.id))
        assert list(stored) == [json.loads(json.dumps(value)) for value in SAMPLES]
    finally:
        db.session.rollback()
        metadata.drop_all(db.engine)
