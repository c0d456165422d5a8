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


# What the immigration guard must refuse, in English and Spanish, with any
# case and with or without accents.
REFUSED_TEXTS = [
    "What is your immigration status?",
    "Are you a U.S. citizen?",
    "are you a US citizen",
    "Is your child a citizen?",
    "Citizen",
    "Non-citizen",
    "Naturalized citizen",
    "What is your country of birth?",
    "In which country were you born?",
    "What country was your child born in?",
    "Were you born in the United States?",
    "Was your child born outside the U.S.?",
    "Where were you born?",
    "WHERE WERE YOU BORN?",
    "Place of birth",
    "Birthplace",
    "Please give your Social Security number",
    "SSN",
    "What is your A-number?",
    "A-number",
    "Alien registration number",
    "Do you have a green card or visa?",
    "Green-card holder",
    "Are you a permanent resident?",
    "Are you an immigrant?",
    "Nationality",
    "Undocumented",
    "¿Cuál es su estatus migratorio?",
    "¿Cuál es su situación migratoria?",
    "Estatus legal",
    "Residencia legal",
    "¿Tiene ciudadanía estadounidense?",
    "¿Es usted ciudadano?",
    "¿Es usted ciudadana?",
    "Ciudadano",
    "No ciudadano",
    "¿En qué país nació usted?",
    "¿En que pais nacio usted?",
    "¿En qué país nacieron sus hijos?",
    "¿Nació usted en los Estados Unidos?",
    "¿Dónde nació?",
    "¿Dónde nació su hijo?",
    "¿Dónde nació el niño?",
    "¿Dónde nacieron sus hijos?",
    "Lugar de nacimiento",
    "País de nacimiento",
    "Número de Seguro Social",
    "numero de seguro social",
    "¿Cuál es su número A?",
    "Número de registro de extranjero",
    "¿Tiene papeles?",
    "Documentos migratorios",
    "¿Tiene tarjeta verde o visa?",
    "¿Es usted indocumentado?",
    "¿Es usted inmigrante?",
    "Nacionalidad",
]
# Ordinary texts that share words with the forbidden ones.
ALLOWED_TEXTS = [
    "Do you feel safe on the way to school?",
    "How many children live at home?",
    "Immigration agents near the school worry me",
    "Would your child come to a birthday party at school?",
    "How do you rate the country's schools?",
    "Have you talked with a social worker?",
    "Are you the child's parent or legal guardian?",
    "Please write a number from 1 to 15.",
    "Pick a number",
    "When was your child born?",
    "What is your child's date of birth?",
    "Are you a senior citizen?",
    "Digital citizenship lessons",
    "Where is your child's school?",
    "Does your child have papers to sign?",
    "¿Qué necesita su familia para sentirse segura?",
    "¿Dónde nació la idea?",
    "La idea nació en la escuela",
    "Participación ciudadana",
    "Seguridad ciudadana",
    "Ciudadanía digital",
    "Fecha de nacimiento del niño",
    "El país necesita mejores escuelas",
    "Número de hijos",
    "¿Qué número de autobús toma?",
    "Escriba un número a continuación",
    "¿Habló con un trabajador social?",
]


@pytest.mark.parametrize("text", REFUSED_TEXTS)
def test_guard_refuses_status_questions_in_both_languages(tiny_definition, text):
    data = copy.deepcopy(tiny_definition)
    data["sections"][1]["questions"][0]["text"] = {"en": text, "es": text}

    found = problems_of(data)

    assert forbidden_phrase(text) is not None
    reason = found["sections[1].questions[0].text.en"]
    assert "Education Code 234.7" in reason


@pytest.mark.parametrize("text", ALLOWED_TEXTS)
def test_guard_lets_ordinary_texts_through(tiny_definition, text):
    data = copy.deepcopy(tiny_definition)
    data["sections"][1]["questions"][0]["text"] = {"en": text, "es": text}

    assert forbidden_phrase(text) is None
    assert validate(data) == []


def _rating(data):
    question = {
        "key": "trust",
        "type": "rating",
        "text": {"en": "Trust?", "es": "¿Confianza?"},
        "scale": {
            "min": 1,
            "max": 5,
            "min_label": {"en": "Low", "es": "Poca"},
            "max_label": {"en": "High", "es": "Mucha"},
        },
    }
    data["sections"][1]["questions"].append(question)
    return question


# Every human-readable string of a survey, by where it sits.
PLACES = {
    "title.es": lambda d: d["title"],
    "intro.es": lambda d: d["intro"],
    "consent.es": lambda d: d["consent"],
    "thank_you.es": lambda d: d.setdefault("thank_you", {"en": "Thanks.", "es": "Gracias."}),
    "communities[0].name.es": lambda d: d["communities"][0]["name"],
    "sections[0].title.es": lambda d: d["sections"][0]["title"],
    "sections[0].description.es": lambda d: d["sections"][0].setdefault(
        "description", {"en": "About you.", "es": "Sobre usted."}
    ),
    "sections[0].questions[0].text.es": lambda d: d["sections"][0]["questions"][0]["text"],
    "sections[0].questions[1].help.es": lambda d: d["sections"][0]["questions"][1].setdefault(
        "help", {"en": "Help.", "es": "Ayuda."}
    ),
    "sections[0].questions[1].message.es": lambda d: d["sections"][0]["questions"][1].setdefault(
        "message", {"en": "From 1 to 15.", "es": "Del 1 al 15."}
    ),
    "sections[0].questions[0].choices[1].label.es": (
        lambda d: d["sections"][0]["questions"][0]["choices"][1]["label"]
    ),
    "sections[1].questions[1].scale.min_label.es": lambda d: _rating(d)["scale"]["min_label"],
    "sections[1].questions[1].scale.max_label.es": lambda d: _rating(d)["scale"]["max_label"],
}


@pytest.mark.parametrize("path", list(PLACES))
@pytest.mark.parametrize("text", ["¿Dónde nació usted?", "Número de seguro social"])
def test_guard_reads_every_text_of_a_survey(tiny_definition, path, text):
    data = copy.deepcopy(tiny_definition)
    PLACES[path](data)["es"] = text

    found = problems_of(data)

    assert "Education Code 234.7" in found[path]


def test_guard_reads_help_and_choices(tiny_definition):
    data = copy.deepcopy(tiny_definition)
    data["sections"][0]["questions"][0]["choices"][1]["label"]["es"] = "Sin papeles"
    data["sections"][0]["questions"][1]["help"] = {"en": "Your SSN", "es": "Su número"}

    found = problems_of(data)

    assert "sections[0].questions[0].choices[1].label.es" in found
    assert "sections[0].questions[1].help.en" in found


@pytest.mark.parametrize(
    "promise",
    [
        "We never ask about immigration status or citizenship.",
        "We do not ask whether you are a U.S. citizen, or where you were born.",
        "Nunca le preguntamos su estatus migratorio ni dónde nació.",
        "No le pedimos su número de seguro social.",
    ],
)
def test_texts_that_ask_nothing_may_promise_never_to_ask(tiny_definition, promise):
    data = copy.deepcopy(tiny_definition)
    data["intro"]["en"] = data["consent"]["es"] = promise
    data["sections"][1]["questions"].append(
        {"key": "promise", "type": "note", "text": {"en": promise, "es": promise}}
    )
    assert validate(data) == []

    data["sections"][1]["questions"][0]["text"]["en"] = promise  # a question may not
    assert "sections[1].questions[0].text.en" in problems_of(data)


@pytest.mark.parametrize(
    "text",
    [
        "We never ask your name. What is your immigration status?",
        "We never ask your name, but are you a citizen?",
        "Tell us your visa type. We do not record names.",
        "Nunca le preguntamos su nombre. ¿Dónde nació usted?",
    ],
)
def test_a_promise_covers_only_its_own_sentence(tiny_definition, text):
    data = copy.deepcopy(tiny_definition)
    data["consent"]["en"] = text
    assert "consent.en" in problems_of(data)


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


def test_sections_list_their_questions_and_the_fields_they_post():
    definition = Definition(load_file(BUNDLED))
    sections = [definition.section_questions(i) for i in range(len(definition.sections))]

    # Every question once, in order, in the section it was written in.
    assert [q for questions in sections for q in questions] == definition.questions
    for index, questions in enumerate(sections):
        assert [q["key"] for q in definition.sections[index]["questions"]] == [
            q.key for q in questions
        ]
        # A multiple choice with "other" posts the words typed too, right after it.
        assert definition.section_field_names(index) == tuple(
            name
            for q in questions
            for name in ([q.key, q.key + "__other"] if q.allows_other else [q.key])
        )
    assert any(q.allows_other for q in definition.questions)


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


def _question(data, page=0, position=1):
    return data["sections"][page]["questions"][position]


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda d: d["sections"][0].update(key="About you"), "sections[0].key", "start with"),
        (
            lambda d: [s.update(key="same") for s in d["sections"]],
            "sections[1].key",
            "another page already uses this key",
        ),
        (
            lambda d: _question(d).update(show_if={"question": "role", "equals": ""}),
            "sections[0].questions[1].show_if.equals",
            "write the answer to test for",
        ),
        (
            lambda d: _question(d).update(show_if={"question": "role", "equals": True}),
            "sections[0].questions[1].show_if.equals",
            "write the answer to test for",
        ),
        (
            lambda d: _question(d).update(show_if={"question": "role", "one_of": ["parent"] * 2}),
            "sections[0].questions[1].show_if.one_of",
            "lists the same answer twice",
        ),
        (
            lambda d: _question(d, 1, 0).update(
                show_if={"question": "kids", "equals": 'it\'s "odd"'}
            ),
            "sections[1].questions[0].show_if.equals",
            "cannot hold both",
        ),
        (
            lambda d: d["title"].update(en=" Tiny"),
            "title.en",
            "spaces or line breaks at the start or the end",
        ),
        (
            lambda d: d["intro"].update(es="Dos\x0bpáginas"),
            "intro.es",
            "control character",
        ),
        (lambda d: _question(d).update(max=float("inf")), "sections[0].questions[1].max", "number"),
    ],
)
def test_what_no_format_could_keep_is_refused(tiny_definition, change, path, words):
    data = copy.deepcopy(tiny_definition)
    change(data)
    assert words in problems_of(data)[path]


def test_a_page_may_have_a_key_of_its_own(tiny_definition):
    data = copy.deepcopy(tiny_definition)
    data["sections"][0]["key"] = "page_1"
    assert validate(data) == []


def test_files_are_stored_the_one_way_every_format_keeps(tiny_definition):
    text = (
        "slug: tiny\n"
        "title: {en: Tiny survey, es: Encuesta pequeña}\n"
        'intro:\n  en: |\n    Two short\n    pages.\n  es: "Dos páginas\\r\\ncortas. "\n'
        "consent: {en: Anonymous., es: Anónima.}\n"
        "sections:\n"
        "  - title: {en: Page, es: Página}\n"
        "    questions:\n"
        "      - {key: n, type: number, decimals: false, max: 1.0e+20,\n"
        "         text: {en: How many, es: Cuántos}}\n"
        "      - {key: m, type: multiple_choice, other: false, text: {en: Which, es: Cuáles},\n"
        "         choices: [{key: a, label: {en: A, es: A}}]}\n"
    )

    data = parse_text(text)

    assert data["intro"] == {"en": "Two short\npages.", "es": "Dos páginas\ncortas."}
    number, choice = data["sections"][0]["questions"]
    assert "decimals" not in number and number["max"] == 1e20
    assert "other" not in choice


def test_json_numbers_are_read_as_json_reads_them(tiny_definition):
    tiny_definition["sections"][0]["questions"][1]["max"] = 1e20
    data = parse_text(json.dumps(tiny_definition))
    assert data["sections"][0]["questions"][1]["max"] == 1e20
    assert isinstance(data["sections"][0]["questions"][1]["max"], float)
