"""Random and hostile XLSForm files, uploaded by a lead: imported, or refused clearly
with nothing stored; never a crash (hypothesis, through the HTTP endpoint).
"""

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_hostile_input import SHARED_APP, Uploads

CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "text",
            "integer",
            "decimal",
            "select_one yn",
            "select_multiple yn",
            "note",
            "begin group",
            "end group",
            "begin repeat",
            "calculate",
            "geopoint",
            "yn",
            "yes",
            "${q1} = 'yes'",
            "selected(${q1}, 'yes')",
            ". >= 0 and . <= 10",
            "pulldata('x')",
            '=HYPERLINK("x")',
            "\x00",
            "q1",
            "q2",
            "true",
            "label::English (en)",
        ]
    ),
    st.text(max_size=40),
)
HEADERS = st.lists(
    st.sampled_from(
        [
            "type",
            "name",
            "label",
            "label::English (en)",
            "label::Español (es)",
            "hint",
            "required",
            "relevant",
            "constraint",
            "list_name",
            "form_title",
            "default_language",
            "choice_filter",
            "media::image",
            "repeat_count",
        ]
    ),
    min_size=1,
    max_size=6,
    unique=True,
)


@st.composite
def csv_forms(draw):
    """pyxform's CSV layout: a sheet name in the first column, then its rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    for sheet in draw(
        st.lists(
            st.sampled_from(["survey", "choices", "settings", "extra"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    ):
        headers = draw(HEADERS)
        writer.writerow([sheet, *headers])
        for _ in range(draw(st.integers(0, 6))):
            writer.writerow(
                ["", *draw(st.lists(CELLS, min_size=len(headers), max_size=len(headers)))]
            )
    return out.getvalue().encode()


@pytest.fixture
def uploads(lead_client, db):
    return Uploads(lead_client, db)


@settings(max_examples=150, deadline=None, suppress_health_check=SHARED_APP)
@given(content=csv_forms())
def test_random_csv_xlsforms_are_imported_or_refused(uploads, content):
    uploads.send("random.csv", content)


@settings(max_examples=60, deadline=None, suppress_health_check=SHARED_APP)
@given(content=st.binary(max_size=2000), name=st.sampled_from(["x.xlsx", "x.xls", "x.csv"]))
def test_random_bytes_are_refused_clearly(uploads, content, name):
    uploads.send(name, content)
