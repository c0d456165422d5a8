"""Surveys and their versions in the database."""

from ..definition import Definition, DefinitionError
from ..definition.meaning import changed_meaning
from ..extensions import db
from ..models import Community, Survey, SurveyVersion


def get_survey(slug):
    return db.session.scalar(db.select(Survey).filter_by(slug=slug))


def all_surveys():
    return db.session.scalars(db.select(Survey).order_by(Survey.created_at, Survey.id)).all()


def unique_slug(wanted):
    """``wanted``, or ``wanted-2``, ``wanted-3``... whichever no survey uses yet."""
    slug, number = wanted, 1
    while get_survey(slug) is not None:
        number += 1
        slug = f"{wanted[:58]}-{number}"
    return slug


def create_draft(data):
    """Store a new, unpublished survey; its slug is made unique first.

    A draft has no version: it becomes one when a lead publishes it, so
    families can never open a survey nobody has checked.
    """
    data = {**data, "slug": unique_slug(data["slug"])}
    survey = Survey(slug=data["slug"], status="draft", draft=data)
    db.session.add(survey)
    db.session.flush()
    return survey


def published_definition(survey):
    """The definition families answer now, or the draft if never published."""
    return survey.current.definition if survey.versions else survey.draft


# A stored version never changes (nothing edits one once it is published):
# one Definition per version and process, so a request neither parses the
# definition column nor works out its questions again. The key adds the
# version's creation time, since ids repeat when a database is made anew
# (tests, restores) under a running process.
_definitions = {}
_DEFINITIONS_KEPT = 256


def definition_of(version):
    return definition_by_id(version.id, version.created_at, lambda: version.definition)


def definition_by_id(version_id, created_at, read=None):
    """Version ``version_id``'s Definition; ``read()`` gives its data when not kept yet.

    Without ``read`` the definition column is read on its own, so pages that
    found a version by its id need not load it as an object.
    """
    key = (version_id, created_at)
    definition = _definitions.get(key)
    if definition is None:
        data = read() if read else _stored_definition(version_id)
        if len(_definitions) >= _DEFINITIONS_KEPT:
            _definitions.clear()
        definition = _definitions[key] = Definition(data)
    return definition


def _stored_definition(version_id):
    return db.session.scalar(db.select(SurveyVersion.definition).filter_by(id=version_id))


class MeaningChanged(DefinitionError):
    """A published question would change type: ``problems`` names each one."""


def meaning_problems(survey, data):
    """Questions of ``data`` that would read the survey's published answers wrongly."""
    return changed_meaning([v.definition for v in survey.versions], data)


def load_definition(data):
    """Create the survey, or add a version when its definition changed.

    Returns ``(survey, changed)``. A stored version is never edited, and a
    question keeps its type from one version to the next, so the meaning of
    answers already given cannot change under them: ``MeaningChanged`` says
    which question would.
    """
    survey = get_survey(data["slug"])
    if survey is None:
        survey = Survey(slug=data["slug"])
        db.session.add(survey)
    problems = meaning_problems(survey, data)
    if problems:
        raise MeaningChanged(problems, data["slug"])
    changed = not survey.versions or survey.current.definition != data
    if changed:
        survey.versions.append(SurveyVersion(number=len(survey.versions) + 1, definition=data))
    _sync_communities(survey, data.get("communities", []))
    db.session.flush()
    return survey, changed


def _sync_communities(survey, wanted):
    existing = {c.slug: c for c in survey.communities}
    for position, item in enumerate(wanted):
        community = existing.pop(item["slug"], None)
        if community is None:
            community = Community(slug=item["slug"])
            survey.communities.append(community)
        community.names = dict(item["name"])
        community.position = position
        community.active = True
    for community in existing.values():
        community.active = False


def set_status(survey, status):
    survey.status = status
    db.session.flush()
