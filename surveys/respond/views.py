"""Survey pages for families. Every page works without JavaScript.

URLs: ``/s/<slug>`` asks for the community, ``/s/<slug>/<community>`` presets
it, ``/s/<slug>/p/<n>`` is page n, ``/s/<slug>/thanks`` ends the survey.
``/s/sw.js`` is the optional service worker; served from here, its scope is
``/s/``, so it never sees staff pages.
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import refresh
from sqlalchemy.exc import IntegrityError

from .. import i18n
from ..definition.model import OTHER_KEY
from ..extensions import csrf, db
from ..forms import build_page_form, build_start_form
from ..forms.csrf import posted_token_passes
from ..forms.start import PREFER_NOT_TO_SAY
from ..forms.survey_page import raw_values
from ..i18n import current_language
from ..posted_limit import PostedPagesLimit
from ..services import responding
from ..services.survey_store import definition_of, get_survey

bp = Blueprint("respond", __name__, url_prefix="/s")
# Forms here check their CSRF token themselves, so that a failed check can
# show the page again with the family's answers instead of a bare error.
csrf.exempt(bp)
# Posted pages per client address (hashed, kept in memory or Redis only).
# Generous, since a whole school's families may share one address.
bp.before_request(PostedPagesLimit())


def _open_survey(slug, draft=None):
    """The survey ``slug``; ``draft``, found with its survey, saves reading it again.

    With a draft this is the draft's ``SurveyState``, else the ``Survey``.
    """
    survey = draft.survey if draft is not None else get_survey(slug)
    if survey is None or survey.is_draft:
        abort(404)  # a draft is not published: families cannot open it
    return survey


def _closed(slug):
    definition = definition_of(get_survey(slug).current)
    return render_template("respond/closed.html", definition=definition), 410


def _held(slug):
    """The tokens this browser holds for a survey: ``(session_token, submission_token)``.

    The plain submission token lives only here and in the pages: the draft
    keeps its hash. A session from before that rule holds the session token alone.
    """
    held = session.get("drafts", {}).get(slug)
    if isinstance(held, str):
        return held, None
    return (held or {}).get("session"), (held or {}).get("submission")


def _remember(slug, token, submission_token):
    held = {"session": token, "submission": submission_token}
    session["drafts"] = {**session.get("drafts", {}), slug: held}
    session.permanent = True


def _forget(slug):
    session["drafts"] = {k: v for k, v in session.get("drafts", {}).items() if k != slug}


def _find_draft(survey):
    """This browser's draft and its plain submission token, or ``(None, None)``."""
    return _held_draft(survey, responding.find_draft(survey, _held(survey.slug)[0]))


def _held_draft(survey, draft):
    """``(draft, submission_token)`` for the draft this browser's session found."""
    if draft is None:
        return None, None
    token, submission_token = _held(survey.slug)
    if responding.holds(draft, submission_token):
        return draft, submission_token
    # A session from before the plain token was kept in it: the posted page
    # still has the token; failing that, nobody holds it and a new one is made.
    submission_token = request.form.get("submission_token")
    if not responding.holds(draft, submission_token):
        submission_token = responding.renew_submission_token(draft)
        db.session.commit()
    _remember(survey.slug, token, submission_token)
    return draft, submission_token


def _switches_language():
    """A language button was pressed: remember it and say so."""
    wanted = request.form.get("lang")
    if wanted:
        i18n.choose(wanted)
    return bool(wanted)


@bp.route("/sw.js")
def worker():
    response = send_from_directory(current_app.static_folder, "sw.js", max_age=0)
    response.mimetype = "text/javascript"
    return response


@bp.route("/<slug>", methods=["GET", "POST"])
@bp.route("/<slug>/<community_slug>", methods=["GET", "POST"])
def start(slug, community_slug=None):
    survey = _open_survey(slug)
    community = survey.community(community_slug) if community_slug else None
    if community_slug and community is None:
        abort(404)
    if not survey.is_open:
        return _closed(slug)
    ask = community is None and bool(survey.active_communities)
    if request.method == "POST" and _switches_language():
        refresh()  # show the same page, choice kept, in the new language
        form = build_start_form(survey, current_language(), ask)
        return _render_start(survey, community, form)
    form = build_start_form(survey, current_language(), ask)
    if form.validate_on_submit():
        if ask and form.community.data != PREFER_NOT_TO_SAY:
            community = survey.community(form.community.data)
        draft, _submission_token = _find_draft(survey)
        if draft is None:
            draft, token, submission_token = responding.start_draft(survey, community)
            _remember(slug, token, submission_token)
        else:
            responding.set_community(draft, community)
        db.session.commit()
        return redirect(url_for(".page", slug=slug, number=1))
    status = 400 if form.errors.get("csrf_token") else 422 if form.errors else 200
    return _render_start(survey, community, form, status)


def _render_start(survey, community, form, status=200):
    definition = definition_of(survey.current)
    return render_template(
        "respond/start.html", definition=definition, community=community, form=form
    ), status


@bp.route("/<slug>/p/<int:number>", methods=["GET", "POST"])
def page(slug, number):
    found = responding.find_draft_by_slug(slug, _held(slug)[0])
    survey = _open_survey(slug, found)
    if not survey.is_open:
        return _closed(slug)
    draft, submission_token = _held_draft(survey, found)
    if request.method == "POST":
        return _post_page(survey, draft, submission_token, number)
    if draft is None:
        return redirect(url_for(".start", slug=slug))
    if number - 1 not in responding.visible_pages(draft):
        shown = responding.next_page(draft, number - 1)
        return redirect(url_for(".page", slug=slug, number=1 if shown is None else shown + 1))
    definition = draft.definition
    form = _page_form(definition, draft.values, number, submission_token)
    if request.args.get("check"):
        form.validate()
    return _render_page(definition, draft.values, number, form)


def _page_form(definition, values, number, submission_token, formdata=None, csrf=True):
    language = current_language()
    form = build_page_form(definition, number - 1, language, values, formdata=formdata, csrf=csrf)
    form.submission_token.data = submission_token
    return form


def _show_posted(definition, values, number, submission_token, status):
    """The posted page shown again with its errors (400 for a failed CSRF check)."""
    form = _page_form(definition, values, number, submission_token, request.form)
    form.validate()
    return _render_page(definition, values, number, form, status, csrf_failed=status == 400)


def _render_page(definition, values, number, form, status=200, csrf_failed=False):
    # A page posted without a draft may be one its earlier answers would hide:
    # it is still the page the family sees.
    pages = sorted({*responding.shown_pages(definition, values), number - 1})
    return render_survey_page(definition, number, form, pages, csrf_failed=csrf_failed), status


def render_survey_page(definition, number, form, pages, csrf_failed=False, **extra):
    """Page ``number`` of ``definition``; ``pages`` are the indexes shown to this family.

    The builder's preview uses it too, so a lead sees exactly what a family sees.
    """
    return render_template(
        "respond/page.html",
        definition=definition,
        section=definition.sections[number - 1],
        form=form,
        number=number,
        position=pages.index(number - 1) + 1,
        total=len(pages),
        is_last=number - 1 == pages[-1],
        csrf_failed=csrf_failed,
        other_key=OTHER_KEY,
        **extra,
    )


def _post_page(survey, draft, submission_token, number):
    posted_token = request.form.get("submission_token", "")
    from_session = draft is not None
    if not from_session:
        # The session was lost (cookie cleared or expired): the page's token finds the draft.
        draft = responding.draft_for_submission(survey, posted_token)
        submission_token = posted_token if draft else _page_token(posted_token)
    definition = definition_of(survey.current) if draft is None else draft.definition
    if not 0 < number <= len(definition.sections):
        abort(404)
    # A page that comes back after the answers were sent (a double tap, a
    # queued retry, the back button): the answers were sent; only a
    # different last page is refused. While a draft holds the token nothing
    # was sent (the response and the draft's deletion are one transaction),
    # so there is nothing to look up.
    posted = raw_values(request.form, definition.section_questions(number - 1))
    if not (from_session and responding.holds(draft, posted_token)):
        replayed = _replayed(survey, definition, posted_token, posted, number)
        if replayed is not None:
            return replayed
    values = draft.values if draft else {}
    # A refused page stores nothing: the typed answers come back in the form,
    # built again with its CSRF token field to be shown.
    if not posted_token_passes(request.form):
        return _show_posted(definition, values, number, submission_token, 400)
    form = _page_form(definition, values, number, submission_token, request.form, csrf=False)
    valid = form.validate()
    moving = _switches_language() or request.form.get("nav") == "back"
    if not valid and not moving:
        return _show_posted(definition, values, number, submission_token, 422)
    # Back and the language buttons keep whatever was typed, checked or not:
    # a closed tab loses nothing. The page and, on the last page, the
    # response are one transaction.
    try:
        if not from_session:
            draft, submission_token = _attach_draft(survey, draft, submission_token)
        responding.save_page(draft, posted, number - 1, form if valid else None)
        outcome, sent = _navigate(survey, draft, submission_token, number, posted)
        if not sent:
            responding.keep(draft)
        db.session.commit()
    except (IntegrityError, responding.DraftGone):
        # The last page sent twice at once (a double tap, a queued retry): one copy won.
        db.session.rollback()
        replayed = _replayed(survey, definition, posted_token, posted, number)
        if replayed is None:
            raise
        return replayed
    return outcome


def _page_token(posted_token):
    """The submission token for a page shown before any draft exists."""
    return posted_token if responding.is_token(posted_token) else responding.new_token()


def _attach_draft(survey, draft, submission_token):
    """Tie a draft to this browser: the one the page's token found, or a new one."""
    if draft is None:
        community = survey.community(request.form.get("community", ""))
        draft, token, submission_token = responding.start_draft(survey, community, submission_token)
    else:
        token = responding.reattach(draft)
    _remember(survey.slug, token, submission_token)
    return draft, submission_token


def _replayed(survey, definition, token, posted, number):
    """The page for answers already stored under ``token``; None if there are none."""
    try:
        if not responding.check_replay(token, posted, number - 1):
            return None
    except responding.SubmissionConflict:
        return render_template("respond/conflict.html", definition=definition), 409
    _forget(survey.slug)
    return redirect(url_for(".thanks", slug=survey.slug))


def _navigate(survey, draft, submission_token, number, posted):
    """``(response, sent)``: where the family goes next, and whether the answers were sent."""
    slug = survey.slug
    if request.form.get("lang"):
        return redirect(url_for(".page", slug=slug, number=number)), False
    if request.form.get("nav") == "back":
        earlier = responding.previous_page(draft, number - 1)
        if earlier is None:
            return redirect(url_for(".start", slug=slug)), False
        return redirect(url_for(".page", slug=slug, number=earlier + 1)), False
    later = responding.next_page(draft, number - 1)
    if later is not None:
        return redirect(url_for(".page", slug=slug, number=later + 1)), False
    try:
        responding.submit(draft, current_language(), posted, submission_token)
    except responding.IncompleteAnswers as incomplete:
        page = incomplete.page + 1
        return redirect(url_for(".page", slug=slug, number=page, check=1)), False
    _forget(slug)
    return redirect(url_for(".thanks", slug=slug)), True


@bp.route("/<slug>/thanks")
def thanks(slug):
    survey = _open_survey(slug)
    return render_template("respond/thanks.html", definition=definition_of(survey.current))
