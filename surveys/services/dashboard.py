"""What the leads' dashboard, the summary report and its JSON show: all suppressed.

Every count, share, bar and quote goes through the suppression rules of
``analysis/summary.py``: a breakdown (responses by community, language, role
or day; the answers to one closed question) is protected as a whole, so no
hidden count can be worked out from the shown total and the other counts.
Filters narrow every panel alike.
"""

import json
from collections import Counter
from functools import partial

from flask_babel import force_locale
from flask_babel import gettext as _

from ..analysis.redact import mask_personal_details
from ..analysis.summary import COMPLEMENT, SMALL, Cell, Renderer, protect_breakdown
from ..extensions import db
from ..models import Answer, FocusGroup, Response
from . import selection, themes
from .survey_store import definition_of
from .versions import question_plans

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
    plans = question_plans(survey)
    responses, total_cell = _responses_panel(survey, definition, plans, filters, language, render)
    return {
        "survey": _survey_facts(survey, definition, language, filters, total_cell),
        "filters": filters.chosen(),
        "min_cell": min_cell,
        "responses": responses,
        "questions": _questions(survey, plans, filters, language, render, min_cell),
        "themes": theme_panel(survey, filters, language, min_cell),
        "focus_groups": focus_group_panel(survey, filters, render, min_cell),
    }


def summary_sheets(survey, filters, language, min_cell):
    """The responses and themes panels only, for the workbook's summary
    sheets: the closed questions' counts, the slowest part, are not needed."""
    with force_locale(language):
        definition = definition_of(survey.current)
        plans = question_plans(survey)
        render = Renderer(min_cell)
        responses, _total = _responses_panel(survey, definition, plans, filters, language, render)
        return {"responses": responses, "themes": theme_panel(survey, filters, language, min_cell)}


def _responses_panel(survey, definition, plans, filters, language, render):
    """Responses in total and by community, language, role and day; and the total's cell."""
    counts = _response_counts(survey, filters)
    total = sum(counts["community"].values())
    total_cell, breakdowns = _protect_all(counts, total, render.min_cell)
    if total_cell.hidden:
        # Like the first and last day: the days of too few answers say when
        # those families answered.
        breakdowns["day"] = {}
    panel = {
        f"by_{name}": _rows(
            breakdowns[name],
            total_cell,
            render,
            _labeller(name, survey, definition, plans, language),
        )
        for name in BREAKDOWNS
    }
    return {"total": render.cell(total_cell), "empty": total == 0, **panel}, total_cell


def _survey_facts(survey, definition, language, filters, total):
    """Title, status and the first and last day of the answers the filters cover.

    The days are left out when the answers are too few to show: one
    response's day would say when that family answered.
    """
    days = (None, None)
    if total.value and not total.hidden:
        days = db.session.execute(
            db.select(db.func.min(Response.submitted_on), db.func.max(Response.submitted_on)).where(
                *selection.conditions(survey, filters)
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


def _labeller(name, survey, definition, plans, language):
    if name == "community":
        names = {c.slug: c.name(language) for c in survey.communities}
        return lambda key: names.get(key) or _("No community given")
    if name == "language":
        languages = {"en": _("English"), "es": _("Spanish")}
        return lambda key: languages.get(key, key)
    if name == "role":
        # Roles of every version: a role an older version offered keeps its name.
        role = next((p for p in plans if p.key == definition.role_question), None)
        return lambda key: role.label(key, language) if role and key else _("Not given")
    return lambda key: key.isoformat()


def _questions(survey, plans, filters, language, render, min_cell):
    """Bars for every closed question any version asked, joined by question key."""
    charted = [plan for plan in plans if plan.type in CHART_TYPES]
    tallies = _tally(survey, filters, {plan.key for plan in charted})
    total = selection.count_responses(survey, filters)
    return [
        _question(plan, tallies.get(plan.key, (0, Counter())), total, language, render, min_cell)
        for plan in charted
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


def _options(plan, choices, language):
    """(key, label) of each answer to show: every choice of the newest version
    asking the question, and older versions' choices that someone chose."""
    options = []
    for key in plan.choices:
        label = plan.label(key, language)
        until = plan.offered_until.get(key)
        if until is not None:
            if not choices[key]:
                continue
            label = _("%(label)s (offered up to version %(n)s)", label=label, n=until)
        options.append((key, label))
    return options


def _change_notes(plan):
    """Plain sentences on when a later version added, changed or removed the question."""
    words = {
        "added": lambda n: _(
            "Added in version %(n)s: families who answered an earlier version "
            "were not asked this question.",
            n=n,
        ),
        "changed": lambda n: _(
            "Changed in version %(n)s: the wording or the choices differ between "
            "versions; the answers to every version are counted together.",
            n=n,
        ),
        "removed": lambda n: _(
            "Removed in version %(n)s: only families who answered an earlier version "
            "were asked this question.",
            n=n,
        ),
    }
    return [words[kind](number) for kind, number in plan.changes]


def _protected_part(part, whole, min_cell):
    """The cell of ``part`` out of ``whole``, protected with the rest beside it."""
    return protect_breakdown({"part": part, "rest": whole - part}, min_cell)[1]["part"]


def _question(plan, tally, total, language, render, min_cell):
    answered, choices = tally
    answered_cell = _protected_part(answered, total, min_cell)
    options = _options(plan, choices, language)
    if plan.type == "multiple_choice":
        # Each choice splits those who answered in two: chose it, or not.
        cells = {key: _protected_part(choices[key], answered, min_cell) for key, _label in options}
    else:
        cells = protect_breakdown({key: choices[key] for key, _label in options}, min_cell)[1]
    if answered_cell.hidden:
        # The bars would add up to the hidden count: hide them too, in true
        # words ("hidden", not "fewer than 11" for a count of 30).
        cells = {
            key: cell if cell.hidden else Cell(cell.value, COMPLEMENT)
            for key, cell in cells.items()
        }
    return {
        "key": plan.key,
        "type": plan.type,
        "text": plan.text(language),
        "answered": render.cell(answered_cell),
        "changes": [{"change": kind, "version": number} for kind, number in plan.changes],
        "notes": _change_notes(plan),
        "bars": [
            {
                "key": key,
                "label": label,
                "offered_until": plan.offered_until.get(key),
                **_count_and_share(cells[key], answered_cell, render),
            }
            for key, label in options
        ],
    }


def theme_panel(survey, filters, language, min_cell):
    """The latest finished run's themes and quotes, suppressed.

    The run keeps a summary suppressed when it was made; with filters, or
    when the threshold has changed since, the summary is worked out again
    over the run's stored texts that match, with the same rules.
    """
    run = themes.latest_run(survey, finished=True)
    if run is None:
        return None
    keep = partial(_matches, filters=filters) if filters.chosen() else None
    summary = themes.summary_for(run, min_cell, keep)
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
                "quotes": [_quote(q) for q in safe.get(theme.key, {}).get("quotes", [])],
            }
            for theme in run.themes
        ],
        "communities": [
            {
                **row,
                "name": names.get(row["community"]) or _("No community given"),
                "quotes": [_quote(q) for q in row.get("quotes", [])],
            }
            for row in summary.get("communities", [])
        ],
    }


def _quote(quote):
    """A quote without its text's id, which names the response (``r123-...``)
    and so would tie the quote to its row in the responses download."""
    return {key: quote.get(key) for key in ("text", "lang", "gloss", "theme")}


def _matches(document, filters):
    return (
        (not filters.community or document.community == filters.community)
        and (not filters.role or document.role == filters.role)
        and (not filters.language or document.lang == filters.language)
    )


def focus_group_panel(survey, filters, render, min_cell):
    """Finalized sessions and their participants; highlights only from large enough groups."""
    groups = focus_groups(survey, filters)
    participants = sum(_people(filters, group) for group in groups)
    state = SMALL if 0 < participants < min_cell else "shown"
    return {
        "sessions": len(groups),
        "participants": render.cell(Cell(participants, state)),
        "highlights": _highlights(quotable(groups, filters, min_cell)),
    }


def focus_groups(survey, filters):
    """The survey's finalized sessions that the filters cover, oldest first."""
    query = db.select(FocusGroup).filter_by(survey_id=survey.id, status="final")
    if filters.community:
        community = next(c for c in survey.communities if c.slug == filters.community)
        query = query.filter_by(community_id=community.id)
    groups = db.session.scalars(query.order_by(FocusGroup.held_on, FocusGroup.id)).all()
    return [group for group in groups if _group_matches(group, filters)]


def _group_matches(group, filters):
    if filters.language and filters.language not in group.languages:
        return False
    column = ROLE_COUNTS.get(filters.role) if filters.role else None
    return not filters.role or (column is not None and getattr(group, column) > 0)


def _people(filters, group):
    """The group's participants, or those of the chosen role."""
    column = ROLE_COUNTS.get(filters.role) if filters.role else None
    return getattr(group, column) if column else group.participants


def quotable(groups, filters, min_cell):
    """The groups whose notes may be quoted: those of communities whose
    sessions had ``min_cell`` people or more (of the chosen role)."""
    people = Counter()
    for group in groups:
        people[group.community_id] += _people(filters, group)
    return [group for group in groups if people[group.community_id] >= min_cell]


def _highlights(groups):
    """Masked key quotes, a few per community."""
    taken, quotes = Counter(), []
    for group in groups:
        for quote in group.latest.quotes if group.latest else []:
            if taken[group.community_id] < QUOTES_PER_COMMUNITY:
                taken[group.community_id] += 1
                quotes.append(
                    {"text": mask_personal_details(quote["text"]), "role": quote.get("role")}
                )
    return quotes
