"""What the leads' dashboard, the summary report and its JSON show: all suppressed.

Every count, share, bar and quote goes through the suppression rules of
``analysis/summary.py``: a breakdown (responses by community, language, role
or day; the answers to one closed question) is protected as a whole, so no
hidden count can be worked out from the shown total and the other counts.
Filters narrow every panel alike.
"""

import json
from collections import Counter
from dataclasses import replace

from flask_babel import force_locale
from flask_babel import gettext as _

from ..analysis.redact import mask_personal_details
from ..analysis.summary import SMALL, Cell, Renderer, protect_breakdown, summarize
from ..definition.model import OTHER_KEY, localized
from ..extensions import db
from ..models import Answer, FocusGroup, Response
from . import selection, themes
from .survey_store import definition_of

CHART_TYPES = ("single_choice", "multiple_choice", "yes_no", "rating")
BREAKDOWNS = ("community", "language", "role", "day")
QUOTES_PER_COMMUNITY = 3
# Survey role keys that match a focus group's participant counts.
ROLE_COUNTS = {
    "parent_guardian": "parents",
    "parent": "parents",
    "student": "students",
    "educator": "educators",
    "community_member": "community_members",
}


def build(survey, filters, language, min_cell):
    """The whole dashboard of ``survey`` for ``filters``, labels in ``language``."""
    with force_locale(language):
        return _build(survey, filters, language, min_cell)


def _build(survey, filters, language, min_cell):
    render = Renderer(min_cell)
    definition = definition_of(survey.current)
    counts = _response_counts(survey, filters)
    total = sum(counts["community"].values())
    total_cell, breakdowns = _protect_all(counts, total, min_cell)
    return {
        "survey": _survey_facts(survey, definition, language),
        "filters": filters.chosen(),
        "min_cell": min_cell,
        "responses": {
            "total": render.cell(total_cell),
            "empty": total == 0,
            **{
                f"by_{name}": _rows(
                    breakdowns[name],
                    total_cell,
                    render,
                    _labeller(name, survey, definition, language),
                )
                for name in BREAKDOWNS
            },
        },
        "questions": _questions(survey, definition, filters, language, render, min_cell),
        "themes": theme_panel(survey, filters, language, min_cell),
        "focus_groups": focus_group_panel(survey, filters, render, min_cell),
    }


def _survey_facts(survey, definition, language):
    days = db.session.execute(
        db.select(db.func.min(Response.submitted_on), db.func.max(Response.submitted_on)).filter_by(
            survey_id=survey.id
        )
    ).one()
    return {
        "slug": survey.slug,
        "title": definition.text("title", language),
        "status": survey.status,
        "first_day": days[0].isoformat() if days[0] else None,
        "last_day": days[1].isoformat() if days[1] else None,
    }


def _response_counts(survey, filters):
    """Responses by community, language, role and day, counted by the database."""
    where = selection.conditions(survey, filters)
    columns = {
        "community": Response.community_id,
        "language": Response.language,
        "role": Response.role,
        "day": Response.submitted_on,
    }
    counts = {
        name: Counter(
            dict(
                db.session.execute(
                    db.select(column, db.func.count()).where(*where).group_by(column)
                ).all()
            )
        )
        for name, column in columns.items()
    }
    slugs = {c.id: c.slug for c in survey.communities}
    counts["community"] = Counter({slugs.get(k): n for k, n in counts["community"].items()})
    return counts


def _protect_all(counts, total, min_cell):
    """Each breakdown protected; the total is hidden if any breakdown needs it hidden."""
    if total < min_cell:
        state = SMALL if total else "shown"
        return Cell(total, state), {
            name: {k: Cell(v, SMALL) for k, v in c.items()} for name, c in counts.items()
        }
    protected = {name: protect_breakdown(c, min_cell) for name, c in counts.items()}
    hidden = next((t for t, _cells in protected.values() if t.hidden), None)
    return hidden or Cell(total), {name: cells for name, (_t, cells) in protected.items()}


def _rows(cells, total, render, label):
    rows = [
        {"key": _json_key(key), "label": label(key), **_count_and_share(cell, total, render)}
        for key, cell in cells.items()
    ]
    return sorted(rows, key=lambda row: (row["key"] is None, str(row["key"])))


def _json_key(key):
    return key.isoformat() if hasattr(key, "isoformat") else key


def _count_and_share(cell, total, render):
    share = None if cell.hidden or total.hidden or not total.value else cell.value / total.value
    return {"count": render.cell(cell), "share": render.share(share, cell, total)}


def _labeller(name, survey, definition, language):
    if name == "community":
        names = {c.slug: c.name(language) for c in survey.communities}
        return lambda key: names.get(key) or _("No community given")
    if name == "language":
        languages = {"en": _("English"), "es": _("Spanish")}
        return lambda key: languages.get(key, key)
    if name == "role":
        question = selection.role_question(survey)
        return lambda key: (
            question.choice_label(key, language) if question and key else _("Not given")
        )
    return lambda key: key.isoformat()


def _questions(survey, definition, filters, language, render, min_cell):
    """Bars for every closed question of the current version."""
    questions = [q for q in definition.questions if q.type in CHART_TYPES]
    tallies = _tally(survey, filters, {q.key for q in questions})
    total = selection.count_responses(survey, filters)
    return [
        _question(q, tallies.get(q.key, (0, Counter())), total, language, render, min_cell)
        for q in questions
    ]


def _tally(survey, filters, keys):
    """(respondents who answered, Counter of choices) per question key.

    The database counts each distinct stored answer (as JSON text), so a
    survey of 100,000 responses is tallied from a few thousand rows.
    """
    stored = db.cast(Answer.value, db.Text)
    query = (
        db.select(Answer.question_key, stored, db.func.count())
        .join(Response, Answer.response_id == Response.id)
        .where(*selection.conditions(survey, filters), Answer.question_key.in_(keys))
        .group_by(Answer.question_key, stored)
    )
    tallies = {}
    for key, text, count in db.session.execute(query):
        value = json.loads(text)
        answered, choices = tallies.setdefault(key, (Counter(), Counter()))
        answered["n"] += count
        for choice in value if isinstance(value, list) else [value]:
            choices[str(choice)] += count
    return {key: (answered["n"], choices) for key, (answered, choices) in tallies.items()}


def _options(question, language):
    if question.type == "yes_no":
        return [("yes", _("Yes")), ("no", _("No"))]
    if question.type == "rating":
        scale = question.data["scale"]
        ends = {scale["min"]: scale.get("min_label"), scale["max"]: scale.get("max_label")}
        return [
            (str(n), f"{n} ({localized(ends[n], language)})" if ends.get(n) else str(n))
            for n in range(scale["min"], scale["max"] + 1)
        ]
    options = [(c["key"], question.choice_label(c["key"], language)) for c in question.choices]
    if question.allows_other:
        options.append((OTHER_KEY, _("Other")))
    return options


def _protected_part(part, whole, min_cell):
    """The cell of ``part`` out of ``whole``, protected with the rest beside it."""
    return protect_breakdown({"part": part, "rest": whole - part}, min_cell)[1]["part"]


def _question(question, tally, total, language, render, min_cell):
    answered, choices = tally
    answered_cell = _protected_part(answered, total, min_cell)
    options = _options(question, language)
    if question.type == "multiple_choice":
        # Each choice splits those who answered in two: chose it, or not.
        cells = {key: _protected_part(choices[key], answered, min_cell) for key, _label in options}
    else:
        cells = protect_breakdown({key: choices[key] for key, _label in options}, min_cell)[1]
    if answered_cell.hidden:
        cells = {
            key: Cell(cell.value, cell.state if cell.hidden else SMALL)
            for key, cell in cells.items()
        }
    return {
        "key": question.key,
        "type": question.type,
        "text": question.text(language),
        "answered": render.cell(answered_cell),
        "bars": [
            {"key": key, "label": label, **_count_and_share(cells[key], answered_cell, render)}
            for key, label in options
        ],
    }


def theme_panel(survey, filters, language, min_cell):
    """The latest finished run's themes and quotes, from its stored (suppressed) summary.

    With filters, the summary is worked out again over the run's stored texts
    that match them, with the same rules.
    """
    run = themes.latest_run(survey, finished=True)
    if run is None:
        return None
    summary = run.summary if not filters.chosen() else _filtered_summary(run, filters, min_cell)
    safe = {t["theme"]: t for t in summary.get("themes", [])}
    names = {c.slug: c.name(language) for c in survey.communities}
    return {
        "run": run.id,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "translated": run.translated,
        "respondents": summary.get("respondents"),
        "themes": [
            {
                "key": theme.key,
                "name": theme.name(language),
                "names": theme.names,
                "terms": theme.terms,
                "not_useful": theme.not_useful,
                "total": safe.get(theme.key, {}).get("total", 0),
                "quotes": safe.get(theme.key, {}).get("quotes", []),
            }
            for theme in run.themes
        ],
        "communities": [
            {**row, "name": names.get(row["community"]) or _("No community given")}
            for row in summary.get("communities", [])
        ],
    }


def _filtered_summary(run, filters, min_cell):
    state = themes.load_state(run)
    documents = [d for d in state.documents if _matches(d, filters)]
    ids = {d.id for d in documents}
    result = state.result()
    kept = [replace(t, quotes=[q for q in t.quotes if q.id in ids]) for t in result.themes]
    return summarize(documents, replace(result, themes=kept), min_cell=min_cell)


def _matches(document, filters):
    return (
        (not filters.community or document.community == filters.community)
        and (not filters.role or document.role == filters.role)
        and (not filters.language or document.lang == filters.language)
    )


def focus_group_panel(survey, filters, render, min_cell):
    """Finalized sessions and their participants; highlights only from large enough groups."""
    groups = [g for g in _final_groups(survey, filters) if _group_matches(g, filters)]
    column = ROLE_COUNTS.get(filters.role) if filters.role else None
    people = [getattr(g, column) if column else g.participants for g in groups]
    by_community = Counter()
    for group, n in zip(groups, people, strict=True):
        by_community[group.community_id] += n
    participants = sum(people)
    state = SMALL if 0 < participants < min_cell else "shown"
    return {
        "sessions": len(groups),
        "participants": render.cell(Cell(participants, state)),
        "highlights": _highlights(groups, by_community, min_cell),
    }


def _final_groups(survey, filters):
    query = db.select(FocusGroup).filter_by(survey_id=survey.id, status="final")
    if filters.community:
        community = next(c for c in survey.communities if c.slug == filters.community)
        query = query.filter_by(community_id=community.id)
    return db.session.scalars(query.order_by(FocusGroup.held_on, FocusGroup.id)).all()


def _group_matches(group, filters):
    if filters.language and filters.language not in group.languages:
        return False
    column = ROLE_COUNTS.get(filters.role) if filters.role else None
    return not filters.role or (column is not None and getattr(group, column) > 0)


def _highlights(groups, by_community, min_cell):
    """Masked quotes, only where a community's sessions had ``min_cell`` people or more."""
    taken, quotes = Counter(), []
    for group in groups:
        if by_community[group.community_id] < min_cell:
            continue
        for quote in group.latest.quotes if group.latest else []:
            if taken[group.community_id] < QUOTES_PER_COMMUNITY:
                taken[group.community_id] += 1
                quotes.append(
                    {"text": mask_personal_details(quote["text"]), "role": quote.get("role")}
                )
    return quotes
