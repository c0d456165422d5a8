"""A family's path through a survey: drafts, pages and the final submission."""

import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import bindparam
from werkzeug.datastructures import MultiDict

from ..definition.model import OTHER_KEY, is_shown
from ..extensions import db
from ..forms import build_page_form
from ..models import Draft, Response, Survey, SurveyStatus, SurveyVersion
from . import sending
from .survey_store import definition_by_id, definition_of

TOKEN_BYTES = 32  # 256 bits: unguessable
# What new_token() makes: 43 URL-safe characters. Anything else posted as a
# token is ignored, so a stored token always fits its column.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


class IncompleteAnswers(Exception):
    """An earlier page needs attention before the survey can be sent."""

    def __init__(self, page):
        self.page = page
        super().__init__(page)


class SubmissionConflict(Exception):
    """The same submission token came back with different answers."""


class DraftGone(Exception):
    """The draft was sent (or purged) by another request while this one read it."""


@dataclass(frozen=True)
class SurveyState(SurveyStatus):
    """What a survey page needs of its survey when a draft was found with it."""

    id: int
    slug: str
    status: str


@dataclass
class OpenDraft:
    """A family's unfinished survey, read and written with plain statements.

    Every survey page reads one, and the last page deletes it: loading it with
    its survey and version as ORM objects cost more than the rest of the page
    (docs/benchmarks.md, "Load and faults"). Changes are written by ``keep``.
    """

    id: int
    survey: SurveyState
    version_id: int
    community_id: int | None
    submission_hash: str
    values: dict
    checked: dict
    definition: object  # the version's Definition
    # (values, their shown pages): the last page asks for them twice.
    _pages: tuple = field(default=(None, None), repr=False, compare=False)

    @property
    def survey_id(self):
        return self.survey.id

    @property
    def pages(self):
        """Indexes of the sections shown for the values held now."""
        values, pages = self._pages
        if values is not self.values:  # save_page gives the draft a new dict
            pages = shown_pages(self.definition, self.values)
            self._pages = (self.values, pages)
        return pages


drafts, surveys, versions = Draft.__table__, Survey.__table__, SurveyVersion.__table__
# Built once: a statement made per request costs more than the query it runs.
_DRAFT_ROW = (
    db.select(
        drafts.c.id,
        drafts.c.version_id,
        drafts.c.community_id,
        drafts.c.submission_hash,
        drafts.c["values"],
        drafts.c.checked,
        surveys.c.id.label("survey_id"),
        surveys.c.slug,
        surveys.c.status,
        versions.c.created_at.label("version_created"),
    )
    .join(surveys, surveys.c.id == drafts.c.survey_id)
    .join(versions, versions.c.id == drafts.c.version_id)
)
_BY_SESSION = _DRAFT_ROW.where(
    drafts.c.token_hash == bindparam("token_hash"), surveys.c.slug == bindparam("slug")
)
_BY_SUBMISSION = _DRAFT_ROW.where(
    drafts.c.survey_id == bindparam("survey_id"),
    drafts.c.submission_hash == bindparam("submission_hash"),
)
_INSERT_DRAFT = drafts.insert().returning(drafts.c.id)


def _read_draft(statement, **params):
    row = db.session.connection().execute(statement, params).first()
    if row is None:
        return None
    return OpenDraft(
        id=row.id,
        survey=SurveyState(row.survey_id, row.slug, row.status),
        version_id=row.version_id,
        community_id=row.community_id,
        submission_hash=row.submission_hash,
        values=row.values or {},
        checked=row.checked or {},
        definition=definition_by_id(row.version_id, row.version_created),
    )


def _update(draft, **columns):
    """Write ``columns`` of ``draft``; ``DraftGone`` when another request deleted it."""
    statement = drafts.update().where(drafts.c.id == draft.id).values(**columns)
    if db.session.connection().execute(statement).rowcount != 1:
        raise DraftGone(draft.id)


def new_token():
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_token(text):
    """Whether ``text`` looks like a token Voces made (a posted one may be anything)."""
    return bool(text) and TOKEN_SHAPE.fullmatch(text) is not None


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def start_draft(survey, community, submission_token=None):
    """Open a draft and return ``(draft, session_token, submission_token)``.

    Only hashes of the two tokens are stored. A posted submission token is
    reused when it is free, so that a page posted after the cookie was lost
    (or queued on a phone) is still recognised when it comes back.
    """
    token = new_token()
    if not is_token(submission_token) or _token_in_use(submission_token):
        submission_token = new_token()
    version = survey.current
    row = {
        "token_hash": _hash(token),
        "survey_id": survey.id,
        "version_id": version.id,
        "community_id": community.id if community else None,
        "submission_hash": _hash(submission_token),
        "values": {},
        "checked": {},
    }
    draft_id = db.session.connection().execute(_INSERT_DRAFT, row).scalar_one()
    draft = OpenDraft(
        id=draft_id,
        survey=SurveyState(survey.id, survey.slug, survey.status),
        version_id=version.id,
        community_id=row["community_id"],
        submission_hash=row["submission_hash"],
        values={},
        checked={},
        definition=definition_of(version),
    )
    return draft, token, submission_token


def draft_for_submission(survey, submission_token):
    """The draft a page's submission token belongs to, or None. Reads only.

    Every page carries the token, which is as secret as the session cookie:
    it finds the draft again when the cookie was lost.
    """
    if not is_token(submission_token):
        return None
    return _read_draft(_BY_SUBMISSION, survey_id=survey.id, submission_hash=_hash(submission_token))


def reattach(draft):
    """Give a found draft a new session token (the old cookie is gone) and return it."""
    token = new_token()
    _update(draft, token_hash=_hash(token))
    return token


def renew_submission_token(draft):
    """A new submission token for a draft whose plain token nobody holds any more."""
    submission_token = new_token()
    draft.submission_hash = _hash(submission_token)
    _update(draft, submission_hash=draft.submission_hash)
    return submission_token


def holds(draft, submission_token):
    """Whether ``submission_token`` is this draft's."""
    return is_token(submission_token) and _hash(submission_token) == draft.submission_hash


def _token_in_use(submission_token):
    return (
        db.session.scalar(db.select(Draft.id).filter_by(submission_hash=_hash(submission_token)))
        is not None
        or find_submission(submission_token) is not None
    )


def find_draft(survey, token):
    draft = find_draft_by_slug(survey.slug, token)
    return draft if draft and draft.survey_id == survey.id else None


def find_draft_by_slug(slug, token):
    """The draft ``token`` opens in survey ``slug`` (an ``OpenDraft``), or None.

    One query: every page needs the draft, its survey and its version, and on
    PostgreSQL each round trip costs more than the rows.
    """
    if not token:
        return None
    return _read_draft(_BY_SESSION, token_hash=_hash(token), slug=slug)


def set_community(draft, community):
    draft.community_id = community.id if community else None
    _update(draft, community_id=draft.community_id)


def visible_pages(draft):
    """Indexes of the sections that have at least one question to show."""
    return draft.pages


def shown_pages(definition, values):
    """Indexes of the sections with a question to show, given raw answers ``values``."""
    return [
        index
        for index in range(len(definition.sections))
        if any(is_shown(q, values) for q in definition.section_questions(index))
    ]


def next_page(draft, index):
    """The next shown page after ``index``, or None at the end."""
    return next((p for p in visible_pages(draft) if p > index), None)


def previous_page(draft, index):
    """The shown page before ``index``, or None on the first page."""
    return next((p for p in reversed(visible_pages(draft)) if p < index), None)


def save_page(draft, values, index=None, form=None):
    """Take a page's values into the draft; ``keep`` writes them (not at all if it is sent).

    ``form``, when page ``index`` passed its checks, gives the checked answers
    kept beside the values, so that sending the survey need not check it again.
    """
    draft.values = {**draft.values, **values}
    if form is not None:
        entry = {"version": draft.version_id, "values": values, "answers": _checked(form)}
        draft.checked = {**draft.checked, str(index): entry}


def keep(draft):
    """Write the draft's values and checks; ``DraftGone`` if it was sent meanwhile."""
    _update(draft, values=draft.values, checked=draft.checked)


def digest(values):
    canonical = {k: sorted(v.strip() for v in vs) for k, vs in values.items() if vs}
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def find_submission(submission_token):
    # Only token-shaped text was ever stored; anything else (a NUL byte
    # PostgreSQL refuses, say) cannot name a submission.
    if not is_token(submission_token):
        return None
    return db.session.scalar(db.select(Response).filter_by(submission_token=submission_token))


def check_replay(submission_token, values, page_index):
    """For a token already submitted: True if page ``page_index`` needs nothing more.

    The last page is compared with what was sent: the same answers are a
    harmless replay, different ones raise ``SubmissionConflict`` (the first
    stay). An earlier page (the browser's back button after sending) has
    nothing to compare with: the answers were sent. Returns False when the
    token has not been submitted.
    """
    response = find_submission(submission_token)
    if response is None:
        return False
    if page_index != _last_page(response):
        return True
    if response.digest != digest(values):
        raise SubmissionConflict(submission_token)
    return True


def _last_page(response):
    """The last page this family was shown, worked out from the answers stored."""
    values = {}
    for answer in response.answers:
        value = answer.value if isinstance(answer.value, list) else [answer.value]
        values[answer.question_key] = [str(v) for v in value]
    pages = shown_pages(definition_of(response.version), values)
    return pages[-1] if pages else None


def submit(draft, language, last_values, submission_token):
    """Validate every shown page again and store the response in one go; its id.

    ``submission_token`` is the draft's (the plain token lives only on the
    phone). The draft is deleted: once answers are sent nothing unfinished remains.
    The response goes in first: when the same last page races itself, the
    second copy stops there, on the unique submission token.
    """
    if not holds(draft, submission_token):
        raise ValueError("not this draft's submission token")
    definition = draft.definition
    values = draft.values
    answers = []
    for index in visible_pages(draft):
        kept = _recheck(definition, draft, index)
        if kept is not None:
            answers.extend(kept)
            continue
        # Not checked as it stands now (a page left with Back, a draft from
        # before checked answers were kept): the page's form checks it again.
        form = build_page_form(
            definition, index, language, values, formdata=_formdata(values), csrf=False
        )
        if not form.validate():
            raise IncompleteAnswers(index)
        answers.extend(_answers(form))
    role_key = definition.role_question
    response = {
        "survey_id": draft.survey_id,
        "version_id": draft.version_id,
        "community_id": draft.community_id,
        "language": language,
        "role": next((a["value"] for a in answers if a["question_key"] == role_key), None),
        "submitted_on": datetime.now(UTC).date(),
        "submission_token": submission_token,
        "digest": digest(last_values),
    }
    return sending.send(db.session.connection(), response, answers, draft.id)


def _checked(form):
    """Every validated question of a page: ``{key: [value, other_text]}``."""
    kept = {question.key: [form[question.key].data, None] for question in form.questions}
    for answer in _answers(form, form.questions):
        kept[answer["question_key"]] = [answer["value"], answer["other_text"]]
    return kept


def _recheck(definition, draft, index):
    """Page ``index``'s answers from its kept check, or None when they cannot be trusted.

    The check holds when it was made under the draft's version on the values
    the draft holds now and covered every question shown now; which questions
    count and which are required is worked out again, since a later answer on
    another page may show or hide some. ``IncompleteAnswers`` for a required
    question left blank.
    """
    entry = draft.checked.get(str(index))
    if not entry or entry.get("version") != draft.version_id:
        return None
    values, checked_values = draft.values, entry.get("values") or {}
    if checked_values != {
        name: values.get(name, []) for name in definition.section_field_names(index)
    }:
        return None
    kept, answers = entry.get("answers") or {}, []
    for question in definition.section_questions(index):
        if question.is_note or not is_shown(question, values):
            continue
        found = kept.get(question.key)
        if found is None:
            return None  # hidden when the page was checked: never checked
        value, other = found
        if value is None or value in ("", []):
            if question.required:
                raise IncompleteAnswers(index)
            continue
        answers.append({"question_key": question.key, "value": value, "other_text": other})
    return answers


def _formdata(values):
    return MultiDict([(name, v) for name, vs in values.items() for v in vs])


def _answers(form, questions=None):
    for question in form.active if questions is None else questions:
        value = form[question.key].data
        if value is None or value in ("", []):
            continue
        other = None
        if question.allows_other and OTHER_KEY in value:
            other = form[question.field_names[1]].data or None
        yield {"question_key": question.key, "value": value, "other_text": other}


def purge_drafts(older_than):
    """Delete drafts untouched since ``older_than`` (a naive UTC datetime)."""
    result = db.session.execute(drafts.delete().where(drafts.c.updated_at < older_than))
    return result.rowcount
