"""The leads' dashboard: counts, accessible charts, themes and focus groups, all suppressed."""

import copy
import json
import re
from datetime import date

import pytest
import yaml
from bs4 import BeautifulSoup

from surveys.analysis.summary import SMALL, Cell, any_determined
from surveys.models import Answer, Community, Response, ThemeAssignment, ThemeRun
from tests.test_focus_groups import finalize_by_service, session_by_service
from tests.test_i18n import assert_all_spanish, english_fragments

URL = "/leads/surveys/safe-return/dashboard"


def demo(runner, count, seed=4):
    result = runner.invoke(
        args=["surveys", "demo", "safe-return", "--responses", str(count), "--seed", str(seed)]
    )
    assert result.exit_code == 0, result.output


@pytest.fixture
def answered(runner, survey):
    demo(runner, 120)
    return survey


def report_json(client, query=""):
    return client.get(f"/leads/surveys/safe-return/downloads/report.json?lang=en{query}").get_json()


def soup_of(response):
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_dashboard_shows_counts_as_charts_with_the_same_numbers_in_tables(lead_client, answered):
    response = lead_client.client.get(URL)
    html = response.get_data(as_text=True)
    soup = soup_of(response)
    data = report_json(lead_client.client)

    assert "120" in soup.select_one(".dashboard-stats").get_text()
    charts = soup.select("figure.chart")
    assert len(charts) == 4 + len(data["questions"])
    for chart in charts:
        svg = chart.find("svg")
        assert svg["role"] == "img"
        assert svg.find("title").get_text().strip() and svg.find("desc").get_text().strip()
        assert chart.find("table")
    role = next(c for c in charts if "¿" not in c.get_text() and "Who is answering" in c.get_text())
    cells = [td.get_text() for td in role.select("tbody td")]
    role_data = next(q for q in data["questions"] if q["key"] == "role")
    assert cells[0::2] == [str(bar["count"]) for bar in role_data["bars"]]
    # No script, no inline style, nothing from another host.
    assert "<script" not in html and 'style="' not in html and "<style" not in html
    for tag in soup.find_all(href=True) + soup.find_all(src=True):
        link = tag.get("href") or tag.get("src")
        assert link.startswith(("/", "#", "?")), link


def test_the_dashboard_is_linked_from_the_leads_pages(lead_client, survey):
    themes = lead_client.client.get("/leads/surveys/safe-return/themes").get_data(as_text=True)
    groups = lead_client.client.get("/leads/focus-groups").get_data(as_text=True)
    assert 'href="/leads/surveys/safe-return/dashboard"' in themes
    assert 'href="/leads/surveys/safe-return/dashboard"' in groups


def test_filters_apply_to_every_panel_and_to_the_download_links(db, lead_client, answered):
    query = "&community=pacoima&language=es"
    data = report_json(lead_client.client, query)
    expected = db.session.scalar(
        db.select(db.func.count(Response.id))
        .join(Response.community)
        .filter_by(slug="pacoima")
        .where(Response.language == "es")
    )
    assert data["filters"] == {"community": "pacoima", "language": "es"}
    total = data["responses"]["total"]
    assert total == expected or (total == "fewer than 11" and expected < 11)
    assert [row["key"] for row in data["responses"]["by_community"]] == ["pacoima"]
    assert [row["key"] for row in data["responses"]["by_language"]] == ["es"]
    soup = soup_of(lead_client.client.get(f"{URL}?community=pacoima&language=es"))
    assert soup.select_one("select#community option[selected]")["value"] == "pacoima"
    links = [a["href"] for a in soup.select(".downloads a")]
    assert links and all("community=pacoima" in link and "language=es" in link for link in links)


def test_small_groups_are_hidden_everywhere_and_cannot_be_worked_out(lead_client, runner, survey):
    demo(runner, 40, seed=2)  # about 6 per community
    data = report_json(lead_client.client)
    assert data["responses"]["total"] == 40
    communities = data["responses"]["by_community"]
    assert "fewer than 11" in {row["count"] for row in communities}
    for row in communities:
        assert isinstance(row["share"], float) == isinstance(row["count"], int)
    names = ("community", "language", "role", "day")
    breakdowns = [(data["responses"][f"by_{n}"], 40) for n in names]
    breakdowns += [
        (q["bars"], q["answered"])
        for q in data["questions"]
        if q["type"] != "multiple_choice" and isinstance(q["answered"], int)
    ]
    for rows, total in breakdowns:
        cells = [_cell(row["count"]) for row in rows]
        assert not any_determined(cells, total, 11), rows
    soup = soup_of(lead_client.client.get(URL))
    chart = soup.find("figure", attrs={"aria-labelledby": "by-community-caption"})
    shown = [row for row in communities if isinstance(row["share"], float)]
    assert len(chart.select("rect.bar-fill")) == len(shown)
    assert "fewer than 11" in chart.get_text()


def _cell(value):
    if value == "fewer than 11":
        return Cell(1, SMALL)
    if value == "suppressed":
        return Cell(11, "complementary")
    return Cell(value)


def test_themes_panel_shows_the_latest_run_and_follows_the_filters(
    app, db, lead_client, answered, runner
):
    empty = soup_of(lead_client.client.get(URL)).get_text()
    assert "No themes yet." in empty
    result = runner.invoke(args=["analysis", "run", "safe-return", "--seed", "1"])
    assert result.exit_code == 0, result.output

    page = soup_of(lead_client.client.get(URL))
    data = report_json(lead_client.client)
    names = [t["name"] for t in data["themes"]["themes"] if not t["not_useful"]]
    headings = [h.get_text() for h in page.select("section.theme h3")]
    assert headings == names
    # A smaller threshold, read by this request, so that one community's own
    # quotes can show; every quote shown must be one of its texts.
    app.config["MIN_CELL"] = 5
    filtered = report_json(lead_client.client, "&community=east-la")
    # Demo answers repeat across communities: a quote must be one of east-la's texts.
    east_la = {
        a.text
        for a in db.session.scalars(db.select(ThemeAssignment).filter_by(run_id=run_id(db)))
        if a.community == "east-la"
    }
    quotes = [q for theme in filtered["themes"]["themes"] for q in theme["quotes"]]
    assert quotes, "the filtered panel shows quotes"
    assert {q["text"] for q in quotes} <= east_la
    unfiltered = {q["text"] for t in data["themes"]["themes"] for q in t["quotes"]}
    assert {q["text"] for q in quotes} != unfiltered


def run_id(db):
    return db.session.scalars(db.select(ThemeRun.id).order_by(ThemeRun.id.desc())).first()


def test_quotes_carry_no_response_id(app, lead_client, answered, runner):
    result = runner.invoke(args=["analysis", "run", "safe-return", "--seed", "1"])
    assert result.exit_code == 0, result.output
    app.config["MIN_CELL"] = 5  # more quotes to look at, with and without filters
    for query in ("", "&language=es"):
        raw = lead_client.client.get(
            f"/leads/surveys/safe-return/downloads/report.json?lang=en{query}"
        ).get_data(as_text=True)
        data = json.loads(raw)
        quotes = [q for t in data["themes"]["themes"] for q in t["quotes"]]
        quotes += [q for row in data["themes"]["communities"] for q in row["quotes"]]
        assert quotes
        assert all(set(q) == {"text", "lang", "gloss", "theme"} for q in quotes)
        assert not re.search(r"\br\d+-", raw), "a response id (r123-...) in the JSON"


def test_unknown_survey_is_a_friendly_404(lead_client, survey):
    response = lead_client.client.get("/leads/surveys/nope/dashboard")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_the_dashboard_in_spanish_has_no_english(db, lead_client, answered, runner):
    result = runner.invoke(args=["analysis", "run", "safe-return", "--seed", "1"])
    assert result.exit_code == 0, result.output
    pages = [
        ("dashboard", lead_client.client.get(f"{URL}?lang=es")),
        ("dashboard filtered", lead_client.client.get(f"{URL}?lang=es&role=student")),
        ("dashboard bad filter", lead_client.client.get(f"{URL}?lang=es&role=nadie")),
        (
            "bad download",
            lead_client.client.get("/leads/surveys/safe-return/downloads/report.doc?lang=es"),
        ),
    ]
    fragments = english_fragments(answered.current.definition)
    for name, response in pages:
        html = response.get_data(as_text=True)
        assert_all_spanish(html, fragments, name)
    assert "Respuestas por comunidad" in pages[0][1].get_data(as_text=True)
    students = db.session.scalar(db.select(db.func.count(Response.id)).filter_by(role="student"))
    filtered = soup_of(pages[1][1])
    shown = filtered.select_one(".dashboard-stats strong").get_text()
    assert shown == (str(students) if students >= 11 else "menos de 11")
    assert students >= 11, "enough students for a number to show"
    hint = filtered.find("p", class_="hint").get_text()
    assert "menos de 11 personas" in hint


# Focus groups ──────────────────────────────────────────────────────────────

BIG_QUOTE = "¡Por fin! «Queremos más apoyo» — dijo una madre. ¿Y ahora?"
SMALL_QUOTE = "SMALL-GROUP words about the buses"


@pytest.fixture
def two_groups(db, survey, make_user):
    return make_two_groups(db, survey, make_user("facilitator"))


def make_two_groups(db, survey, user):
    """A session of 12 in Pacoima, in Spanish, and one of 4 in Boyle Heights, in English."""
    big = session_by_service(
        db, survey, user, "pacoima", "2026-05-10", parents=8, students=4, languages=["es"]
    )
    small = session_by_service(db, survey, user, "boyle-heights", "2026-05-12", parents=4)
    for group, notes, quote in (
        (big, "Necesitamos más tutoría después de clases.", BIG_QUOTE),
        (small, "Small group notes.", SMALL_QUOTE),
    ):
        quotes = [{"text": quote, "role": "parent", "prompt": "learning"}]
        finalize_by_service(db, group, user, notes={"learning": notes}, quotes=quotes)
    return big, small


def focus_panel(client, query=""):
    soup = soup_of(client.get(f"{URL}?lang=en{query}"))
    heading = next(h for h in soup.find_all("h2") if h.get_text() == "Focus groups")
    parts = heading.find_next_siblings()
    return " ".join(part.get_text(" ", strip=True) for part in parts)


def test_focus_group_panel_quotes_only_groups_large_enough(lead_client, two_groups):
    data = report_json(lead_client.client)["focus_groups"]
    assert (data["sessions"], data["participants"]) == (2, 16)
    assert [q["text"] for q in data["highlights"]] == [BIG_QUOTE]

    panel = focus_panel(lead_client.client)
    assert "Finalized focus groups: 2, with 16 participants." in panel
    assert BIG_QUOTE in panel and SMALL_QUOTE not in panel


@pytest.mark.parametrize(
    ("query", "sessions", "participants"),
    [
        ("&community=boyle-heights", 1, "fewer than 11"),
        ("&role=student", 1, "fewer than 11"),  # the big group's 4 students
        ("&language=en", 1, "fewer than 11"),
        ("&language=es", 1, 12),
    ],
)
def test_focus_group_panel_follows_the_filters(
    lead_client, two_groups, query, sessions, participants
):
    data = report_json(lead_client.client, query)["focus_groups"]
    assert (data["sessions"], data["participants"]) == (sessions, participants)
    panel = focus_panel(lead_client.client, query)
    assert SMALL_QUOTE not in panel
    if participants == 12:
        assert [q["text"] for q in data["highlights"]] == [BIG_QUOTE] and BIG_QUOTE in panel
    else:
        assert data["highlights"] == [] and BIG_QUOTE not in panel
        assert "No quotes are shown: the sessions had too few participants" in panel


def test_filters_reach_the_closed_question_panel(db, lead_client, answered):
    data = report_json(lead_client.client, "&role=student")
    students = db.session.scalars(db.select(Response).filter_by(role="student")).all()
    answers = [r.answer_map() for r in students]
    assert len(students) >= 11
    role = next(q for q in data["questions"] if q["key"] == "role")
    assert {bar["key"]: bar["count"] for bar in role["bars"]} == {
        "parent_guardian": 0,
        "student": len(students),
        "educator": 0,
        "community_member": 0,
    }
    shown = 0
    for question in data["questions"]:
        given = [a[question["key"]].value for a in answers if question["key"] in a]
        skipped = len(students) - len(given)
        if isinstance(question["answered"], int):
            shown += 1
            assert question["answered"] == len(given), question["key"]
        elif question["answered"] == "suppressed":  # it would give away how few skipped
            assert 0 < skipped < 11, question["key"]
        else:
            assert question["answered"] == "fewer than 11" and len(given) < 11
        for bar in question["bars"] if question["type"] != "multiple_choice" else []:
            chose = sum(str(value) == bar["key"] for value in given)
            assert bar["count"] in (chose, "suppressed") or (
                bar["count"] == "fewer than 11" and 0 < chose < 11
            ), (question["key"], bar)
    assert shown >= 2
    chart = soup_of(lead_client.client.get(f"{URL}?role=student")).find(
        "figure", attrs={"aria-labelledby": "q-role-caption"}
    )
    assert [td.get_text() for td in chart.select("tbody td")][2:4] == [str(len(students)), "100%"]


def test_filters_reach_the_theme_panel(db, lead_client, answered, runner):
    result = runner.invoke(args=["analysis", "run", "safe-return", "--seed", "1"])
    assert result.exit_code == 0, result.output
    everyone = report_json(lead_client.client)["themes"]
    spanish = report_json(lead_client.client, "&language=es")["themes"]
    respondents = db.session.scalar(
        db.select(db.func.count(db.distinct(ThemeAssignment.respondent))).filter_by(
            run_id=run_id(db), language="es"
        )
    )
    assert spanish["respondents"] == respondents != everyone["respondents"]
    totals = {t["key"]: t["total"] for t in spanish["themes"]}
    assert totals != {t["key"]: t["total"] for t in everyone["themes"]}
    for key, total in totals.items():
        mention = db.session.scalar(
            db.select(db.func.count(db.distinct(ThemeAssignment.respondent))).filter_by(
                run_id=run_id(db), language="es", theme_key=key
            )
        )
        assert total in (mention, "suppressed") or (total == "fewer than 11" and mention < 11)


# Versions ──────────────────────────────────────────────────────────────────


def second_version(runner, definition, folder):
    """Publish version 2 with ``flask surveys load``: a question removed, one
    changed, one added, and one choice dropped."""
    changed = copy.deepcopy(definition)
    at_home = next(s for s in changed["sections"] if s["key"] == "at_home")
    questions = {q["key"]: q for s in changed["sections"] for q in s["questions"]}
    at_home["questions"].remove(questions["school_meals"])
    internet = questions["internet_at_home"]
    internet["choices"] = [c for c in internet["choices"] if c["key"] != "none"]
    questions["wants_counselor"]["text"] = {
        "en": "Would your child talk with a school counselor?",
        "es": "¿Su hijo o hija hablaría con un consejero de la escuela?",
    }
    at_home["questions"].append(
        {
            "key": "bus_pass",
            "type": "yes_no",
            "text": {
                "en": "Does your family need a bus pass?",
                "es": "¿Su familia necesita un pase de autobús?",
            },
        }
    )
    path = folder / "safe-return.yaml"
    path.write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(args=["surveys", "load", str(path)])
    assert "safe-return: version 2 (new)" in result.output, result.output


@pytest.fixture
def two_versions(db, runner, survey, bundled_definition, tmp_path):
    demo(runner, 80, seed=4)  # version 1
    second_version(runner, bundled_definition, tmp_path)
    demo(runner, 40, seed=5)  # version 2
    return survey


def stored_count(db, key, value=None):
    """Answers stored to ``key`` (of every version), or those that chose ``value``."""
    answers = db.session.scalars(db.select(Answer).filter_by(question_key=key)).all()
    return sum(value is None or answer.value == value for answer in answers)


def test_every_version_s_questions_and_choices_are_counted(db, lead_client, two_versions):
    data = report_json(lead_client.client)
    questions = {q["key"]: q for q in data["questions"]}

    meals = questions["school_meals"]  # only version 1 asked it
    assert meals["answered"] == stored_count(db, "school_meals") >= 11
    assert meals["changes"] == [{"change": "removed", "version": 2}]
    assert meals["notes"] == [
        "Removed in version 2: only families who answered an earlier version "
        "were asked this question."
    ]

    internet = {bar["key"]: bar for bar in questions["internet_at_home"]["bars"]}
    dropped = internet["none"]
    assert dropped["label"] == "No internet at home (offered up to version 1)"
    assert dropped["offered_until"] == 1 and internet["reliable"]["offered_until"] is None
    assert dropped["count"] == stored_count(db, "internet_at_home", "none") >= 11
    assert questions["internet_at_home"]["notes"][0].startswith("Changed in version 2:")

    counselor = questions["wants_counselor"]
    assert counselor["text"] == "Would your child talk with a school counselor?"
    assert counselor["answered"] == stored_count(db, "wants_counselor")
    assert counselor["changes"] == [{"change": "changed", "version": 2}]
    assert questions["bus_pass"]["changes"] == [{"change": "added", "version": 2}]
    assert questions["bus_pass"]["answered"] == stored_count(db, "bus_pass") > 0
    assert questions["role"]["changes"] == [] and questions["role"]["notes"] == []


def test_the_dashboard_and_report_say_when_a_question_changed(lead_client, two_versions):
    english = soup_of(lead_client.client.get(URL))
    meals = english.find("figure", attrs={"aria-labelledby": "q-school_meals-caption"})
    assert meals.find_next_sibling("p").get_text() == (
        "Removed in version 2: only families who answered an earlier version "
        "were asked this question."
    )
    assert "No internet at home (offered up to version 1)" in english.get_text()

    spanish = lead_client.client.get(URL + "?lang=es").get_data(as_text=True)
    report = lead_client.client.get(
        "/leads/surveys/safe-return/downloads/report.html?lang=es"
    ).get_data(as_text=True)
    for page in (spanish, report):
        assert "Se quitó en la versión 2" in page
        assert "Se agregó en la versión 2" in page
        assert "Cambió en la versión 2" in page
        assert "No tenemos internet en casa (se ofreció hasta la versión 1)" in page


# The threshold an operator sets ───────────────────────────────────────────


@pytest.fixture
def threshold_five(monkeypatch):
    """VOCES_MIN_CELL=5 in the environment, before the app is made."""
    monkeypatch.setenv("VOCES_MIN_CELL", "5")


def test_an_operator_s_threshold_applies_to_every_panel(
    threshold_five, app, db, lead_client, runner, survey
):
    assert app.config["MIN_CELL"] == 5
    demo(runner, 40, seed=2)  # about 6 per community
    # A theme run made while the threshold was still 11 keeps that summary.
    app.config["MIN_CELL"] = 11
    result = runner.invoke(args=["analysis", "run", "safe-return", "--seed", "1"])
    assert result.exit_code == 0, result.output
    app.config["MIN_CELL"] = 5
    stored = db.session.scalars(db.select(ThemeRun)).one().summary
    assert stored["min_cell"] == 11

    raw = lead_client.client.get(
        "/leads/surveys/safe-return/downloads/report.json?lang=en"
    ).get_data(as_text=True)
    data = json.loads(raw)
    assert data["min_cell"] == 5 and "fewer than 11" not in raw
    communities = {row["key"]: row["count"] for row in data["responses"]["by_community"]}
    expected = dict(
        db.session.execute(
            db.select(Community.slug, db.func.count(Response.id))
            .join(Response.community)
            .group_by(Community.slug)
        ).all()
    )
    shown = [n for n in communities.values() if isinstance(n, int) and 5 <= n < 11]
    assert shown, "a community of 5 to 10 people shows its number"
    for slug, count in communities.items():
        if slug is not None:
            assert count in (expected[slug], "suppressed") or (
                count == "fewer than 5" and expected[slug] < 5
            )
    assert data["themes"]["respondents"] == 40

    page = lead_client.client.get(URL).get_data(as_text=True)
    assert "counts from fewer than 5 people are not shown" in page
    assert "fewer than 11" not in page
    spanish = lead_client.client.get(URL + "?lang=es").get_data(as_text=True)
    assert "menos de 5 personas" in spanish and "menos de 11" not in spanish


# Dates in the report ───────────────────────────────────────────────────────


def test_the_report_dates_follow_the_filters_and_hide_a_small_group(db, lead_client, answered):
    responses = db.session.scalars(db.select(Response).order_by(Response.id)).all()
    for number, response in enumerate(responses):
        # Spanish answers came in March, English ones in April.
        month = 3 if response.language == "es" else 4
        response.submitted_on = date(2026, month, 1 + number % 20)
    db.session.commit()

    def dates(query):
        data = report_json(lead_client.client, query)["survey"]
        return data["first_day"], data["last_day"]

    assert dates("") == ("2026-03-01", "2026-04-20")
    assert dates("&language=es") == ("2026-03-01", "2026-03-20")
    html = lead_client.client.get(
        "/leads/surveys/safe-return/downloads/report.html?lang=en&language=en"
    ).get_data(as_text=True)
    assert "Answers received from 2026-04-01 to 2026-04-20." in html

    few = db.session.scalars(db.select(Response).filter_by(language="en")).all()[:3]
    for response in few:
        response.role = "educator"
    db.session.execute(
        db.update(Response)
        .where(Response.id.not_in([r.id for r in few]))
        .values(role="parent_guardian")
    )
    db.session.commit()
    assert dates("&role=educator") == (None, None)
    assert report_json(lead_client.client, "&role=educator")["responses"]["by_day"] == []
    days = report_json(lead_client.client, "&language=es")["responses"]["by_day"]
    assert [row["key"] for row in days] == [f"2026-03-{n:02}" for n in range(1, 21)]
    html = lead_client.client.get(
        "/leads/surveys/safe-return/downloads/report.html?lang=en&role=educator"
    ).get_data(as_text=True)
    assert "Answers received" not in html and "2026-04" not in html
