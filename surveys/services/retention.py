"""Retention: raw words go after the coalition's retention period; counts stay.

``purge_text(older_than_days)`` deletes, for responses submitted and focus
groups held before the cut-off day, everything a person wrote: open answers,
"other" details, focus-group notes, quotes and observations, and the copies
of those words kept in theme runs (texts, translations, quotes). Closed
answers, participant counts, theme sizes and the community tables stay, so
dashboards and reports keep their numbers.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import selectinload

from ..definition.model import TEXT_TYPES
from ..extensions import db
from ..models import FocusGroup, FocusGroupVersion, Response, ThemeAssignment, ThemeRun
from .survey_store import definition_of

REMOVED = ""  # what a purged text reads as


@dataclass
class PurgeReport:
    cutoff: date
    answers: int = 0
    other_details: int = 0
    focus_groups: int = 0
    theme_texts: int = 0


def purge_text(older_than_days, today=None):
    """Delete raw text older than ``older_than_days`` days; the caller commits."""
    if older_than_days < 0:
        raise ValueError("older_than_days must not be negative")
    cutoff = (today or date.today()) - timedelta(days=older_than_days)
    report = PurgeReport(cutoff)
    respondents = _purge_responses(cutoff, report) | _purge_focus_groups(cutoff, report)
    report.theme_texts = _purge_theme_runs(respondents)
    db.session.flush()
    return report


def _text_keys(version, cache):
    if version.id not in cache:
        definition = definition_of(version)
        cache[version.id] = {q.key for q in definition.questions if q.type in TEXT_TYPES}
    return cache[version.id]


def _purge_responses(cutoff, report):
    cache, respondents = {}, set()
    old = (
        db.select(Response)
        .filter(Response.submitted_on < cutoff)
        .options(selectinload(Response.answers))  # not one query per response
        .order_by(Response.id)
    )
    for response in db.session.scalars(old):
        keys = _text_keys(response.version, cache)
        for answer in list(response.answers):
            if answer.question_key in keys:
                response.answers.remove(answer)
                report.answers += 1
            elif answer.other_text:
                answer.other_text = None
                report.other_details += 1
        respondents.add(f"r{response.id}")
    return respondents


def _purge_focus_groups(cutoff, report):
    groups = db.session.scalars(db.select(FocusGroup).filter(FocusGroup.held_on < cutoff)).all()
    ids = [group.id for group in groups]
    if ids:
        db.session.execute(
            db.update(FocusGroupVersion)
            .where(FocusGroupVersion.focus_group_id.in_(ids))
            .values(notes={}, quotes=[], observations=REMOVED)
        )
    report.focus_groups = len(ids)
    return {f"fg{group_id}" for group_id in ids}


def _purge_theme_runs(respondents):
    """Blank the stored copies of purged words; sizes and tables are untouched."""
    if not respondents:
        return 0
    purged = db.session.execute(
        db.update(ThemeAssignment)
        .where(ThemeAssignment.respondent.in_(sorted(respondents)), ThemeAssignment.text != "")
        .values(text=REMOVED, gloss=None)
    ).rowcount
    gone = set(
        db.session.scalars(
            db.select(ThemeAssignment.document_id).where(
                ThemeAssignment.respondent.in_(sorted(respondents))
            )
        )
    )
    for run in db.session.scalars(db.select(ThemeRun)):
        for theme in run.themes:
            theme.quotes = [q for q in theme.quotes if q["id"] not in gone]
        if run.summary:
            run.summary = _without_quotes(run.summary, gone)
    return purged


def _without_quotes(summary, gone):
    """The stored summary with quotes from purged documents left out."""
    summary = dict(summary)
    for table in ("communities", "themes"):
        summary[table] = [
            {**row, "quotes": [q for q in row.get("quotes", []) if q["id"] not in gone]}
            for row in summary.get(table, [])
        ]
    return summary
