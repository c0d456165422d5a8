"""The ``flask surveys`` commands, through the CLI runner."""

import copy
import json

import pytest

from surveys.models import Response, Survey
from tests.conftest import BUNDLED


def test_load_is_safe_to_repeat(runner, db):
    first = runner.invoke(args=["surveys", "load"])
    again = runner.invoke(args=["surveys", "load"])

    assert "safe-return: version 1 (new)" in first.output
    assert "safe-return: version 1 (unchanged)" in again.output
    assert db.session.scalar(db.select(db.func.count(Survey.id))) == 1


def test_changed_file_becomes_a_new_version_and_old_answers_keep_theirs(
    runner, db, survey, respondent, tmp_path, bundled_definition
):
    family = respondent()
    family.start(community="pacoima")
    family.complete()
    changed = copy.deepcopy(bundled_definition)
    changed["title"]["en"] = "Safe return to school, 2027"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed), encoding="utf-8")

    result = runner.invoke(args=["surveys", "load", str(path)])

    assert "version 2 (new)" in result.output
    response = db.session.scalars(db.select(Response)).one()
    assert response.version.number == 1
    assert response.version.definition["title"]["en"] == "Safe return to school"


def test_load_refuses_an_invalid_file_and_stores_nothing(runner, db, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("slug: bad\ntitle: {en: Only English}\n", encoding="utf-8")

    result = runner.invoke(args=["surveys", "load", str(path)])

    assert result.exit_code == 1
    assert "title.es" in result.output
    assert db.session.scalars(db.select(Survey)).all() == []


def test_links_prints_one_link_per_community_and_writes_qr_codes(runner, survey, tmp_path):
    result = runner.invoke(
        args=[
            "surveys",
            "links",
            "safe-return",
            "--base-url",
            "https://voces.example.org/",
            "--qr-dir",
            str(tmp_path / "qr"),
        ]
    )

    assert result.exit_code == 0
    assert "https://voces.example.org/s/safe-return\n" in result.output
    for community in survey.active_communities:
        assert f"https://voces.example.org/s/safe-return/{community.slug}" in result.output
        svg = (tmp_path / "qr" / f"{community.slug}.svg").read_text()
        assert svg.startswith("<?xml") and "<svg" in svg
    assert (tmp_path / "qr" / "all.svg").exists()


def test_links_for_an_unknown_survey_is_a_clear_error(runner, db):
    result = runner.invoke(args=["surveys", "links", "nope"])

    assert result.exit_code == 1
    assert "No survey with the slug 'nope'" in result.output


def test_status_closes_and_reopens(runner, client, survey):
    closed = runner.invoke(args=["surveys", "status", "safe-return", "closed"])
    assert closed.exit_code == 0 and closed.output == "safe-return: closed\n"
    assert client.get("/s/safe-return").status_code == 410
    opened = runner.invoke(args=["surveys", "status", "safe-return", "open"])
    assert opened.exit_code == 0 and opened.output == "safe-return: open\n"
    assert client.get("/s/safe-return").status_code == 200


def test_status_of_an_unknown_survey_exits_1(runner, db):
    result = runner.invoke(args=["surveys", "status", "nope", "closed"])
    assert result.exit_code == 1 and "No survey with the slug 'nope'" in result.output


def demo_summary(db):
    responses = db.session.scalars(db.select(Response).order_by(Response.id)).all()
    return [
        (
            r.language,
            r.community_id,
            r.role,
            sorted((a.question_key, json.dumps(a.value)) for a in r.answers),
        )
        for r in responses
    ]


def test_demo_adds_marked_responses_in_both_languages(runner, db, survey):
    result = runner.invoke(
        args=["surveys", "demo", "safe-return", "--responses", "60", "--seed", "7"]
    )

    assert "added 60 demo responses" in result.output
    responses = db.session.scalars(db.select(Response)).all()
    assert len(responses) == 60
    assert all(r.is_demo for r in responses)
    assert {r.language for r in responses} == {"en", "es"}
    assert len({r.community_id for r in responses}) >= 4
    open_texts = [
        a.value for r in responses for a in r.answers if a.question_key == "need_to_feel_safe"
    ]
    assert len(set(open_texts)) >= 10


def test_demo_is_repeatable_with_a_seed_and_clear_keeps_real_answers(
    runner, db, survey, respondent
):
    family = respondent()
    family.start(community="pacoima")
    family.complete()
    runner.invoke(args=["surveys", "demo", "safe-return", "--responses", "15", "--seed", "3"])
    first = demo_summary(db)[1:]

    cleared = runner.invoke(args=["surveys", "demo", "safe-return", "--clear"])
    assert "removed 15 demo responses" in cleared.output
    assert len(demo_summary(db)) == 1  # the family's real response stays

    runner.invoke(args=["surveys", "demo", "safe-return", "--responses", "15", "--seed", "3"])
    assert demo_summary(db)[1:] == first


def test_bundled_file_path_is_the_default(app):
    assert BUNDLED in [p for p in app.config["BUNDLED_SURVEYS"]]


def import_tiny(runner, tmp_path, definition):
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(definition), encoding="utf-8")
    result = runner.invoke(args=["surveys", "import", str(path)])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_an_imported_draft_is_published_from_the_cli(runner, db, tmp_path, tiny_definition):
    slug = import_tiny(runner, tmp_path, tiny_definition)
    assert runner.invoke(args=["surveys", "links", slug]).exit_code == 1  # a draft: no links

    result = runner.invoke(args=["surveys", "publish", slug])

    assert result.exit_code == 0 and f"{slug}: version 1, open" in result.output
    survey = db.session.scalars(db.select(Survey).filter_by(slug=slug)).one()
    assert survey.status == "open" and survey.draft is None
    assert "/s/tiny/north" in runner.invoke(args=["surveys", "links", slug]).output


def test_publishing_from_the_cli_asks_to_confirm_the_privacy_note(
    runner, db, tmp_path, tiny_definition
):
    question = tiny_definition["sections"][1]["questions"][0]
    question["text"] = {
        "en": "Your e-mail, if you want news",
        "es": "Su correo, si quiere noticias",
    }
    slug = import_tiny(runner, tmp_path, tiny_definition)

    refused = runner.invoke(args=["surveys", "publish", slug])
    assert refused.exit_code == 1 and "these questions identify people: need" in refused.output

    confirmed = runner.invoke(args=["surveys", "publish", slug, "--confirm-privacy"])
    assert confirmed.exit_code == 0


def test_import_prints_problems_and_exits_1(runner, db, tmp_path, tiny_definition):
    del tiny_definition["title"]["es"]
    path = tmp_path / "tiny.yaml"
    path.write_text(json.dumps(tiny_definition), encoding="utf-8")

    result = runner.invoke(args=["surveys", "import", str(path)])

    assert result.exit_code == 1
    assert "title.es: the text in this language is missing" in result.output
    assert db.session.scalar(db.select(db.func.count(Survey.id))) == 0


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("missing.yaml", None, "cannot read the file: No such file or directory"),
        ("missing.json", None, "cannot read the file: No such file or directory"),
        ("latin.yaml", "slug: tiny\ntitle: {en: Café}\n".encode("latin-1"), "not UTF-8"),
        ("latin.json", '{"slug": "tiny", "title": {"en": "Café"}}'.encode("latin-1"), "not UTF-8"),
    ],
)
def test_import_of_a_missing_or_non_utf8_file_is_a_clear_refusal(
    runner, db, tmp_path, name, content, words
):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)

    result = runner.invoke(args=["surveys", "import", str(path)])

    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert f"{path}: (file): " in result.output and words in result.output
    assert db.session.scalar(db.select(db.func.count(Survey.id))) == 0


def test_load_refuses_a_file_that_changes_a_published_question_type(
    runner, db, survey, tmp_path, bundled_definition
):
    changed = copy.deepcopy(bundled_definition)
    grade = changed["sections"][0]["questions"][1]
    assert grade["key"] == "grade_band" and grade["type"] == "single_choice"
    grade["type"] = "multiple_choice"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed), encoding="utf-8")

    result = runner.invoke(args=["surveys", "load", str(path)])

    assert result.exit_code == 1
    assert "sections[0].questions[1].type: this question was published as “One choice”" in (
        result.output
    )
    assert "add a new question with a new key (for example grade_band_2)" in result.output
    db.session.expire_all()
    assert [v.number for v in survey.versions] == [1]


def test_load_lets_a_short_text_become_a_long_one(
    runner, db, make_survey, tiny_definition, tmp_path
):
    tiny_definition["sections"][1]["questions"][0]["type"] = "short_text"
    make_survey(tiny_definition)
    tiny_definition["sections"][1]["questions"][0]["type"] = "long_text"
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(tiny_definition), encoding="utf-8")

    result = runner.invoke(args=["surveys", "load", str(path)])

    assert result.exit_code == 0 and "tiny: version 2 (new)" in result.output


def test_importing_a_changed_copy_never_touches_the_published_survey(
    runner, db, survey, tmp_path, bundled_definition
):
    """Import always makes a new draft, so it cannot change a published question."""
    changed = copy.deepcopy(bundled_definition)
    changed["sections"][0]["questions"][1]["type"] = "multiple_choice"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed), encoding="utf-8")

    result = runner.invoke(args=["surveys", "import", str(path)])

    assert result.exit_code == 0 and result.output == "safe-return-2\n"
    db.session.expire_all()
    assert [v.number for v in survey.versions] == [1]
    assert survey.current.definition == bundled_definition
