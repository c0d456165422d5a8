"""Theme runs in the app: the CLI, stable keys, review edits that survive re-runs, pages."""

import pytest

from surveys.models import RunTheme, ThemeAssignment, ThemeEdit, ThemeRun
from surveys.services import themes


@pytest.fixture
def answered(runner, survey):
    """The bundled survey with 120 demo responses in English and Spanish."""
    result = runner.invoke(
        args=["surveys", "demo", "safe-return", "--responses", "120", "--seed", "4"]
    )
    assert result.exit_code == 0
    return survey


def run_cli(runner, *extra):
    result = runner.invoke(args=["analysis", "run", "safe-return", "--seed", "1", *extra])
    assert result.exit_code == 0, result.output
    return result


def latest(db):
    return db.session.scalars(db.select(ThemeRun).order_by(ThemeRun.id.desc())).first()


def keys_by_document(db, run):
    rows = db.session.execute(
        db.select(ThemeAssignment.document_id, ThemeAssignment.theme_key).filter_by(run_id=run.id)
    )
    return dict(rows.all())


def test_cli_run_stores_the_whole_run(runner, db, answered):
    result = run_cli(runner)

    run = latest(db)
    assert run.status == "done"
    assert f"run {run.id}:" in result.output
    assert run.counts["documents"] == db.session.scalar(
        db.select(db.func.count(ThemeAssignment.id)).filter_by(run_id=run.id)
    )
    assert run.counts["survey"] > 100 and run.counts["non_answers"] > 0
    assert len(run.themes) >= 2
    assert run.summary["min_cell"] == 11
    for theme in run.themes:
        assert theme.names["en"] and theme.names["es"]
        assert f"{theme.name('en')} / {theme.name('es')}" in result.output
    texts = [a.text for a in db.session.scalars(db.select(ThemeAssignment))]
    assert not any("323-555-0147" in t or "213 555 0199" in t for t in texts)


def test_cli_can_pool_chosen_questions_and_set_the_number_of_themes(runner, db, answered):
    run_cli(runner, "--questions", "biggest_worry", "--themes", "4")

    run = latest(db)
    assert run.parameters["questions"] == ["biggest_worry"]
    assert {
        a.document_id.split("-", 1)[1]
        for a in db.session.scalars(db.select(ThemeAssignment).filter_by(run_id=run.id))
    } == {"biggest_worry"}
    assert len(run.themes) <= 4


def test_cli_for_an_unknown_survey_is_a_clear_error(runner, db):
    result = runner.invoke(args=["analysis", "run", "nope"])
    assert result.exit_code == 1
    assert "No survey with the slug 'nope'" in result.output


def test_theme_keys_stay_the_same_across_runs(runner, db, answered):
    run_cli(runner)
    first = latest(db)
    first_keys = keys_by_document(db, first)
    run_cli(runner)
    second = latest(db)

    assert second.id != first.id
    assert keys_by_document(db, second) == first_keys
    assert {t.key for t in second.themes} == {t.key for t in first.themes}


def test_review_edits_survive_a_run_on_more_answers(runner, db, answered):
    run_cli(runner)
    run = latest(db)
    big, other, third = run.themes[0], run.themes[1], run.themes[2]
    themes.review(
        answered,
        None,
        "rename",
        {"key": big.key, "names": {"en": "Internet at home", "es": "Internet en casa"}},
    )
    themes.review(answered, None, "merge", {"key": third.key, "into": other.key})
    moved = next(d for d, k in keys_by_document(db, run).items() if k == big.key)
    themes.review(answered, None, "move", {"document_id": moved, "to": other.key})
    themes.review(answered, None, "not_useful", {"key": other.key})
    db.session.commit()

    runner.invoke(args=["surveys", "demo", "safe-return", "--responses", "40", "--seed", "9"])
    run_cli(runner)
    rerun = latest(db)

    assert rerun.theme(big.key).names == {"en": "Internet at home", "es": "Internet en casa"}
    assert rerun.theme(third.key) is None
    assert rerun.theme(other.key).not_useful
    assert keys_by_document(db, rerun)[moved] == other.key
    assert db.session.scalar(db.select(db.func.count(ThemeEdit.id))) == 4


def test_split_makes_two_new_themes_that_stay_split(runner, db, answered):
    run_cli(runner)
    run = latest(db)
    target = run.themes[0]
    before = {t.key for t in run.themes}

    themes.review(answered, None, "split", {"key": target.key})
    db.session.commit()
    after = {t.key for t in latest(db).themes}
    run_cli(runner)

    new_keys = after - before
    assert target.key not in after and len(new_keys) == 2
    assert new_keys <= {t.key for t in latest(db).themes}


def test_a_bad_edit_is_refused_and_nothing_is_recorded(runner, db, answered):
    run_cli(runner)
    with pytest.raises(themes.ReviewError):
        themes.review(answered, None, "merge", {"key": 999, "into": 1})
    with pytest.raises(themes.ReviewError):
        themes.review(
            answered,
            None,
            "rename",
            {"key": latest(db).themes[0].key, "names": {"en": "Only English", "es": " "}},
        )
    db.session.rollback()
    assert db.session.scalars(db.select(ThemeEdit)).all() == []


def test_lead_runs_the_analysis_and_reviews_in_the_browser(db, answered, lead_client):
    client = lead_client.client
    page = client.get("/leads/surveys/safe-return/themes?lang=es")
    assert "Todavía no hay temas." in page.get_data(as_text=True)

    client.post(
        "/leads/surveys/safe-return/themes/run",
        data={"csrf_token": lead_client.csrf("/leads/surveys/safe-return/themes")},
    )
    page = client.get("/leads/surveys/safe-return/themes").get_data(as_text=True)
    run = latest(db)
    assert run.status == "done"
    first = run.themes[0]
    assert first.name("es") in page
    assert "Machine translation" not in page  # the page is in Spanish

    client.post(
        f"/leads/surveys/safe-return/themes/{first.key}/rename",
        data={
            "csrf_token": lead_client.csrf("/leads/surveys/safe-return/themes"),
            f"r{first.key}-name_en": "Wifi and devices",
            f"r{first.key}-name_es": "Wifi y equipos",
        },
    )
    assert "Wifi y equipos" in client.get("/leads/surveys/safe-return/themes").get_data(
        as_text=True
    )
    texts = client.get(f"/leads/surveys/safe-return/themes/{first.key}")
    assert texts.status_code == 200
    assert (
        db.session.scalar(db.select(RunTheme.names).filter_by(run_id=run.id, key=first.key))["en"]
        == "Wifi and devices"
    )


def test_small_cells_are_hidden_on_the_page(db, answered, lead_client, runner):
    run_cli(runner)
    page = lead_client.client.get("/leads/surveys/safe-return/themes?lang=es").get_data(
        as_text=True
    )
    run = latest(db)
    shares = [entry["share"] for row in run.summary["communities"] for entry in row["themes"]]
    # 120 answers over 6 communities and several themes leave some small cells
    assert "fewer than 11" in shares
    assert "<td>menos de 11</td>" in page
    assert "fewer than" not in page


def test_leads_edit_the_codebook_in_both_languages(db, survey, lead_client):
    from surveys.services import codebooks

    client = lead_client.client
    url = "/leads/surveys/safe-return/codebook"
    page = client.get(url)
    assert page.status_code == 200
    data = {"csrf_token": lead_client.csrf(url)}
    existing = codebooks.codebook_for(survey).themes
    for index, theme in enumerate(existing):
        data.update(
            {
                f"themes-{index}-key": theme["key"],
                f"themes-{index}-name_en": theme["names"]["en"],
                f"themes-{index}-name_es": theme["names"]["es"],
                f"themes-{index}-keywords_en": ", ".join(theme["keywords"]["en"]),
                f"themes-{index}-keywords_es": ", ".join(theme["keywords"]["es"]),
            }
        )
    new = len(existing)
    data.update(
        {
            f"themes-{new}-name_en": "School gardens",
            f"themes-{new}-name_es": "Huertos escolares",
            f"themes-{new}-keywords_en": "garden, plants",
            f"themes-{new}-keywords_es": "huerto, plantas",
        }
    )

    assert client.post(url, data=data).status_code == 302
    saved = codebooks.codebook_for(survey).themes
    assert saved[-1]["names"] == {"en": "School gardens", "es": "Huertos escolares"}
    assert saved[-1]["keywords"] == {"en": ["garden", "plants"], "es": ["huerto", "plantas"]}
    assert [t["key"] for t in saved[:-1]] == [t["key"] for t in existing]

    data[f"themes-{new}-keywords_es"] = ""
    refused = client.post(url, data=data)
    assert refused.status_code == 422
    assert "at least one keyword in each language" in refused.get_data(as_text=True)
