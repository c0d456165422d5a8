"""The survey definition format: the validator, the immigration guard and the bundled survey."""

import copy
import json

import pytest

from surveys.definition import Definition, DefinitionError, load_file, parse_text, validate
from surveys.definition.guard import forbidden_phrase
from tests.conftest import BUNDLED


def problems_of(data):
    return {p.path: str(p.reason) for p in validate(data)}


def test_tiny_definition_is_valid(tiny_definition):
    assert validate(tiny_definition) == []


def test_every_problem_is_reported_with_its_path(tiny_definition):
    data = copy.deepcopy(tiny_definition)
    data["slug"] = "Not A Slug"
    del data["title"]["es"]
    question = data["sections"][0]["questions"][0]
    question["type"] = "dropdown"
    question["colour"] = "red"
    data["sections"][0]["questions"][1]["key"] = "role"
    data["sections"][1]["questions"][0]["max_length"] = 9000

    found = problems_of(data)

    assert "slug" in found
    assert found["title.es"] == "the text in this language is missing"
    assert "must be one of" in found["sections[0].questions[0].type"]
    assert found["sections[0].questions[0].colour"] == "unknown field"
    assert found["sections[0].questions[1].key"] == "another question already uses this key"
    assert "1 to 5000" in found["sections[1].questions[0].max_length"]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            lambda d: d["sections"][0]["questions"][0].update(choices=[]),
            "sections[0].questions[0].choices",
        ),
        (lambda d: d["sections"][0]["questions"][1].update(min=20), "sections[0].questions[1].min"),
        (
            lambda d: d["sections"][0]["questions"][1].update(show_if={"question": "need"}),
            "sections[0].questions[1].show_if.question",
        ),
        (
            lambda d: d["sections"][0]["questions"][1].update(
                show_if={"question": "role", "equals": "teacher"}
            ),
            "sections[0].questions[1].show_if.equals",
        ),
        (
            lambda d: d["communities"].append({"slug": "thanks", "name": {"en": "T", "es": "T"}}),
            "communities[1].slug",
        ),
        (
            lambda d: d["communities"].append({"slug": "north", "name": {"en": "N", "es": "N"}}),
            "communities[1].slug",
        ),
        (lambda d: d.update(role_question="kids"), "role_question"),
        (lambda d: d.update(sections=[]), "sections"),
        (
            lambda d: d["sections"][1]["questions"].append(
                {
                    "key": "scale",
                    "type": "rating",
                    "text": {"en": "R", "es": "R"},
                    "scale": {"min": 5, "max": 1},
                }
            ),
            "sections[1].questions[1].scale",
        ),
        (
            lambda d: d["sections"][1]["questions"].append(
                {"key": "n", "type": "note", "required": True, "text": {"en": "N", "es": "N"}}
            ),
            "sections[1].questions[1].required",
        ),
    ],
)
def test_structural_problems(tiny_definition, change, path):
    data = copy.deepcopy(tiny_definition)
    change(data)
    assert path in problems_of(data)


@pytest.mark.parametrize(
    "text",
    [
        "What is your immigration status?",
        "Are you a U.S. citizen?",
        "What is your country of birth?",
        "Where were you born?",
        "Please give your Social Security number",
        "What is your A-number?",
        "Do you have a green card or visa?",
        "¿Cuál es su estatus migratorio?",
        "¿Cuál es su situación migratoria?",
        "¿Tiene ciudadanía estadounidense?",
        "¿En qué país de nacimiento?",
        "¿Dónde nació su hijo?",
        "Número de Seguro Social",
        "¿Tiene papeles?",
        "¿Es usted indocumentado?",
    ],
)
def test_guard_refuses_status_questions_in_both_languages(tiny_definition, text):
    data = copy.deepcopy(tiny_definition)
    data["sections"][1]["questions"][0]["text"] = {"en": text, "es": text}

    found = problems_of(data)

    reason = found["sections[1].questions[0].text.en"]
    assert "Education Code 234.7" in reason


def test_guard_reads_help_and_choices(tiny_definition):
    data = copy.deepcopy(tiny_definition)
    data["sections"][0]["questions"][0]["choices"][1]["label"]["es"] = "Sin papeles"
    data["sections"][0]["questions"][1]["help"] = {"en": "Your SSN", "es": "Su número"}

    found = problems_of(data)

    assert "sections[0].questions[0].choices[1].label.es" in found
    assert "sections[0].questions[1].help.en" in found


@pytest.mark.parametrize(
    "text",
    [
        "Do you feel safe on the way to school?",
        "¿Qué necesita su familia para sentirse segura?",
        "How many children live at home?",
        "Immigration agents near the school worry me",
    ],
)
def test_guard_lets_ordinary_questions_through(text):
    assert forbidden_phrase(text) is None


def test_intro_may_promise_never_to_ask(tiny_definition):
    data = copy.deepcopy(tiny_definition)
    data["intro"]["en"] = "We never ask about immigration status or citizenship."
    assert validate(data) == []


def test_parse_reports_yaml_errors_with_line():
    with pytest.raises(DefinitionError) as error:
        parse_text("slug: x\nsections: [\n", "broken.yaml")
    assert "broken.yaml: line" in str(error.value)


def test_json_files_load_too(tmp_path, tiny_definition):
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(tiny_definition), encoding="utf-8")
    assert load_file(path)["slug"] == "tiny"


def test_bundled_survey_is_valid_and_complete():
    data = load_file(BUNDLED)
    definition = Definition(data)
    questions = [q for q in definition.questions if not q.is_note]
    keys = {q.key for q in questions}

    assert data["slug"] == "safe-return"
    assert 18 <= len(questions) <= 26  # about 20: under 10 minutes on a phone
    assert {"role", "grade_band", "need_to_feel_safe", "biggest_worry", "district_first"} <= keys
    assert definition.role_question == "role"
    assert len(definition.communities) >= 3
    types = {q.type for q in questions}
    assert {"single_choice", "multiple_choice", "yes_no", "rating", "number", "long_text"} <= types


def test_cli_validate_lists_problems_and_exits_1(runner, tmp_path, tiny_definition):
    bad = copy.deepcopy(tiny_definition)
    bad["sections"][1]["questions"][0]["text"]["es"] = "¿Cuál es su país de origen?"
    path = tmp_path / "bad.yaml"
    path.write_text(json.dumps(bad), encoding="utf-8")

    result = runner.invoke(args=["surveys", "validate", str(BUNDLED), str(path)])

    assert result.exit_code == 1
    assert f"{BUNDLED}: ok" in result.output
    assert "sections[1].questions[0].text.es" in result.output


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d.update(role_question=["role"]), "role_question"),
        (lambda d: d["communities"][0].update(slug=["north"]), "communities[0].slug"),
        (
            lambda d: d["sections"][0]["questions"][0]["choices"][0].update(key=["parent"]),
            "sections[0].questions[0].choices[0].key",
        ),
        (
            lambda d: d["sections"][1]["questions"][0].update(show_if={"question": ["role"]}),
            "sections[1].questions[0].show_if.question",
        ),
    ],
)
def test_lists_where_names_belong_are_problems_not_crashes(tiny_definition, change, path):
    data = copy.deepcopy(tiny_definition)
    change(data)
    assert path in [p.path for p in validate(data)]
