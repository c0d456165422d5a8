"""The session cookie's JSON, written with orjson, reads back as the standard library's."""

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys import json_text

SAMPLES = [
    ["testing", "masks"],
    "Necesitamos «internet» y más maestros 📚",
    3,
    2.5,
    None,
    {"0": {"version": 1, "values": {"need": ["a\nb"]}, "answers": {"need": ["a\nb", None]}}},
    # What orjson would not write as json.dumps does: handed over to it.
    123456789012345678901234567890,
    {1: "a key that is not a string"},
]


@pytest.mark.parametrize("value", SAMPLES)
def test_text_reads_back_as_the_standard_library_wrote_it(value):
    assert json.loads(json_text.dumps(value)) == json.loads(json.dumps(value))


@pytest.mark.parametrize("value", [date(2026, 9, 1), {1j}, object()])
def test_what_json_refuses_is_still_refused(value):
    with pytest.raises(TypeError):
        json_text.dumps(value)


answers = st.one_of(
    st.text(),
    st.integers(),
    st.lists(st.text()),
    st.lists(st.one_of(st.text(), st.integers(), st.none(), st.booleans(), st.floats())),
    st.booleans(),
    st.none(),
    st.dictionaries(st.text(), st.lists(st.text())),
)


@settings(max_examples=300)
@given(answers)
def test_the_database_text_is_exactly_json_dumps(value):
    """JSON columns keep json.dumps's text: a CHECK constraint compares it."""
    assert json_text.standard(value) == json.dumps(value)


def test_a_focus_groups_languages_are_written_as_the_check_expects():
    assert json_text.standard(["en", "es"]) == '["en", "es"]'
