"""A lead builds a two-language survey in the browser; a family answers it.

Everything goes through the HTTP client, as a lead's browser would: forms
with their CSRF tokens, buttons as POSTs, no JavaScript.
"""

import pytest

from surveys.models import Response, Survey
from tests.conftest import Respondent, csrf_token, visible_text


@pytest.fixture
def lead(make_user, auth):
    user = make_user("lead")
    auth.login(user)
    return user


class Builder:
    """Presses the builder's buttons for one survey."""

    def __init__(self, client, slug):
        self.client, self.slug = client, slug

    @property
    def home(self):
        return f"/leads/surveys/{self.slug}"

    def token(self, url=None):
        return csrf_token(self.client.get(url or self.home).get_data(as_text=True))

    def post(self, path, data=None, url=None):
        payload = {"csrf_token": self.token(url)} | (data or {})
        return self.client.post(f"{self.home}{path}", data=payload)

    def question(self, page, **fields):
        url = f"{self.home}/sections/{page}/questions/new"
        return self.post(f"/sections/{page}/questions/new", question_data(**fields), url=url)

    def edit_question(self, old_key, **fields):
        url = f"{self.home}/questions/{old_key}"
        return self.post(f"/questions/{old_key}", question_data(**fields), url=url)

    def text(self, url=None):
        return visible_text(self.client.get(url or self.home).get_data(as_text=True))

    def survey(self, db):
        db.session.expire_all()
        return db.session.scalars(db.select(Survey).filter_by(slug=self.slug)).one()


def question_data(key, type, en, es, choices=(), **extra):
    data = {"key": key, "type": type, "text_en": en, "text_es": es, "show_if_test": ""}
    for index, (choice, label_en, label_es) in enumerate(choices):
        data[f"choices-{index}-key"] = choice
        data[f"choices-{index}-label_en"] = label_en
        data[f"choices-{index}-label_es"] = label_es
    data.update(extra)
    return data


def start_survey(client, slug="family"):
    page = client.get("/leads/surveys").get_data(as_text=True)
    response = client.post(
        "/leads/surveys/new",
        data={
            "csrf_token": csrf_token(page),
            "slug": slug,
            "title_en": "Family survey",
            "title_es": "Encuesta para familias",
        },
    )
    assert response.status_code == 302
    return Builder(client, slug)


def fill_texts(builder):
    url = f"{builder.home}/settings"
    return builder.post(
        "/settings",
        {
            "languages": "en es",
            "title_en": "Family survey",
            "title_es": "Encuesta para familias",
            "intro_en": "Five minutes.",
            "intro_es": "Cinco minutos.",
            "consent_en": "Your answers are anonymous.",
            "consent_es": "Sus respuestas son anónimas.",
            "thank_you_en": "",
            "thank_you_es": "",
        },
        url=url,
    )


ROLE = dict(
    key="role",
    type="single_choice",
    en="Who is answering?",
    es="¿Quién contesta?",
    choices=[("parent", "A parent", "Madre o padre"), ("student", "A student", "Estudiante")],
    required="y",
)


def add_page(builder, en, es):
    data = {"title_en": en, "title_es": es, "description_en": "", "description_es": ""}
    return builder.post("/sections", data)


def build_two_language_survey(client):
    builder = start_survey(client)
    assert fill_texts(builder).status_code == 302
    assert add_page(builder, "About you", "Sobre usted").status_code == 302
    assert builder.question(0, **ROLE).status_code == 302
    kids = builder.question(
        0,
        key="kids",
        type="number",
        en="How many children?",
        es="¿Cuántos hijos?",
        min="1",
        max="10",
        show_if_question="role",
        show_if_test="equals",
        show_if_value="parent",
        message_en="From 1 to 10.",
        message_es="Del 1 al 10.",
    )
    assert kids.status_code == 302
    assert add_page(builder, "Your words", "Sus palabras").status_code == 302
    need = builder.question(
        1,
        key="need",
        type="long_text",
        en="What do you need?",
        es="¿Qué necesita?",
        help_en="Anything.",
        help_es="Lo que sea.",
    )
    assert need.status_code == 302
    return builder


def test_a_lead_builds_previews_publishes_edits_and_closes(app, client, lead, db):
    builder = build_two_language_survey(client)
    survey = builder.survey(db)
    assert survey.status == "draft" and survey.versions == []
    assert client.get("/s/family").status_code == 404  # families cannot open a draft

    preview = client.get(f"{builder.home}/preview/1?in=es")
    assert preview.status_code == 200
    shown = visible_text(preview.get_data(as_text=True))
    assert "¿Quién contesta?" in shown and "Madre o padre" in shown and "Siguiente" in shown
    assert 'lang="es"' in preview.get_data(as_text=True)
    english = visible_text(client.get(f"{builder.home}/preview/2?in=en").get_data(as_text=True))
    assert "What do you need?" in english and "Anything." in english

    link = f"{app.config['PUBLIC_URL']}/s/family"
    draft_page = client.get(builder.home).get_data(as_text=True)
    assert link not in draft_page and "<svg" not in draft_page  # no links for a draft

    published = builder.post("/publish")
    assert published.status_code == 302
    survey = builder.survey(db)
    assert survey.status == "open" and [v.number for v in survey.versions] == [1]
    page = client.get(builder.home).get_data(as_text=True)
    # The message went through the session cookie between the two requests.
    assert "Published: version 1 is the one families answer now." in visible_text(page)
    assert f'<a href="{link}">{link}</a>' in page
    assert "<svg" in page

    family = Respondent(app.test_client(), "family")  # the family's own phone
    family.start(lang="es")
    assert "¿Quién contesta?" in family.text()
    family.complete()
    assert family.path == "/s/family/thanks"

    edited = builder.edit_question(
        "kids",
        key="kids",
        type="number",
        en="How many children at school?",
        es="¿Cuántos hijos en la escuela?",
        min="1",
        max="10",
        show_if_question="role",
        show_if_test="equals",
        show_if_value="parent",
    )
    assert edited.status_code == 302
    assert "changes that families do not see yet" in builder.text()
    assert builder.post("/publish").status_code == 302
    survey = builder.survey(db)
    assert [v.number for v in survey.versions] == [1, 2]
    assert "How many children at school?" in str(survey.current.definition)
    response = db.session.scalars(db.select(Response)).one()
    assert response.version.number == 1  # the answer keeps its version
    assert "changed kids" in builder.text()

    assert builder.post("/close").status_code == 302
    assert client.get("/s/family").status_code == 410
    assert builder.post("/reopen").status_code == 302
    assert client.get("/s/family").status_code == 200


def test_publishing_waits_for_every_translation(client, lead, db):
    builder = build_two_language_survey(client)
    missing = builder.question(1, key="more", type="short_text", en="Anything else?", es="")
    assert missing.status_code == 302  # kept in the draft, to finish later

    refused = builder.post("/publish")

    assert refused.status_code == 422
    text = visible_text(refused.get_data(as_text=True))
    assert "sections[1]" not in text
    assert (
        "Page 2, question 2 (more), question text in Spanish: the text in this language is "
        "missing" in text
    )
    assert builder.survey(db).status == "draft"
    client.get("/leads/surveys?lang=es")
    spanish = builder.text()
    assert (
        "Página 2, pregunta 2 (more), texto de la pregunta en español: falta el texto en este "
        "idioma" in spanish
    )


def test_a_single_language_survey_publishes_in_english_only(client, lead, db):
    builder = start_survey(client, "english-only")
    builder.post(
        "/settings",
        {
            "languages": "en",
            "title_en": "English only",
            "intro_en": "Hi.",
            "consent_en": "Anonymous.",
        },
        url=f"{builder.home}/settings",
    )
    builder.post("/sections", {"title_en": "Page"})
    builder.question(0, key="word", type="short_text", en="One word?", es="")

    assert builder.post("/publish").status_code == 302
    assert builder.survey(db).current.definition["languages"] == ["en"]


def test_the_immigration_guard_refuses_an_edit_and_says_why(client, lead, db):
    builder = build_two_language_survey(client)
    before = builder.survey(db).draft

    refused = builder.question(
        0,
        key="status",
        type="short_text",
        en="What is your immigration status?",
        es="¿Cuál es su estatus migratorio?",
    )

    assert refused.status_code == 422
    text = visible_text(refused.get_data(as_text=True))
    assert "California Education Code 234.7" in text
    assert builder.survey(db).draft == before


def test_the_guard_explains_in_spanish_to_a_spanish_speaking_lead(client, lead, db):
    builder = build_two_language_survey(client)
    client.get("/leads/surveys?lang=es")

    refused = builder.question(
        0, key="born", type="short_text", en="Country of birth?", es="¿País de nacimiento?"
    )

    assert refused.status_code == 422
    assert "Código de Educación de California" in visible_text(refused.get_data(as_text=True))


def test_identifying_questions_need_the_privacy_note_confirmed(client, lead, db):
    builder = build_two_language_survey(client)
    builder.question(
        1,
        key="phone",
        type="short_text",
        en="Your phone number, if you want a call back",
        es="Su teléfono, si quiere que le llamemos",
    )
    assert "Privacy note" in builder.text()

    refused = builder.post("/publish")
    assert refused.status_code == 422
    assert builder.survey(db).status == "draft"

    assert builder.post("/publish", {"privacy_confirmed": "y"}).status_code == 302
    assert builder.survey(db).status == "open"


def test_questions_move_and_delete_and_conditions_stay_on_earlier_answers(client, lead, db):
    builder = build_two_language_survey(client)

    # "kids" depends on "role": moving it above would break the condition.
    refused = builder.post("/questions/kids/move", {"direction": "up"})
    assert refused.status_code == 422
    assert "must be the key of an earlier question" in visible_text(refused.get_data(as_text=True))

    assert builder.post("/questions/kids/move", {"direction": "down"}).status_code == 302
    data = builder.survey(db).draft
    assert [q["key"] for q in data["sections"][1]["questions"]] == ["kids", "need"]
    assert builder.post("/sections/1/move", {"direction": "up"}).status_code == 422
    assert builder.post("/questions/need/delete").status_code == 302
    data = builder.survey(db).draft
    assert [q["key"] for q in data["sections"][1]["questions"]] == ["kids"]


def test_communities_get_links_once_published(client, lead, db):
    builder = build_two_language_survey(client)
    url = f"{builder.home}/communities"
    saved = builder.post(
        "/communities",
        {
            "rows-0-slug": "north",
            "rows-0-name_en": "North side",
            "rows-0-name_es": "Lado norte",
        },
        url=url,
    )
    assert saved.status_code == 302
    builder.post("/publish")

    assert "/s/family/north" in builder.text()
    assert client.get("/s/family/north").status_code == 200


def test_a_lead_imports_an_xlsform_through_the_browser(
    client, lead, db, tmp_path, bundled_definition
):
    from io import BytesIO

    from surveys.xlsform.exporter import write_xlsform

    content = write_xlsform(bundled_definition)
    page = client.get("/leads/surveys").get_data(as_text=True)
    response = client.post(
        "/leads/surveys/import",
        data={"csrf_token": csrf_token(page), "file": (BytesIO(content), "safe-return.xlsx")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 302
    imported = db.session.scalars(db.select(Survey)).one()
    assert imported.draft == bundled_definition and imported.status == "draft"


def test_a_bad_upload_names_the_problem_and_stores_nothing(client, lead, db):
    from io import BytesIO

    page = client.get("/leads/surveys").get_data(as_text=True)
    response = client.post(
        "/leads/surveys/import",
        data={
            "csrf_token": csrf_token(page),
            "file": (BytesIO(b"survey,,\n,type,name\n,geopoint,where\n"), "kobo.csv"),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 422
    assert (
        "sheet survey, row 2, column type: location (geo) questions are not supported"
        in visible_text(response.get_data(as_text=True))
    )
    assert db.session.scalar(db.select(db.func.count(Survey.id))) == 0


def test_other_staff_cannot_use_the_builder(client, make_user, auth):
    auth.login(make_user("facilitator"))
    assert client.get("/leads/surveys").status_code == 403


def test_every_question_type_can_be_added(client, lead, db):
    builder = build_two_language_survey(client)
    rating = builder.question(
        1,
        key="trust",
        type="rating",
        en="How much do you trust the plan?",
        es="¿Cuánto confía en el plan?",
        scale_min="1",
        scale_max="5",
        min_label_en="Not at all",
        min_label_es="Nada",
        max_label_en="Completely",
        max_label_es="Totalmente",
    )
    assert rating.status_code == 302
    for key, kind in (("device", "yes_no"), ("word", "short_text"), ("hello", "note")):
        assert (
            builder.question(1, key=key, type=kind, en=f"{key}?", es=f"¿{key}?").status_code == 302
        )
    picked = builder.question(
        1,
        key="helps",
        type="multiple_choice",
        en="What helps?",
        es="¿Qué ayuda?",
        choices=[("bus", "The bus", "El autobús"), ("meals", "Meals", "Comidas")],
        other="y",
        show_if_question="role",
        show_if_test="one_of",
        show_if_value="parent, student",
    )
    assert picked.status_code == 302

    data = builder.survey(db).draft
    kinds = {q["key"]: q for q in data["sections"][1]["questions"]}
    assert kinds["trust"]["scale"]["max_label"] == {"en": "Completely", "es": "Totalmente"}
    assert kinds["helps"]["other"] is True
    assert kinds["helps"]["show_if"] == {"question": "role", "one_of": ["parent", "student"]}
    assert builder.post("/publish").status_code == 302


def _settings_with(**texts):
    data = {
        "languages": "en es",
        "title_en": "Family survey",
        "title_es": "Encuesta para familias",
        "intro_en": "Five minutes.",
        "intro_es": "Cinco minutos.",
        "consent_en": "Your answers are anonymous.",
        "consent_es": "Sus respuestas son anónimas.",
        "thank_you_en": "",
        "thank_you_es": "",
    }
    return data | texts


def _page_with(**texts):
    return {
        "title_en": "Page",
        "title_es": "Página",
        "description_en": "",
        "description_es": "",
    } | (texts)


def _kids_with(**fields):
    return question_data(
        key="kids", type="number", en="How many children?", es="¿Cuántos hijos?", **fields
    )


# Every builder form, with one of its texts asking what Voces never asks.
GUARDED_EDITS = {
    "survey title": ("/settings", "/settings", _settings_with(title_es="Lugar de nacimiento")),
    "introduction": ("/settings", "/settings", _settings_with(intro_en="Where were you born?")),
    "consent": ("/settings", "/settings", _settings_with(consent_es="¿Es usted ciudadano?")),
    "thank-you": (
        "/settings",
        "/settings",
        _settings_with(thank_you_en="Thanks! Your SSN, please.", thank_you_es="¡Gracias!"),
    ),
    "new page title": ("/sections", None, _page_with(title_en="Place of birth")),
    "page description": (
        "/sections/0",
        "/sections/0",
        _page_with(description_en="Your A-number", description_es="Su número A"),
    ),
    "help": (
        "/questions/kids",
        "/questions/kids",
        _kids_with(help_en="At school", help_es="¿En qué país nacieron sus hijos?"),
    ),
    "message": (
        "/questions/kids",
        "/questions/kids",
        _kids_with(message_en="Are you a US citizen?", message_es="Del 1 al 10."),
    ),
    "choice label": (
        "/questions/role",
        "/questions/role",
        question_data(
            key="role",
            type="single_choice",
            en="Who is answering?",
            es="¿Quién contesta?",
            choices=[("parent", "A parent", "Madre o padre"), ("papers", "Green card", "Papeles")],
        ),
    ),
    "rating end label": (
        "/sections/1/questions/new",
        "/sections/1/questions/new",
        question_data(
            key="trust",
            type="rating",
            en="Trust?",
            es="¿Confianza?",
            scale_min="1",
            scale_max="5",
            min_label_en="Low",
            min_label_es="Número de seguro social",
            max_label_en="High",
            max_label_es="Mucha",
        ),
    ),
    "community name": (
        "/communities",
        "/communities",
        {"rows-0-slug": "north", "rows-0-name_en": "Visa holders", "rows-0-name_es": "Norte"},
    ),
}


@pytest.mark.parametrize("edit", list(GUARDED_EDITS))
def test_the_guard_refuses_every_text_in_every_builder_edit(client, lead, db, edit):
    builder = build_two_language_survey(client)
    before = builder.survey(db).draft
    path, page, data = GUARDED_EDITS[edit]

    refused = builder.post(path, data, url=f"{builder.home}{page}" if page else None)

    assert refused.status_code == 422
    assert "California Education Code 234.7" in visible_text(refused.get_data(as_text=True))
    assert builder.survey(db).draft == before


def test_the_guard_explains_a_refused_consent_in_spanish(client, lead, db):
    builder = build_two_language_survey(client)
    client.get("/leads/surveys?lang=es")

    refused = builder.post(
        "/settings",
        _settings_with(consent_es="¿Nació usted en los Estados Unidos?"),
        url=f"{builder.home}/settings",
    )

    assert refused.status_code == 422
    text = visible_text(refused.get_data(as_text=True))
    assert "Consentimiento en español: " in text
    assert "Código de Educación de California" in text


def test_a_promise_never_to_ask_is_welcome_in_the_consent(client, lead, db):
    builder = build_two_language_survey(client)

    saved = builder.post(
        "/settings",
        _settings_with(
            consent_en="We never ask about immigration status.",
            consent_es="Nunca le preguntamos su estatus migratorio.",
        ),
        url=f"{builder.home}/settings",
    )

    assert saved.status_code == 302
    assert (
        builder.survey(db).draft["consent"]["es"] == "Nunca le preguntamos su estatus migratorio."
    )


def test_a_published_question_keeps_its_type(client, lead, db):
    builder = build_two_language_survey(client)
    assert builder.post("/publish").status_code == 302
    before = builder.survey(db).draft

    refused = builder.edit_question(
        "role",
        key="role",
        type="multiple_choice",
        en="Who is answering?",
        es="¿Quién contesta?",
        choices=[("parent", "A parent", "Madre o padre"), ("student", "A student", "Estudiante")],
    )

    assert refused.status_code == 422
    text = visible_text(refused.get_data(as_text=True))
    assert "Page 1, question 1 (role), type: this question was published as “One choice”" in text
    assert "add a new question with a new key (for example role_2)" in text
    assert builder.survey(db).draft == before

    # Deleting it and adding it again under the same key is the same change.
    assert builder.post("/questions/kids/delete").status_code == 302
    assert builder.post("/questions/role/delete").status_code == 302
    again = builder.question(0, key="role", type="short_text", en="Who?", es="¿Quién?")
    assert again.status_code == 422
    client.get("/leads/surveys?lang=es")
    spanish = builder.question(0, key="role", type="short_text", en="Who?", es="¿Quién?")
    assert "se publicó como “Una opción”" in visible_text(spanish.get_data(as_text=True))
    # A new key is the way.
    assert (
        builder.question(0, key="role_2", type="short_text", en="Who?", es="¿Quién?").status_code
        == 302
    )


def test_a_draft_never_published_may_change_a_type(client, lead, db):
    builder = build_two_language_survey(client)

    changed = builder.edit_question(
        "need", key="need", type="short_text", en="What do you need?", es="¿Qué necesita?"
    )

    assert changed.status_code == 302
    assert builder.survey(db).draft["sections"][1]["questions"][0]["type"] == "short_text"


def test_a_refused_move_names_the_question_in_words(client, lead, db):
    builder = build_two_language_survey(client)

    refused = builder.post("/questions/kids/move", {"direction": "up"})

    text = visible_text(refused.get_data(as_text=True))
    assert "Page 1, question 1 (kids), condition: must be the key of an earlier question" in text


def test_preview_shows_questions_that_depend_on_earlier_pages(client, lead, db):
    builder = build_two_language_survey(client)
    added = builder.question(
        1,
        key="school_work",
        type="yes_no",
        en="Does your child get homework help?",
        es="¿Su hijo recibe ayuda con las tareas?",
        show_if_question="role",
        show_if_test="equals",
        show_if_value="parent",
    )
    assert added.status_code == 302

    english = visible_text(client.get(f"{builder.home}/preview/2?in=en").get_data(as_text=True))
    spanish = visible_text(client.get(f"{builder.home}/preview/2?in=es").get_data(as_text=True))

    assert "Does your child get homework help?" in english
    assert "Preview: shown only when the answer to “Who is answering?” is: A parent." in english
    assert "¿Su hijo recibe ayuda con las tareas?" in spanish
    assert (
        "Vista previa: se muestra solo cuando la respuesta a “¿Quién contesta?” es: Madre o padre."
        in spanish
    )


def test_a_non_utf8_definition_upload_is_refused_in_the_leads_language(client, lead, db):
    from io import BytesIO

    client.get("/leads/surveys?lang=es")
    page = client.get("/leads/surveys").get_data(as_text=True)
    response = client.post(
        "/leads/surveys/import",
        data={
            "csrf_token": csrf_token(page),
            "file": (BytesIO("slug: café\n".encode("latin-1")), "encuesta.yaml"),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 422
    text = visible_text(response.get_data(as_text=True))
    assert "(archivo): el archivo no es texto UTF-8" in text
    assert db.session.scalar(db.select(db.func.count(Survey.id))) == 0
