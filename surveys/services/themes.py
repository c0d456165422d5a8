"""Theme runs for a survey: find, keep stable, review, store, summarize.

The analysis package works on plain ``Document`` objects; this service turns
answers and focus-group statements into documents, runs the analysis, gives
every theme a key that survives later runs, replays the leads' review edits
and stores the whole run with its suppressed summary.
"""

import logging
import os
import socket
import threading
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial

from flask import current_app

from .. import analysis
from ..analysis.result import NON_ANSWER, Document, Quote, Theme, ThemeResult
from ..analysis.summary import summarize
from ..extensions import db
from ..models import EDIT_KINDS, RunTheme, ThemeAssignment, ThemeEdit, ThemeRun
from . import codebooks
from .analysis_texts import focus_group_statements, survey_open_answers

log = logging.getLogger(__name__)
MATCH_THRESHOLD = 0.5  # share of shared texts for a new theme to inherit an old key
QUOTES = 3
STALLED = "stalled"  # the error of a run that stopped advancing


class ReviewError(ValueError):
    """A review edit that does not fit the current run."""


def _now():
    return datetime.now(UTC).replace(tzinfo=None)


def collect_documents(survey, questions=None):
    """Open answers (all long-text questions, or the chosen ones) and focus-group statements."""
    items = survey_open_answers(survey, questions) + focus_group_statements(survey)
    return [Document.from_dict(item) for item in items]


def latest_run(survey, finished=False):
    query = db.select(ThemeRun).filter_by(survey_id=survey.id)
    if finished:
        query = query.filter_by(status="done")
    return db.session.scalar(query.order_by(ThemeRun.id.desc()).limit(1))


def translation_cache():
    """The folder of the translation cache: each answer is translated once, across runs."""
    folder = current_app.config.get("TRANSLATION_CACHE")
    return folder or os.path.join(current_app.instance_path, "translations")


def app_translator():
    """Apertium with the on-disk cache when installed; otherwise none, and the run says so."""
    command = current_app.config["APERTIUM_COMMAND"]
    if not analysis.ApertiumTranslator.available(command):
        return analysis.NullTranslator()
    return analysis.ApertiumTranslator(cache_dir=translation_cache(), command=command)


def start_run(survey, user=None, questions=None, n_themes=None, seed=0):
    run = ThemeRun(
        survey_id=survey.id,
        status="running",
        stage="collecting",
        parameters={"questions": questions or [], "themes": n_themes, "seed": seed},
        started_by=user.id if user else None,
        progressed_at=_now(),
        worker=_worker(),
    )
    db.session.add(run)
    db.session.flush()
    return run


def _worker():
    return f"{socket.gethostname()}:{os.getpid()}"[:128]


def advance(run, stage):
    """Move a run to its next stage in a short transaction of its own, so
    that other sessions see the progress and no lock outlasts the stage change."""
    run.stage, run.progressed_at = stage, _now()
    db.session.commit()


def execute_run(run, survey, finder=None):
    """Carry out a started run and store its results, committing as it goes.

    A run lasts from seconds to minutes while families keep answering, so it
    never keeps a write transaction open across the analysis: each stage
    change is committed at once, the analysis computes with no transaction
    open, and the results are written in one last transaction.
    ``finder`` is the analysis function (``find_themes`` by default), a
    parameter so that tests can count or pause its calls.
    """
    finder = finder or analysis.find_themes
    params = dict(run.parameters)
    documents = collect_documents(survey, params.get("questions") or None)
    analyse = partial(finder, random_state=params.get("seed", 0), translator=app_translator())
    codebook = codebooks.codebook_of(survey)
    advance(run, "finding themes")
    result = analyse(documents, n_themes=params.get("themes"), codebook=codebook)
    state = State.from_result(documents, result)
    previous = previous_labels(latest_run(survey, finished=True))
    first_free, edits = next_key(survey), [(e.kind, e.payload) for e in edits_of(survey)]
    advance(run, "applying edits")
    state.adopt_keys(previous, first_free)
    state.replay(edits, analyse)
    advance(run, "storing")
    store(run, state)
    run.status, run.stage, run.finished_at = "done", "done", _now()
    db.session.commit()
    return run


def run_safely(run, survey, finder=None):
    """``execute_run``; if it fails, the run is marked failed (and the error
    logged) so that pages say so instead of waiting. True when it is done."""
    run_id = run.id
    try:
        execute_run(run, survey, finder)
    except Exception:
        log.exception("theme run %s failed", run_id)
        db.session.rollback()
        fail_run(run_id)
        db.session.commit()
        return False
    return True


def fail_run(run_id, reason="error"):
    """Mark a run that stopped half-way; pages then say so instead of waiting."""
    run = db.session.get(ThemeRun, run_id)
    if run is not None:
        run.status, run.error, run.finished_at = "failed", reason, _now()
        db.session.flush()


def fail_stalled_runs(survey):
    """Mark failed the survey's runs that stopped advancing, or whose process
    on this machine is gone (a worker restarted, a command interrupted).

    A run advances at every stage, so one silent for longer than
    ``ANALYSIS_STALE_AFTER`` is taken as dead. Returns the runs marked.
    """
    limit = _now() - current_app.config["ANALYSIS_STALE_AFTER"]
    running = db.session.scalars(
        db.select(ThemeRun).filter_by(survey_id=survey.id, status="running")
    ).all()
    stalled = [
        run
        for run in running
        if (run.progressed_at or run.started_at) < limit or _worker_gone(run.worker)
    ]
    for run in stalled:
        fail_run(run.id, STALLED)
    return stalled


def _worker_gone(worker):
    """True when ``worker`` ("host:pid") ran on this machine and its process no longer exists."""
    host, _sep, pid = (worker or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) <= 0:
        return False
    try:
        os.kill(int(pid), 0)  # signal 0 only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, under another user
        return False
    return False


def run_in_background(app, run_id, survey_id):
    """Carry out a started run in a thread, with its own session; pages poll its stage."""

    def work():
        with app.app_context():
            from ..models import Survey

            try:
                run_safely(db.session.get(ThemeRun, run_id), db.session.get(Survey, survey_id))
            finally:
                db.session.remove()

    thread = threading.Thread(target=work, name=f"theme-run-{run_id}", daemon=True)
    thread.start()
    return thread


def previous_labels(run):
    if run is None:
        return {}
    rows = db.session.execute(
        db.select(ThemeAssignment.document_id, ThemeAssignment.theme_key).filter_by(run_id=run.id)
    )
    return {doc: key for doc, key in rows if key != NON_ANSWER}


def next_key(survey):
    """A key never used before by this survey's runs or edits."""
    used = (
        db.session.scalar(
            db.select(db.func.max(RunTheme.key))
            .join(ThemeRun)
            .filter(ThemeRun.survey_id == survey.id)
        )
        or 0
    )
    split_keys = [k for e in edits_of(survey) if e.kind == "split" for k in e.payload["into"]]
    return max([used, *split_keys]) + 1


def edits_of(survey):
    return db.session.scalars(
        db.select(ThemeEdit).filter_by(survey_id=survey.id).order_by(ThemeEdit.id)
    ).all()


@dataclass
class State:
    """A run in memory: documents, their theme keys, and the themes by key."""

    documents: list[Document]
    labels: dict[str, int]
    themes: dict[int, Theme]
    glosses: dict[str, str] = field(default_factory=dict)
    languages: dict[str, str] = field(default_factory=dict)
    translated: bool = False
    warnings: list[str] = field(default_factory=list)
    not_useful: set[int] = field(default_factory=set)
    stale: set[int] = field(default_factory=set)  # themes to quote again

    @classmethod
    def from_result(cls, documents, result):
        masked = [replace(d, text=result.masked_texts.get(d.id, d.text)) for d in documents]
        return cls(
            documents=masked,
            labels=dict(result.labels),
            themes={t.id: t for t in result.themes},
            glosses=dict(result.glosses),
            languages=dict(result.languages),
            translated=result.translated,
            warnings=list(result.warnings),
        )

    def members(self, key):
        return {doc for doc, label in self.labels.items() if label == key}

    def adopt_keys(self, old_labels, first_free):
        """Give each theme the key of the old theme it mostly overlaps, or a new key."""
        old_members = {}
        for doc, key in old_labels.items():
            old_members.setdefault(key, set()).add(doc)
        pairs = []
        for theme_id in self.themes:
            mine = self.members(theme_id) & set(old_labels)
            for key, theirs in old_members.items():
                common = len(mine & theirs)
                if common:
                    pairs.append((common / min(len(mine), len(theirs)), theme_id, key))
        mapping, taken = {}, set()
        for score, theme_id, key in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
            if score >= MATCH_THRESHOLD and theme_id not in mapping and key not in taken:
                mapping[theme_id] = key
                taken.add(key)
        for theme_id in sorted(self.themes):
            if theme_id not in mapping:
                mapping[theme_id] = first_free
                first_free += 1
        self.themes = {
            mapping[t]: replace(theme, id=mapping[t]) for t, theme in self.themes.items()
        }
        self.labels = {doc: mapping.get(t, NON_ANSWER) for doc, t in self.labels.items()}

    def replay(self, edits, analyse):
        """Apply the leads' edits ``[(kind, payload)]`` in order, then quote again
        the themes whose quotes no longer fit."""
        for kind, payload in edits:
            self.apply(kind, payload, analyse)
        self.requote(analyse)

    def apply(self, kind, payload, analyse):
        """Apply one review edit; edits about themes that no longer exist are skipped.

        ``analyse(documents, n_themes=k)`` is the analysis, used to split.
        """
        if kind == "rename" and payload["key"] in self.themes:
            self.themes[payload["key"]].names = dict(payload["names"])
        elif kind == "not_useful" and payload["key"] in self.themes:
            (self.not_useful.add if payload.get("value", True) else self.not_useful.discard)(
                payload["key"]
            )
        elif kind == "merge" and {payload["key"], payload["into"]} <= set(self.themes):
            for doc in self.members(payload["key"]):
                self.labels[doc] = payload["into"]
            del self.themes[payload["key"]]
            self.stale.add(payload["into"])  # its centre moved: quote it afresh
        elif (
            kind == "move"
            and payload["document_id"] in self.labels
            and payload["to"] in self.themes
        ):
            self.labels[payload["document_id"]] = payload["to"]
        elif kind == "split":
            self._split(payload["key"], payload["into"], analyse)
        self._refresh()

    def _split(self, key, new_keys, analyse):
        """Split ``key``; on a later run, whatever theme inherited the split keys instead."""
        sources = [k for k in (key, *new_keys) if k in self.themes]
        members = set().union(*(self.members(k) for k in sources))
        docs = [d for d in self.documents if d.id in members]
        if len(docs) < 2:
            return
        sub = analyse(docs, n_themes=len(new_keys))
        themes = [t for t in sub.themes if t.id != NON_ANSWER][: len(new_keys)]
        mapping = {t.id: k for t, k in zip(themes, new_keys, strict=False)}
        for doc in members:
            self.labels[doc] = mapping.get(sub.labels.get(doc), new_keys[0])
        for source in sources:
            del self.themes[source]
        for theme in themes:
            self.themes[mapping[theme.id]] = replace(theme, id=mapping[theme.id])
        for extra in new_keys[len(themes) :]:
            self.themes.pop(extra, None)

    def _refresh(self):
        """Sizes after texts moved; quotes that left their theme are dropped,
        and a theme whose quotes no longer fit is marked to be quoted again."""
        members = {}
        for doc, key in self.labels.items():
            members.setdefault(key, set()).add(doc)
        for key, theme in self.themes.items():
            mine = members.get(key, set())
            theme.size = len(mine)
            theme.quotes = [q for q in theme.quotes if q.id in mine]
            if not self._quotes_fit(theme, mine):
                self.stale.add(key)

    def _quotes_fit(self, theme, members):
        """Enough quotes, and one in each language the theme holds."""
        held = {self.languages.get(doc) for doc in members}
        quoted = {quote.lang for quote in theme.quotes}
        return len(theme.quotes) >= min(QUOTES, len(members)) and (len(held) < 2 or held <= quoted)

    def requote(self, analyse):
        """Pick the quotes of the themes marked stale again, as the analysis
        picks them: nearest the theme's centre, one per language when it holds both."""
        for key in sorted(self.stale & set(self.themes)):
            docs = [
                replace(d, lang=self.languages.get(d.id, d.lang))
                for d in self.documents
                if self.labels.get(d.id) == key
            ]
            self.themes[key].quotes = representative_quotes(docs, analyse)
        self.stale.clear()

    def result(self):
        return ThemeResult(
            labels=self.labels,
            themes=list(self.themes.values()),
            languages=self.languages,
            masked_texts={},
            glosses=self.glosses,
            translated=self.translated,
            warnings=self.warnings,
        )

    def ordered_themes(self):
        return sorted(self.themes.values(), key=lambda t: (t.id in self.not_useful, -t.size, t.id))


def representative_quotes(documents, analyse):
    """The quotes the analysis picks for ``documents`` taken as one theme."""
    if not documents:
        return []
    themes = [t for t in analyse(documents, n_themes=1).themes if t.id != NON_ANSWER]
    return list(max(themes, key=lambda t: t.size).quotes) if themes else []


def store(run, state):
    """Write the run's themes, assignments and suppressed summary."""
    run.themes.clear()
    db.session.execute(db.delete(ThemeAssignment).filter_by(run_id=run.id))
    for position, theme in enumerate(state.ordered_themes()):
        run.themes.append(
            RunTheme(
                key=theme.id,
                position=position,
                names=theme.names,
                terms=theme.terms,
                size=theme.size,
                quotes=[_quote(q) for q in theme.quotes],
                codebook_key=theme.codebook_key,
                not_useful=theme.id in state.not_useful,
            )
        )
    rows = [
        {
            "run_id": run.id,
            "document_id": d.id,
            "theme_key": state.labels.get(d.id, NON_ANSWER),
            "respondent": d.respondent or d.id,
            "source": d.source,
            "community": d.community,
            "language": state.languages.get(d.id, d.lang or "en"),
            "role": d.role,
            "text": d.text,
            "gloss": state.glosses.get(d.id),
        }
        for d in state.documents
    ]
    if rows:
        db.session.execute(db.insert(ThemeAssignment), rows)
    non_answers = sum(1 for d in state.documents if state.labels.get(d.id) == NON_ANSWER)
    run.counts = {
        "documents": len(state.documents),
        "non_answers": non_answers,
        "survey": sum(d.source == "survey" for d in state.documents),
        "focus_group": sum(d.source == "focus_group" for d in state.documents),
        "themes": len(state.themes),
    }
    run.translated, run.warnings = state.translated, state.warnings
    run.summary = summarize(
        state.documents, state.result(), min_cell=current_app.config["MIN_CELL"]
    )
    db.session.flush()


def _quote(quote):
    return {"id": quote.id, "text": quote.text, "lang": quote.lang, "gloss": quote.gloss}


def load_state(run):
    """Rebuild a stored run in memory, to apply a new edit to it."""
    assignments = db.session.scalars(
        db.select(ThemeAssignment).filter_by(run_id=run.id).order_by(ThemeAssignment.id)
    ).all()
    documents = [
        Document(
            id=a.document_id,
            text=a.text,
            lang=a.language,
            community=a.community,
            source=a.source,
            role=a.role,
            respondent=a.respondent,
        )
        for a in assignments
    ]
    themes = {
        t.key: Theme(
            id=t.key,
            names=dict(t.names),
            terms=dict(t.terms),
            size=t.size,
            quotes=[Quote(**q) for q in t.quotes],
            codebook_key=t.codebook_key,
        )
        for t in run.themes
    }
    return State(
        documents=documents,
        labels={a.document_id: a.theme_key for a in assignments},
        themes=themes,
        glosses={a.document_id: a.gloss for a in assignments if a.gloss},
        languages={a.document_id: a.language for a in assignments},
        translated=run.translated,
        warnings=list(run.warnings),
        not_useful={t.key for t in run.themes if t.not_useful},
    )


def summary_for(run, min_cell, keep=None):
    """The run's summary under the threshold in force now, over the documents
    ``keep`` accepts (all by default).

    The stored summary was suppressed with the threshold of its day; when that
    has changed, or only some documents count, it is worked out again from the
    run's stored texts with the same rules.
    """
    summary = run.summary or {}
    if keep is None and summary.get("min_cell") == min_cell:
        return summary
    state = load_state(run)
    documents = [d for d in state.documents if keep is None or keep(d)]
    ids = {d.id for d in documents}
    result = state.result()
    kept = [replace(t, quotes=[q for q in t.quotes if q.id in ids]) for t in result.themes]
    return summarize(documents, replace(result, themes=kept), min_cell=min_cell)


def review(survey, user, kind, payload, finder=None):
    """Record a lead's edit and apply it to the latest run at once."""
    if kind not in EDIT_KINDS:
        raise ReviewError(kind)
    run = latest_run(survey, finished=True)
    if run is None:
        raise ReviewError("no run")
    if kind == "split":
        first = next_key(survey)
        payload = {**payload, "into": [first, first + 1]}
    state = load_state(run)
    _check(kind, payload, state)
    analyse = partial(
        finder or analysis.find_themes,
        random_state=run.parameters.get("seed", 0),
        translator=app_translator(),
    )
    state.replay([(kind, payload)], analyse)
    db.session.add(
        ThemeEdit(
            survey_id=survey.id, kind=kind, payload=payload, created_by=user.id if user else None
        )
    )
    store(run, state)
    return run


def _check(kind, payload, state):
    keys = [
        payload.get(name)
        for name in ("key", "into", "to")
        if name in payload and not isinstance(payload[name], list)
    ]
    if any(key not in state.themes for key in keys):
        raise ReviewError("unknown theme")
    if kind == "merge" and payload["key"] == payload["into"]:
        raise ReviewError("same theme")
    if kind == "move" and payload["document_id"] not in state.labels:
        raise ReviewError("unknown text")
    if kind == "rename" and not all(
        (payload.get("names") or {}).get(lang, "").strip() for lang in ("en", "es")
    ):
        raise ReviewError("names")
