"""Focus groups: sessions, their facilitators and the versions of their notes.

Facilitators see only the sessions they are on; leads see them all. Every
save of the notes adds a version; a finalized session no longer changes.
"""

from datetime import UTC, datetime

from flask_babel import gettext as _

from ..analysis.redact import mask_personal_details
from ..definition.model import localized
from ..extensions import db
from ..models import Community, FocusGroup, FocusGroupVersion, Survey, User
from ..models.focus_group import COUNTS, LANGUAGES, SETTINGS, SPEAKER_ROLES
from .guides import guide_for


class FocusGroupError(ValueError):
    """A change to a focus group that cannot be made; ``str()`` says why."""


def _now():
    return datetime.now(UTC).replace(tzinfo=None)


def _refuse_if_final(group):
    if group.is_final:
        raise FocusGroupError(_("This focus group is finalized: it can no longer be changed."))


def all_surveys():
    """Every survey, oldest first: focus groups may follow a closed survey too."""
    published = db.select(Survey).where(Survey.status != "draft")
    return db.session.scalars(published.order_by(Survey.id)).all()


def create_focus_group(
    survey, creator, *, community, held_on, setting, languages, counts, consent_confirmed
):
    """Open a draft session with ``creator`` as its first facilitator.

    Refused without the participants' consent, with a community of another
    survey, or with counts below zero.
    """
    if not consent_confirmed:
        raise FocusGroupError(_("Notes can only be taken when everyone present agreed."))
    if community is not None and community.survey_id != survey.id:
        raise FocusGroupError(_("This community is not part of the chosen survey."))
    languages = [language for language in LANGUAGES if language in languages]
    if setting not in SETTINGS or not languages:
        raise FocusGroupError(_("Please choose one of the options shown."))
    if any(counts.get(count, 0) < 0 for count in COUNTS):
        raise FocusGroupError(_("The number of participants cannot be negative."))
    group = FocusGroup(
        survey_id=survey.id,
        community=community,
        held_on=held_on,
        setting=setting,
        languages=languages,
        consent_confirmed=True,
        created_by=creator.id,
        **{count: counts.get(count, 0) for count in COUNTS},
    )
    group.facilitators.append(creator)
    db.session.add(group)
    db.session.flush()
    return group


def candidate_facilitators(group):
    """Active facilitator accounts not yet on this session."""
    on_it = [user.id for user in group.facilitators]
    return db.session.scalars(
        db.select(User)
        .filter_by(role="facilitator", active=True)
        .where(User.id.not_in(on_it))
        .order_by(User.email)
    ).all()


def add_facilitator(group, user):
    """Add an active facilitator as co-facilitator; adding one twice changes nothing."""
    _refuse_if_final(group)
    if user.role != "facilitator" or not user.active:
        raise FocusGroupError(_("Only active facilitator accounts can be added."))
    if user not in group.facilitators:
        group.facilitators.append(user)
    db.session.flush()
    return group


def visible_to(user):
    """A select of the sessions ``user`` may open: all for leads, their own for others."""
    query = db.select(FocusGroup)
    if user.role != "lead":
        query = query.where(FocusGroup.facilitators.any(User.id == user.id))
    return query


def find_visible(user, group_id):
    """The session if ``user`` may open it, else None (the caller answers 404)."""
    return db.session.scalar(visible_to(user).where(FocusGroup.id == group_id))


def my_focus_groups(user):
    query = visible_to(user).order_by(FocusGroup.held_on.desc(), FocusGroup.id.desc())
    return db.session.scalars(query).all()


def find_version(group, number):
    return next((version for version in group.versions if version.number == number), None)


def notes_prompts(group):
    """The prompts to write notes under: the guide's, then any dropped from it
    since the last save whose notes would otherwise be hidden."""
    prompts = list(guide_for(group.survey).prompts)
    latest = group.latest
    if latest is not None:
        keys = {prompt["key"] for prompt in prompts}
        prompts += [
            p for p in latest.prompts if p["key"] not in keys and latest.notes.get(p["key"])
        ]
    return prompts


def save_version(group, user, *, prompts, notes, quotes, observations):
    """Store the notes as the session's next version; earlier ones stay as they are."""
    _refuse_if_final(group)
    keys = [prompt["key"] for prompt in prompts]
    version = FocusGroupVersion(
        focus_group=group,
        number=len(group.versions) + 1,
        saved_by=user.id,
        prompts=[dict(prompt) for prompt in prompts],
        notes={key: notes[key].strip() for key in keys if (notes.get(key) or "").strip()},
        quotes=[_quote(quote, keys) for quote in quotes if (quote.get("text") or "").strip()],
        observations=(observations or "").strip(),
    )
    db.session.add(version)
    db.session.flush()
    return version


def record_notes(group, user, *, prompts, notes, quotes, observations, final=False):
    """Save the notes as a new version and, when ``final``, finalize the session."""
    version = save_version(
        group, user, prompts=prompts, notes=notes, quotes=quotes, observations=observations
    )
    if final:
        finalize(group)
    return version


def _quote(quote, keys):
    return {
        "prompt": quote.get("prompt") if quote.get("prompt") in keys else None,
        "text": quote["text"].strip(),
        "role": quote.get("role") if quote.get("role") in SPEAKER_ROLES else None,
    }


def finalize(group):
    """Close the session: its latest version is what leads and the analysis read."""
    _refuse_if_final(group)
    if group.latest is None:
        raise FocusGroupError(_("Please save the notes before finalizing."))
    group.status = "final"
    group.finalized_at = _now()
    db.session.flush()
    return group


def survey_focus_groups(survey, community=None, start=None, end=None):
    """A survey's sessions, newest first; ``community`` is a Community, "none" or None (all)."""
    query = db.select(FocusGroup).filter_by(survey_id=survey.id)
    if isinstance(community, Community):
        query = query.filter_by(community_id=community.id)
    elif community == "none":
        query = query.where(FocusGroup.community_id.is_(None))
    if start is not None:
        query = query.where(FocusGroup.held_on >= start)
    if end is not None:
        query = query.where(FocusGroup.held_on <= end)
    return db.session.scalars(query.order_by(FocusGroup.held_on.desc(), FocusGroup.id.desc())).all()


def totals(groups):
    """Sessions, finalized sessions and participants by role, over ``groups``."""
    result = {count: sum(getattr(group, count) for group in groups) for count in COUNTS}
    result["participants"] = sum(result.values())
    result["sessions"] = len(groups)
    result["final"] = sum(group.is_final for group in groups)
    return result


def find_final(group_id):
    """A finalized session, for leads; drafts are not readable yet."""
    group = db.session.get(FocusGroup, group_id)
    return group if group is not None and group.is_final else None


def reading(version, language, masked=False):
    """A version laid out for reading: each prompt with its notes and quotes.

    ``masked`` replaces e-mail addresses, phone and ID numbers, for everyone
    but the facilitators who wrote the notes.
    """
    show = mask_personal_details if masked else str
    quotes = [{**quote, "text": show(quote["text"])} for quote in version.quotes]
    sections = [
        {
            "key": prompt["key"],
            "prompt": localized(prompt["text"], language),
            "notes": show(version.notes.get(prompt["key"], "")),
            "quotes": [quote for quote in quotes if quote["prompt"] == prompt["key"]],
        }
        for prompt in version.prompts
    ]
    return {
        "sections": sections,
        "general_quotes": [quote for quote in quotes if quote["prompt"] is None],
        "observations": show(version.observations),
    }
