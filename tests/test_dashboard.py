"""The leads' dashboard: counts, accessible charts, themes and focus groups, all suppressed."""

import re

import pytest
from bs4 import BeautifulSoup

from surveys.analysis.summary import SMALL, Cell, any_determined
from surveys.models import Response
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
    db, lead_client, answered, runner
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
    filtered = report_json(lead_client.client, "&community=east-la")
    community_of = {
        f"r{r.id}": (r.community.slug if r.community else None)
        for r in db.session.scalars(db.select(Response))
    }
    for theme in filtered["themes"]["themes"]:
        for quote in theme["quotes"]:
            assert community_of[quote["id"].split("-")[0]] == "east-la"


def test_unknown_survey_is_a_friendly_404(lead_client, survey):
    response = lead_client.client.get("/leads/surveys/nope/dashboard")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_the_dashboard_in_spanish_has_no_english(lead_client, answered, runner):
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
    assert re.search(r"menos de 11|oculto|\d", pages[1][1].get_data(as_text=True))
