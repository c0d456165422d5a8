"""XLSForm import and export, over pyxform's example workbooks and our own surveys.

The examples live in ../shared/data/xlsform-examples (from the pyxform
project); they are read in place, never copied into this repository.
"""

import copy
import random
from pathlib import Path

import openpyxl
import pytest

from surveys.models import Community, Survey, SurveyVersion
from surveys.xlsform import XLSFormError, read_xlsform
from surveys.xlsform.exporter import write_xlsform

EXAMPLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "xlsform-examples"
NOT_FORMS = {"README.md", "LICENSE.pyxform"}


def example_files():
    if not EXAMPLES.is_dir():
        return []
    return sorted(p.name for p in EXAMPLES.iterdir() if p.name not in NOT_FORMS)


needs_examples = pytest.mark.skipif(
    not EXAMPLES.is_dir(), reason=f"the XLSForm examples are not at {EXAMPLES}"
)

# What each example must give: the questions it imports as, or the words the
# refusal must contain (the sheet, row, column and the unsupported feature).
IMPORTED = {
    "allow_comment_rows_test": [("farmer_name", "short_text")],
    "choice_name_same_as_select_name": [("zone", "single_choice")],
    "extra_columns": [("a", "short_text")],
    "extra_sheet_names": [("test", "short_text")],
    "style_settings": [("your_name", "short_text"), ("your_age", "number")],
    "text_and_integer": [("your_name", "short_text"), ("your_age", "number")],
    "utf_csv": [("burger_toppings", "short_text")],
    "yes_or_no_question": [("good_day", "single_choice")],
}
REFUSED = {
    "attribute_columns_test": "sheet survey, row 15, column type: repeats are not supported",
    "bad_calc": "sheet survey, row 2, column type: calculations are not supported",
    "calculate": "column type: calculations are not supported",
    "cascading_select_test_equivalent": "column calculation: calculations are not supported",
    "case_insensitivity": "sheet external_choices: the external_choices sheet is not supported",
    "choice_filter_test": "column choice_filter: choice filters (cascading selects) are not",
    "choice_name_as_type": "choices from an external file are not supported",
    "default_time_demo": "row 2, column type: dates and times are not supported (type 'time')",
    "field-list": "column label::chinese: this column's language is neither English nor Spanish",
    "flat_xlsform_test": "row 34, column type: location (geo) questions are not supported",
    "fruits": "an XLSForm needs a sheet named survey",
    "gps": "sheet survey, row 2, column type: location (geo) questions are not supported",
    "group": "sheet survey, row 4, column type: the question type 'phone number' is not",
    "hidden": "row 2, column type: the question type 'hidden' is not supported",
    "include": "row 3, column type: the question type 'include' is not supported",
    "include_json": "row 2, column type: the question type 'include' is not supported",
    "loop": "row 3, column type: repeats are not supported (type 'begin loop over toilet_type')",
    "or_other": "row 2, column type: 'or other' is supported on select_multiple questions only",
    "pull_data": "column calculation: pulldata() is not supported",
    "repeat_date_test": "row 4, column type: repeats are not supported (type 'begin repeat')",
    "simple_loop": "row 2, column type: repeats are not supported",
    "sms_info": "row 9, column type: media are not supported (type 'image')",
    "specify_other": "'or other' is supported on select_multiple questions only",
    "survey_no_name": "an XLSForm needs a sheet named survey",
    "table-list": "sheet choices, row 23, column image: media are not supported",
    "unknown_question_type": "row 52, column type: the question type 'unknown' is not supported",
    "widgets": "row 5, column type: dates and times are not supported (type 'date')",
    "xml_escaping": "row 2, column type: calculations are not supported (type 'calculate')",
}
CASE_NOTES = {"case_insensitivity.md", "group.md"}  # pyxform's markdown copies


def survey_count(db):
    return db.session.scalar(db.select(db.func.count(Survey.id)))


@needs_examples
def test_every_example_is_known():
    stems = {Path(name).stem for name in example_files()}
    assert stems == set(IMPORTED) | set(REFUSED)


@needs_examples
@pytest.mark.parametrize("name", example_files())
def test_example_imports_or_is_refused_by_name_and_leaves_nothing(name, runner, db):
    stem = Path(name).stem
    result = runner.invoke(args=["surveys", "import", str(EXAMPLES / name)])

    assert result.exception is None or isinstance(result.exception, SystemExit)
    if stem in IMPORTED:
        assert result.exit_code == 0, result.output
        survey = db.session.scalars(db.select(Survey)).one()
        assert result.output.strip() == survey.slug
        assert survey.status == "draft" and survey.versions == []
        questions = [
            (q["key"], q["type"]) for s in survey.draft["sections"] for q in s["questions"]
        ]
        assert questions == IMPORTED[stem]
        assert survey.draft["languages"] == ["en"]
    else:
        assert result.exit_code == 1
        assert f"{name}: " in result.output
        assert REFUSED[stem] in result.output
        assert survey_count(db) == 0
        assert db.session.scalar(db.select(db.func.count(SurveyVersion.id))) == 0


@needs_examples
def test_choices_come_with_their_labels(app):
    data = read_xlsform(EXAMPLES / "yes_or_no_question.xlsx")
    question = data["sections"][0]["questions"][0]
    assert question["choices"] == [
        {"key": "yes", "label": {"en": "yes"}},
        {"key": "no", "label": {"en": "no"}},
    ]
    assert data["sections"][0]["title"] == {"en": "yes_or_no_question"}


@needs_examples
def test_settings_give_the_slug_and_title(app):
    data = read_xlsform(EXAMPLES / "style_settings.xls")
    assert data["slug"] == "new-id"
    assert data["title"] == {"en": "My Survey"}


def write_form(path, survey, choices=(), settings=None):
    """Write a small XLSForm: lists of rows, the first row of each being its header."""
    book = openpyxl.Workbook()
    book.active.title = "survey"
    for row in survey:
        book.active.append(row)
    if choices:
        sheet = book.create_sheet("choices")
        for row in choices:
            sheet.append(row)
    if settings:
        sheet = book.create_sheet("settings")
        for row in settings:
            sheet.append(row)
    book.save(path)
    return path


BILINGUAL = [
    [
        "type",
        "name",
        "label::English (en)",
        "label::Español (es)",
        "hint::English (en)",
        "hint::Español (es)",
        "required",
        "relevant",
        "constraint",
        "constraint_message::English (en)",
        "constraint_message::Español (es)",
    ],
    ["begin group", "family", "Your family", "Su familia"],
    ["select_one role", "role", "Who answers?", "¿Quién contesta?", "", "", "yes"],
    [
        "integer",
        "kids",
        "How many children?",
        "¿Cuántos hijos?",
        "At school",
        "En la escuela",
        "",
        "${role} = 'parent'",
        ". >= 1 and . <= 15",
        "From 1 to 15",
        "Del 1 al 15",
    ],
    [
        "select_multiple worry or_other",
        "worries",
        "What worries you?",
        "¿Qué le preocupa?",
        "",
        "",
        "",
        "${role} != ''",
    ],
    ["end group"],
    [
        "text",
        "word",
        "One word",
        "Una palabra",
        "",
        "",
        "",
        "selected(${worries}, 'bus')",
        "string-length(.) <= 40",
    ],
    ["note", "bye", "Thank you", "Gracias"],
]
CHOICES = [
    ["list_name", "name", "label::english", "label::spanish"],
    ["role", "parent", "Parent", "Madre o padre"],
    ["role", "student", "Student", "Estudiante"],
    ["worry", "bus", "The bus", "El autobús"],
    ["worry", "Safety-1", "Safety", "Seguridad"],
]


def test_a_two_language_form_imports_with_its_rules(app, tmp_path):
    path = write_form(
        tmp_path / "family.xlsx",
        BILINGUAL,
        CHOICES,
        [
            ["form_title", "form_id", "default_language"],
            ["Family survey", "Family_Survey", "English (en)"],
        ],
    )

    data = read_xlsform(path)

    assert data["slug"] == "family-survey" and "languages" not in data
    assert data["title"] == {"en": "Family survey", "es": "Family survey"}
    assert data["intro"]["es"].startswith("Gracias")
    family, loose = data["sections"]
    assert family["key"] == "family" and family["title"] == {
        "en": "Your family",
        "es": "Su familia",
    }
    role, kids, worries = family["questions"]
    assert role["required"] is True and role["type"] == "single_choice"
    assert kids == {
        "key": "kids",
        "type": "number",
        "min": 1,
        "max": 15,
        "text": {"en": "How many children?", "es": "¿Cuántos hijos?"},
        "help": {"en": "At school", "es": "En la escuela"},
        "message": {"en": "From 1 to 15", "es": "Del 1 al 15"},
        "show_if": {"question": "role", "equals": "parent"},
    }
    assert worries["other"] is True and worries["show_if"] == {"question": "role", "answered": True}
    assert [c["key"] for c in worries["choices"]] == ["bus", "safety_1"]
    word, bye = loose["questions"]
    assert word["max_length"] == 40 and word["show_if"] == {"question": "worries", "equals": "bus"}
    assert bye["type"] == "note" and loose["title"] == data["title"]


def test_a_missing_translation_is_named_by_sheet_row_and_column(app, tmp_path):
    rows = copy.deepcopy(BILINGUAL)
    rows[3][3] = ""  # the Spanish label of "kids"
    path = write_form(tmp_path / "family.xlsx", rows, CHOICES)

    with pytest.raises(XLSFormError) as refused:
        read_xlsform(path)

    assert (
        "sheet survey, row 4, column label::Español (es): the text in this language is "
        "missing" in refused.value.report()
    )


def test_the_immigration_guard_applies_to_imports(app, tmp_path):
    rows = copy.deepcopy(BILINGUAL)
    rows[7] = [
        "text",
        "status",
        "What is your immigration status?",
        "¿Cuál es su estatus migratorio?",
    ]
    path = write_form(tmp_path / "family.xlsx", rows, CHOICES)

    with pytest.raises(XLSFormError) as refused:
        read_xlsform(path)

    report = refused.value.report()
    assert "sheet survey, row 8, column label::English (en): asks about immigration" in report
    assert "California Education Code 234.7" in report


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("relevant", "${role} = 'parent' and ${kids} > 2", "only simple conditions"),
        ("constraint", "regex(., '^[0-9]+$')", "only number ranges"),
        ("required", "${role} = 'parent'", "only yes or no is supported here"),
    ],
)
def test_complex_expressions_are_refused_by_cell(app, tmp_path, column, value, words):
    rows = copy.deepcopy(BILINGUAL)
    index = rows[0].index(column)
    rows[3] = rows[3] + [""] * (len(rows[0]) - len(rows[3]))
    rows[3][index] = value
    path = write_form(tmp_path / "family.xlsx", rows, CHOICES)

    with pytest.raises(XLSFormError) as refused:
        read_xlsform(path)

    assert f"sheet survey, row 4, column {column}: {words}" in refused.value.report()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("broken.xlsx", b"not a zip file", "this is not a readable .xlsx workbook"),
        ("broken.xls", b"\x00\x01garbage", "this is not a readable .xls workbook"),
        ("latin.csv", "survey,\n,type\n,texto ñ\n".encode("latin-1"), "not UTF-8"),
        ("form.ods", b"whatever", "files ending in .ods are not XLSForms"),
    ],
)
def test_malformed_files_are_refused_without_a_crash(runner, db, tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)

    result = runner.invoke(args=["surveys", "import", str(path)])

    assert result.exit_code == 1
    assert f"{name}: (file): " in result.output and words in result.output
    assert survey_count(db) == 0


@pytest.mark.parametrize("which", ["bundled", "tiny"])
def test_export_then_import_gives_the_same_definition(
    app, which, bundled_definition, tiny_definition, tmp_path
):
    definition = bundled_definition if which == "bundled" else tiny_definition
    path = tmp_path / "form.xlsx"
    path.write_bytes(write_xlsform(definition))

    assert read_xlsform(path) == definition


def test_export_uses_the_columns_odk_and_kobo_read(app, bundled_definition, tmp_path):
    path = tmp_path / "form.xlsx"
    path.write_bytes(write_xlsform(bundled_definition))
    book = openpyxl.load_workbook(path)

    assert book.sheetnames[:3] == ["survey", "choices", "settings"]
    header = [c.value for c in book["survey"][1]]
    for column in (
        "type",
        "name",
        "label::English (en)",
        "label::Español (es)",
        "hint::Español (es)",
        "required",
        "relevant",
        "constraint",
        "constraint_message::Español (es)",
    ):
        assert column in header
    rows = {
        r[1]: dict(zip(header, r, strict=False))
        for r in book["survey"].iter_rows(min_row=2, values_only=True)
    }
    assert rows["children_in_school"]["constraint"] == ". >= 1 and . <= 15"
    assert rows["children_in_school"]["relevant"] == "${role} = 'parent_guardian'"
    assert rows["safety_measures"]["type"] == "select_multiple safety_measures or_other"
    assert rows["one_word"]["constraint"] == "string-length(.) <= 40"


def test_pyxform_converts_the_export_to_an_xform(app, bundled_definition, tmp_path):
    xls2xform = pytest.importorskip("pyxform.xls2xform")
    path = tmp_path / "safe-return.xlsx"
    path.write_bytes(write_xlsform(bundled_definition))

    result = xls2xform.convert(xlsform=str(path), validate=False, warnings=[])

    assert "<h:title>Safe return to school</h:title>" in result.xform
    assert 'lang="Español (es)"' in result.xform


def test_cli_export_and_import_round_trip(runner, db, survey, tmp_path, bundled_definition):
    for fmt, name in (("xlsform", "out.xlsx"), ("yaml", "out.yaml"), ("json", "out.json")):
        path = tmp_path / name
        exported = runner.invoke(
            args=["surveys", "export", "safe-return", "--format", fmt, "-o", str(path)]
        )
        assert exported.exit_code == 0, exported.output

        imported = runner.invoke(args=["surveys", "import", str(path)])

        slug = imported.output.strip()
        assert imported.exit_code == 0 and slug.startswith("safe-return-")
        copy_ = db.session.scalars(db.select(Survey).filter_by(slug=slug)).one()
        assert copy_.draft == {**bundled_definition, "slug": slug}
    # Drafts get their community rows when published, not before.
    communities = db.session.scalar(db.select(db.func.count(Community.id)))
    assert communities == len(bundled_definition["communities"])


def test_export_of_an_unknown_survey_fails(runner, tmp_path):
    result = runner.invoke(args=["surveys", "export", "nope", "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1 and "No survey with the slug 'nope'" in result.output


@needs_examples
def test_damaged_copies_of_the_examples_are_refused_not_crashed(app):
    """Truncated and bit-flipped workbooks: an orderly refusal every time."""
    chance = random.Random(6)
    for name in example_files():
        data = (EXAMPLES / name).read_bytes()
        for trial in range(4):
            damaged = bytearray(data[: chance.randint(1, len(data))] if trial % 2 else data)
            for _ in range(0 if trial % 2 else 8):
                damaged[chance.randrange(len(damaged))] = chance.randrange(256)
            try:
                read_xlsform(name, bytes(damaged))
            except XLSFormError as refused:
                assert refused.problems


def test_plain_labels_belong_to_the_default_language(app, tmp_path):
    path = tmp_path / "spanish.csv"
    path.write_text(
        "survey,,,\n,type,name,label\n,text,palabra,Una palabra\n"
        "settings,,,\n,form_title,default_language,\n,Encuesta,Español (es),\n",
        encoding="utf-8",
    )

    data = read_xlsform(path)

    assert data["languages"] == ["es"]
    assert data["sections"][0]["questions"][0]["text"] == {"es": "Una palabra"}
    assert data["consent"]["es"].startswith("Participar es su decisión")
