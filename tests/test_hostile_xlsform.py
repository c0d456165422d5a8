"""Random and hostile XLSForm files are read or refused clearly, never a crash (hypothesis)."""

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.xlsform.importer import XLSFormError, read_xlsform

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


def _read_or_refuse(name, content):
    try:
        data = read_xlsform(name, content)
    except XLSFormError as error:
        assert error.problems and all(str(p) for p in error.problems)
    else:
        assert data["sections"]


@settings(max_examples=200, deadline=None)
@given(csv_forms())
def test_random_csv_xlsforms_are_imported_or_refused(content):
    _read_or_refuse("random.csv", content)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["x.xlsx", "x.xls", "x.csv"]))
def test_random_bytes_are_refused_clearly(content, name):
    _read_or_refuse(name, content)
