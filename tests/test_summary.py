"""Summaries by community: small cells and complementary suppression."""

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.analysis.result import NON_ANSWER, Document, Quote, Theme, ThemeResult
from surveys.analysis.summary import summarize

COMMUNITIES = ["pacoima", "wilmington", "koreatown", None]
LANGUAGES = ["en", "es"]
ROLES = ["parent_guardian", "student", "educator", None]
SOURCES = ["survey", "focus_group"]


def build(units, n_themes=4):
    """Documents and a ThemeResult from (community, lang, role, source, themes) tuples."""
    documents, labels, languages = [], {}, {}
    for index, (community, lang, role, source, themes) in enumerate(units):
        for position, theme in enumerate(themes or [NON_ANSWER]):
            doc = Document(
                id=f"r{index}-{position}",
                text=f"text {index} {theme}",
                lang=lang,
                community=community,
                source=source,
                role=role,
                respondent=f"r{index}",
            )
            documents.append(doc)
            labels[doc.id] = theme
            languages[doc.id] = lang
    themes = []
    for theme_id in range(n_themes):
        members = [d for d in documents if labels[d.id] == theme_id]
        quotes = [Quote(id=d.id, text=d.text, lang=d.lang) for d in members[:6]]
        themes.append(
            Theme(
                id=theme_id,
                names={"en": f"t{theme_id}", "es": f"t{theme_id}"},
                terms={"en": [], "es": []},
                size=len(members),
                quotes=quotes,
            )
        )
    result = ThemeResult(
        labels=labels,
        themes=themes,
        languages=languages,
        masked_texts={},
        glosses={},
        translated=True,
    )
    return documents, result


def feasible(ranges, rest):
    """For each hidden cell, the values it can take with the others inside their ranges."""
    options = []
    for i, own in enumerate(ranges):
        sums = {0}
        for r in ranges[:i] + ranges[i + 1 :]:
            sums = {s + v for s in sums for v in r if s + v <= rest}
        options.append({v for v in own if rest - v in sums})
    return options


def feasible_values(hidden, rest, total, min_cell):
    """Every value each hidden cell could take, worked out by brute force."""
    ranges = [
        range(1, min_cell) if label.startswith("fewer") else range(min_cell, total + 1)
        for label in hidden
    ]
    return feasible(ranges, rest)


def true_breakdowns(documents, result):
    units, mentions = {}, {}
    for doc in sorted(documents, key=lambda d: d.id):
        units.setdefault(
            doc.respondent,
            {
                "community": doc.community,
                "language": doc.lang,
                "role": doc.role,
                "source": doc.source,
            },
        )
        theme = result.labels[doc.id]
        if theme != NON_ANSWER:
            mentions.setdefault(theme, set()).add(doc.respondent)
    return units, mentions


def key(value):
    return "(none)" if value is None else str(value)


def respondents(themes_each):
    """Respondents as (community, lang, role, source, themes) with up to ``themes_each`` themes."""
    return st.tuples(
        st.sampled_from(COMMUNITIES),
        st.sampled_from(LANGUAGES),
        st.sampled_from(ROLES),
        st.sampled_from(SOURCES),
        st.lists(st.integers(0, 3), max_size=themes_each, unique=True),
    )


unit = respondents(3)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(units=st.lists(unit, max_size=90), min_cell=st.sampled_from([3, 5, 11]))
def test_no_suppressed_value_can_be_recovered_from_totals(units, min_cell):
    documents, result = build(units)
    summary = summarize(documents, result, min_cell=min_cell)
    unit_info, mentions = true_breakdowns(documents, result)

    for theme in summary["themes"]:
        members = mentions.get(theme["theme"], set())
        total = theme["total"]
        if not isinstance(total, int):
            continue  # the theme total is hidden: nothing to subtract from
        assert total == len(members)
        for name in ("community", "language", "role", "source"):
            truth = Counter(key(unit_info[u][name]) for u in members)
            shown = theme[f"by_{name}"]
            assert set(shown) == set(truth)
            hidden = [k for k, v in shown.items() if not isinstance(v, int)]
            for k, v in shown.items():
                if isinstance(v, int):
                    assert v == truth[k]
                    assert v == 0 or v >= min_cell  # no small count is ever shown
                elif v.startswith("fewer"):
                    assert 0 < truth[k] < min_cell  # the label tells the truth
            rest = total - sum(v for v in shown.values() if isinstance(v, int))
            options = feasible_values([shown[k] for k in hidden], rest, total, min_cell)
            for k, values in zip(hidden, options, strict=True):
                assert truth[k] in values
                assert len(values) > 1, f"{name}={k} of theme {theme['theme']} is recoverable"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(units=st.lists(respondents(1), max_size=90), min_cell=st.sampled_from([3, 5, 11]))
def test_a_community_row_gives_away_no_hidden_count(units, min_cell):
    # One theme each: a community's theme counts and its respondents without a
    # theme add up to its respondents.
    documents, result = build(units)
    summary = summarize(documents, result, min_cell=min_cell)
    unit_info, mentions = true_breakdowns(documents, result)
    theme_of = {u: t for t, members in mentions.items() for u in members}
    # A wholly hidden theme's cells say "suppressed" whatever their size.
    withheld = {t["theme"] for t in summary["themes"] if not isinstance(t["total"], int)}

    for row in summary["communities"]:
        respondents = row["respondents"]
        if not isinstance(respondents, int):
            continue
        truth = Counter(
            theme_of.get(u, NON_ANSWER)
            for u, info in unit_info.items()
            if key(info["community"]) == key(row["community"])
        )
        cells = {cell["theme"]: cell["count"] for cell in row["themes"]}
        hidden = [t for t, v in cells.items() if not isinstance(v, int)]
        ranges = [
            range(1, min_cell)
            if cells[t].startswith("fewer")
            else range(1 if t in withheld else min_cell, respondents + 1)
            for t in hidden
        ]
        if summary["non_answers"] != 0:  # respondents without a theme: never shown by community
            ranges.append(range(0, respondents + 1))
        rest = respondents - sum(v for v in cells.values() if isinstance(v, int))
        for theme, values in zip(hidden, feasible(ranges, rest), strict=False):
            assert truth[theme] in values
            assert len(values) > 1, f"theme {theme} in {row['community']} is recoverable"


@settings(max_examples=80, deadline=None)
@given(units=st.lists(unit, max_size=90))
def test_shares_and_quotes_come_only_from_large_enough_cells(units):
    documents, result = build(units)
    summary = summarize(documents, result, min_cell=11)
    community_of = {d.id: d.community for d in documents}

    for row in summary["communities"]:
        respondents = row["respondents"]
        for entry in row["themes"]:
            if isinstance(entry["share"], float):
                assert isinstance(respondents, int) and respondents >= 11
                assert isinstance(entry["count"], int) and entry["count"] >= 11
                assert abs(entry["share"] - entry["count"] / respondents) < 1e-3
        if not isinstance(respondents, int):
            assert row["quotes"] == []
        for quote in row["quotes"]:
            assert community_of[quote["id"]] == row["community"]
    for theme in summary["themes"]:
        for quote in theme["quotes"]:
            cell = theme["by_community"][key(community_of[quote["id"]])]
            assert isinstance(cell, int) and cell >= 11


def test_a_single_small_cell_hides_a_second_one():
    units = (
        [("pacoima", "es", "student", "survey", [0])] * 30
        + [("wilmington", "en", "student", "survey", [0])] * 20
        + [("koreatown", "en", "student", "survey", [0])] * 3
    )
    documents, result = build(units, n_themes=1)

    theme = summarize(documents, result)["themes"][0]

    assert theme["total"] == 53
    assert theme["by_community"]["koreatown"] == "fewer than 11"
    assert theme["by_community"]["wilmington"] == "suppressed"  # else 53 - 30 - 20 = 3
    assert theme["by_community"]["pacoima"] == 30


def test_small_communities_show_no_counts_shares_or_quotes():
    units = (
        [("pacoima", "es", "parent_guardian", "survey", [0, 1])] * 25
        + [("wilmington", "es", "parent_guardian", "survey", [0, 1])] * 15
        + [("koreatown", "en", "student", "survey", [0])] * 4
    )
    documents, result = build(units, n_themes=2)

    rows = {row["community"]: row for row in summarize(documents, result)["communities"]}

    assert rows["koreatown"]["respondents"] == "fewer than 11"
    assert rows["wilmington"]["respondents"] == "suppressed"  # else 44 - 25 - 15 = 4
    assert rows["koreatown"]["quotes"] == []
    assert all(not isinstance(t["share"], float) for t in rows["koreatown"]["themes"])
    assert rows["pacoima"]["respondents"] == 25
    assert rows["pacoima"]["top_themes"] == [0, 1]
    assert rows["pacoima"]["themes"][0]["share"] == 1.0


def test_respondents_are_counted_once_however_many_answers_they_gave():
    documents = [
        Document(id=f"r1-{q}", text="wifi", community="pacoima", respondent="r1")
        for q in ("a", "b", "c")
    ]
    result = ThemeResult(
        labels={d.id: 0 for d in documents},
        themes=[Theme(0, {"en": "x", "es": "x"}, {"en": [], "es": []}, 3)],
        languages={d.id: "en" for d in documents},
        masked_texts={},
        glosses={},
        translated=True,
    )

    summary = summarize(documents, result, min_cell=1)

    assert summary["themes"][0]["total"] == 1
    assert summary["communities"][0]["respondents"] == 1
