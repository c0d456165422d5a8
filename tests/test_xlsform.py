"""XLSForm import and export, over pyxform's example workbooks and our own surveys.

The examples live in ../shared/data/xlsform-examples (from the pyxform
project); they are read in place, never copied into this repository.
"""

import copy
import io
import random
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.definition import normalize, parse_text, validate
from surveys.definition.guard import forbidden_phrase
from surveys.definition.model import QUESTION_TYPES
from surveys.models import Community, Survey, SurveyVersion
from surveys.services.transfer import export_definition
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
    "allow_comment_rows_test": [("farmer_name", "short_text", "First and last name of farmer")],
    "choice_name_same_as_select_name": [("zone", "single_choice", "Zone", [("zone", "Zone")])],
    "extra_columns": [("a", "short_text", "A")],
    "extra_sheet_names": [("test", "short_text", "test")],
    "style_settings": [
        ("your_name", "short_text", "What is your name?"),
        ("your_age", "number", "How many years old are you?"),
    ],
    "text_and_integer": [
        ("your_name", "short_text", "What is your name?"),
        ("your_age", "number", "How many years old are you?"),
    ],
    "utf_csv": [("burger_toppings", "short_text", "…what toppings do you prefer on your 🍔s?")],
    "yes_or_no_question": [
        (
            "good_day",
            "single_choice",
            "have you had a good day today?",
            [("yes", "yes"), ("no", "no")],
        )
    ],
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


def _imported(question):
    """A question as the IMPORTED table writes it: key, type, English text, choices."""
    found = (question["key"], question["type"], question["text"]["en"])
    if "choices" in question:
        found += ([(c["key"], c["label"]["en"]) for c in question["choices"]],)
    return found


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
        assert [_imported(q) for s in survey.draft["sections"] for q in s["questions"]] == (
            IMPORTED[stem]
        )
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


# ---- round trips, property-based ------------------------------------------------------------

# Any character a text may hold, and pieces that mean something to a
# spreadsheet, an XPath expression, YAML or the importer.
ODD_PIECES = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn", "Zl", "Zp")) | (
    st.sampled_from(["\n", "\t", "=", "'", '"', "${a}", "á", "ñ", "¿", "😀", " or ", "pulldata("])
)


def _plain(text):
    return text == text.strip() and text and forbidden_phrase(text) is None


ODD_TEXT = st.lists(ODD_PIECES, min_size=1, max_size=8).map("".join).map(str.strip).filter(_plain)
# Texts that start with "=" must stay texts, never turn into spreadsheet formulas.
TEXT = st.one_of(ODD_TEXT, ODD_TEXT.map(lambda t: f"={t}"), st.sampled_from(["=1+1", "'=x'"]))
KEYS = st.from_regex(r"\A[a-z][a-z0-9_]{0,8}\Z")
NUMBER = st.one_of(
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
)


@st.composite
def texts_in(draw, languages):
    return {language: draw(TEXT) for language in languages}


@st.composite
def choice_question(draw, kind, languages):
    keys = draw(st.lists(KEYS.filter(lambda k: k != "other"), min_size=1, max_size=4, unique=True))
    question = {
        "type": kind,
        "choices": [{"key": k, "label": draw(texts_in(languages))} for k in keys],
    }
    if kind == "multiple_choice" and draw(st.booleans()):
        question["other"] = True
    return question


@st.composite
def typed_question(draw, kind, languages):
    if kind in ("single_choice", "multiple_choice"):
        return draw(choice_question(kind, languages))
    question = {"type": kind}
    if kind == "rating":
        low = draw(st.integers(-5, 5))
        question["scale"] = {
            "min": low,
            "max": draw(st.integers(low + 1, low + 10)),
            "min_label": draw(texts_in(languages)),
            "max_label": draw(texts_in(languages)),
        }
    elif kind == "number":
        bounds = sorted(draw(st.lists(NUMBER, min_size=2, max_size=2)))
        for name, value in zip(("min", "max"), bounds, strict=True):
            if draw(st.booleans()):
                question[name] = value
        if draw(st.booleans()):
            question["decimals"] = True
    elif kind in ("short_text", "long_text") and draw(st.booleans()):
        question["max_length"] = draw(st.integers(1, 500 if kind == "short_text" else 5000))
    return question


def answers_to(question):
    """What a condition on ``question`` may test for, or None when any text goes."""
    kind = question["type"]
    if kind in ("single_choice", "multiple_choice"):
        keys = [c["key"] for c in question["choices"]]
        return st.sampled_from(keys + (["other"] if question.get("other") else []))
    if kind == "yes_no":
        return st.sampled_from(["yes", "no"])
    if kind == "rating":
        points = range(question["scale"]["min"], question["scale"]["max"] + 1)
        return st.sampled_from(points).flatmap(lambda n: st.sampled_from([n, str(n)]))
    text = st.one_of(ODD_TEXT, st.sampled_from(["it's", 'say "hi"', " or ", "3", "= 2"]))
    return st.one_of(text.filter(lambda t: not ("'" in t and '"' in t)), NUMBER)


@st.composite
def condition_on(draw, earlier):
    target = draw(st.sampled_from(earlier))
    test = draw(st.sampled_from(["equals", "one_of", "answered"]))
    if test == "answered":
        return {"question": target["key"], "answered": draw(st.booleans())}
    values = answers_to(target)
    if test == "equals":
        return {"question": target["key"], "equals": draw(values)}
    chosen = draw(st.lists(values, min_size=1, max_size=3, unique_by=repr))
    return {"question": target["key"], "one_of": chosen}


@st.composite
def question_of(draw, key, languages, earlier):
    kind = draw(st.sampled_from(QUESTION_TYPES))
    question = {"key": key, **draw(typed_question(kind, languages))}
    question["text"] = draw(texts_in(languages))
    for name in ("help", "message"):
        if draw(st.booleans()):
            question[name] = draw(texts_in(languages))
    required = draw(st.sampled_from([None, False] if kind == "note" else [None, False, True]))
    if required is not None:
        question["required"] = required
    if earlier and draw(st.booleans()):
        question["show_if"] = draw(condition_on(earlier))
    return question


@st.composite
def definitions(draw):
    languages = draw(st.sampled_from([None, ["en"], ["es"], ["en", "es"], ["es", "en"]]))
    used = languages or ["en", "es"]
    data = {"slug": draw(st.from_regex(r"\A[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,2}\Z"))}
    if languages:
        data["languages"] = languages
    for name in ("title", "intro", "consent"):
        data[name] = draw(texts_in(used))
    if draw(st.booleans()):
        data["thank_you"] = draw(texts_in(used))
    slugs = draw(st.lists(st.from_regex(r"\A[a-z]{2,8}\Z"), max_size=2, unique=True))
    if slugs:
        data["communities"] = [{"slug": s, "name": draw(texts_in(used))} for s in slugs]
    keys = iter(draw(st.lists(KEYS, min_size=12, max_size=12, unique=True)))
    page_keys = draw(st.lists(st.sampled_from(["page_1", "page_2", "about"]), unique=True))
    earlier, data["sections"] = [], []
    for index in range(draw(st.integers(1, 3))):
        section = {}
        if index < len(page_keys) and draw(st.booleans()):
            section["key"] = page_keys[index]
        section["title"] = draw(texts_in(used))
        if draw(st.booleans()):
            section["description"] = draw(texts_in(used))
        section["questions"] = []
        for _ in range(draw(st.integers(1, 4))):
            question = draw(question_of(next(keys), used, earlier))
            section["questions"].append(question)
            earlier.append(question)
        data["sections"].append(section)
    singles = [q["key"] for q in earlier if q["type"] == "single_choice"]
    if singles and draw(st.booleans()):
        data["role_question"] = draw(st.sampled_from(singles))
    return data


ROUND_TRIP = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@ROUND_TRIP
@given(data=definitions())
def test_any_valid_definition_comes_back_exactly_from_every_format(app, data):
    assert validate(data) == []  # the strategy makes valid definitions only
    assert normalize(data) == data  # ... in the one way they are stored

    workbook = export_definition(data, "xlsform")
    assert read_xlsform("survey.xlsx", workbook) == data
    for fmt in ("yaml", "json"):
        text = export_definition(data, fmt).decode("utf-8")
        assert parse_text(text, f"survey.{fmt}") == data


@ROUND_TRIP
@given(data=definitions())
def test_an_exported_workbook_holds_no_formula(app, data):
    book = openpyxl.load_workbook(io.BytesIO(export_definition(data, "xlsform")))
    kinds = {cell.data_type for sheet in book for row in sheet.iter_rows() for cell in row}
    assert "f" not in kinds


# ---- round trips, the cases the review found ------------------------------------------------


def test_a_one_of_with_one_answer_comes_back_as_it_was(app, tiny_definition):
    kids = tiny_definition["sections"][0]["questions"][1]
    kids["show_if"] = {"question": "role", "one_of": ["parent"]}

    workbook = write_xlsform(tiny_definition)

    assert read_xlsform("tiny.xlsx", workbook) == tiny_definition
    rows = list(openpyxl.load_workbook(io.BytesIO(workbook))["survey"].iter_rows(values_only=True))
    assert "${role} = 'parent' or ${role} = 'parent'" in [c for row in rows for c in row]


def test_labels_starting_with_equals_stay_texts(app, tiny_definition):
    role = tiny_definition["sections"][0]["questions"][0]
    role["text"] = {"en": '=HYPERLINK("http://x")', "es": "=1+1"}
    role["choices"][0]["label"]["en"] = "=SUM(A1:A9)"
    tiny_definition["sections"][0]["questions"][1]["help"] = {"en": "=2", "es": "= dos"}

    workbook = write_xlsform(tiny_definition)

    book = openpyxl.load_workbook(io.BytesIO(workbook))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value]
    assert {c.data_type for c in cells} == {"s"}  # no formula, no number: texts only
    assert read_xlsform("tiny.xlsx", workbook) == tiny_definition


def test_a_page_keyed_page_1_keeps_its_key(app, tiny_definition):
    tiny_definition["sections"][0]["key"] = "page_1"

    assert read_xlsform("tiny.xlsx", write_xlsform(tiny_definition)) == tiny_definition
    del tiny_definition["sections"][0]["key"]
    assert read_xlsform("tiny.xlsx", write_xlsform(tiny_definition)) == tiny_definition


def test_a_condition_value_with_or_and_quotes_comes_back(app, tiny_definition):
    tiny_definition["sections"][1]["questions"].insert(
        0, {"key": "word", "type": "short_text", "text": {"en": "Word?", "es": "¿Palabra?"}}
    )
    need = tiny_definition["sections"][1]["questions"][1]
    need["show_if"] = {"question": "word", "one_of": ["rain or shine", "it's", 'say "hi"', 2.5]}

    assert read_xlsform("tiny.xlsx", write_xlsform(tiny_definition)) == tiny_definition


# ---- features outside the subset ------------------------------------------------------------

SIMPLE = [
    ["type", "name", "label"],
    ["select_one colour", "colour", "Which colour?"],
    ["text", "word", "One word"],
    ["integer", "count", "How many?"],
]
COLOURS = [["list_name", "name", "label"], ["colour", "red", "Red"], ["colour", "blue", "Blue"]]


def with_cell(row, column, value, survey=SIMPLE):
    """SIMPLE with ``value`` in ``column`` of survey row ``row`` (2 is the first question)."""
    rows = [list(r) for r in survey]
    if column not in rows[0]:
        rows[0].append(column)
    index = rows[0].index(column)
    for r in rows[1:]:
        r.extend([""] * (len(rows[0]) - len(r)))
    rows[row - 1][index] = value
    return rows


@pytest.mark.parametrize(
    ("row", "column", "value", "words"),
    [
        (2, "appearance", "search('fruits')", "choices searched from an external file (search())"),
        (2, "appearance", "minimal search('fruits')", "choices searched from an external file"),
        (2, "appearance", "label", "the appearance 'label' is not supported"),
        (2, "appearance", "list-nolabel", "the appearance 'list-nolabel' is not supported"),
        (3, "appearance", "numbers", "the appearance 'numbers' is not supported"),
        (2, "appearance", "image-map", "the appearance 'image-map' is not supported"),
        (3, "appearance", "ex:org.example.App", "the appearance 'ex:org.example.app' is not"),
        (3, "guidance_hint", "Ask slowly", "guidance hints are not supported"),
        (3, "guidance_hint::English (en)", "Ask slowly", "guidance hints are not supported"),
        (2, "parameters", "randomize=true", "parameters are supported on range questions only"),
        (3, "parameters", "rows=3", "parameters are supported on range questions only"),
        (2, "choice_filter", "${count} > 1", "choice filters (cascading selects) are not"),
        (3, "default", "hello", "default answers are not supported"),
        (3, "read_only", "yes", "read-only questions are not supported"),
        (3, "readonly", "true()", "read-only questions are not supported"),
        (3, "trigger", "${count}", "triggers are not supported"),
        (3, "repeat_count", "3", "repeats are not supported"),
        (3, "media::image", "word.png", "media are not supported"),
        (3, "media::audio::English (en)", "word.mp3", "media are not supported"),
        (3, "image", "word.png", "media are not supported"),
        (3, "audio", "word.mp3", "media are not supported"),
        (4, "calculation", "1 + 1", "calculations are not supported"),
        (4, "calculation", "pulldata('a', 'b', 'c', 'd')", "pulldata() is not supported"),
    ],
)
def test_features_outside_the_subset_are_refused_by_sheet_row_and_column(
    app, tmp_path, row, column, value, words
):
    path = write_form(tmp_path / "form.xlsx", with_cell(row, column, value), COLOURS)

    with pytest.raises(XLSFormError) as refused:
        read_xlsform(path)

    assert f"sheet survey, row {row}, column {column}: {words}" in refused.value.report()


def test_two_different_messages_for_one_question_are_refused(app, tmp_path):
    rows = with_cell(4, "constraint", ". >= 1")
    rows = with_cell(4, "constraint_message", "At least one", rows)
    rows = with_cell(4, "required_message", "Please answer", rows)
    path = write_form(tmp_path / "form.xlsx", rows, COLOURS)

    with pytest.raises(XLSFormError) as refused:
        read_xlsform(path)

    assert (
        "sheet survey, row 4, column required_message: a required_message beside a different "
        "constraint_message is not supported" in refused.value.report()
    )


@pytest.mark.parametrize(
    ("row", "column", "value"),
    [
        (2, "appearance", "minimal"),
        (2, "appearance", "likert"),
        (2, "appearance", "quick horizontal-compact"),
        (2, "appearance", "columns-3"),
        (2, "appearance", "autocomplete"),
        (4, "appearance", "thousands-sep"),
        (3, "appearance", "w4"),
        (3, "read_only", "no"),
        (4, "required_message", "Please answer"),
    ],
)
def test_presentation_only_columns_are_accepted(app, tmp_path, row, column, value):
    path = write_form(tmp_path / "form.xlsx", with_cell(row, column, value), COLOURS)

    data = read_xlsform(path)

    colour, word, count = data["sections"][0]["questions"]
    assert colour["choices"] == [
        {"key": "red", "label": {"en": "Red"}},
        {"key": "blue", "label": {"en": "Blue"}},
    ]
    assert (word["type"], count["type"]) == ("short_text", "number")
    assert "appearance" not in str(data)
    if column == "required_message":
        assert count["message"] == {"en": "Please answer"}


def test_the_header_is_the_first_filled_row(app, tmp_path):
    path = write_form(tmp_path / "form.xlsx", [[], [], *SIMPLE], [[], *COLOURS])

    data = read_xlsform(path)
    assert [q["key"] for q in data["sections"][0]["questions"]] == ["colour", "word", "count"]
    assert data["sections"][0]["questions"][0]["choices"][1]["label"] == {"en": "Blue"}

    rows = [[], [], *with_cell(3, "constraint", "regex(., 'x')")]
    with pytest.raises(XLSFormError) as refused:
        read_xlsform(write_form(tmp_path / "bad.xlsx", rows, COLOURS))
    # The row a spreadsheet shows: two blank rows, the header, "colour", then "word" on row 5.
    assert "sheet survey, row 5, column constraint: only number ranges" in refused.value.report()


def test_a_language_outside_english_and_spanish_names_the_header_row(app, tmp_path):
    rows = [[], ["type", "name", "label::Français (fr)"], ["text", "word", "Un mot"]]
    with pytest.raises(XLSFormError) as refused:
        read_xlsform(write_form(tmp_path / "fr.xlsx", rows))
    assert "sheet survey, row 2, column label::Français (fr): this column's language" in (
        refused.value.report()
    )
