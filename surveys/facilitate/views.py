"""Facilitators record focus groups. Every page works without JavaScript.

A facilitator sees only the sessions they created or were added to: any
other session answers 404 at every URL, as if it did not exist.
"""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError

from ..auth.access import csrf_failed, roles_required
from ..auth.resume import keeps_typed_text
from ..extensions import db
from ..forms.focus_groups import (
    LABELS,
    build_add_facilitator_form,
    build_new_focus_group_form,
    build_notes_form,
)
from ..i18n import current_language
from ..services import focus_groups, survey_store

bp = Blueprint("facilitate", __name__, url_prefix="/facilitate")
# Notes posted with an expired CSRF token are shown again, not lost.
bp.register_error_handler(CSRFError, csrf_failed)


@bp.context_processor
def labels():
    return {"labels": LABELS}


def _my_group(group_id):
    group = focus_groups.find_visible(current_user, group_id)
    if group is None:
        abort(404)
    return group


@bp.get("/")
@roles_required("facilitator")
def index():
    groups = focus_groups.my_focus_groups(current_user)
    return render_template("facilitate/index.html", groups=groups)


@bp.route("/new", methods=["GET", "POST"])
@roles_required("facilitator")
def new():
    surveys = focus_groups.all_surveys()
    form = build_new_focus_group_form(surveys, current_language(), request.args.get("survey"))
    refusal = None
    if form.validate_on_submit():
        survey = survey_store.get_survey(form.survey.data)
        try:
            group = focus_groups.create_focus_group(
                survey,
                current_user,
                community=form.chosen_community(survey),
                held_on=form.held_on.data,
                setting=form.setting.data,
                languages=form.languages.data,
                counts=form.counts(),
                consent_confirmed=form.consent.data,
            )
        except focus_groups.FocusGroupError as refused:
            refusal = str(refused)
        else:
            db.session.commit()
            return redirect(url_for(".notes", group_id=group.id))
    status = 422 if form.errors or refusal else 200
    return render_template("facilitate/new.html", form=form, refusal=refusal), status


def _typed_text(posted):
    fields = [name for name in posted if name.startswith("note__") or name.endswith("-text")]
    texts = [posted[name].strip() for name in [*fields, "observations"] if name in posted]
    return [text for text in texts if text]


def _restore_notes(typed, group_id):
    """The notes page with text typed before the session ended, not yet saved."""
    group = _my_group(group_id)
    if group.is_final:
        return _render_final(group, unsaved=_typed_text(typed), status=409)
    prompts = focus_groups.notes_prompts(group)
    form = build_notes_form(prompts, current_language(), group.latest, formdata=typed)
    # Rendered from the login page too, outside this blueprint's context processor.
    return render_template(
        "facilitate/notes.html", group=group, form=form, restored=True, labels=LABELS
    )


@bp.route("/<int:group_id>", methods=["GET", "POST"])
@roles_required("facilitator")
@keeps_typed_text(restore=_restore_notes, texts=_typed_text)
def notes(group_id):
    group = _my_group(group_id)
    if group.is_final and request.method == "POST":
        # Finalized by a co-facilitator meanwhile: nothing is saved, but the
        # text typed is shown so that it can be copied.
        return _render_final(group, unsaved=_typed_text(request.form), status=409)
    if group.is_final:
        return _render_final(group)
    prompts = focus_groups.notes_prompts(group)
    form = build_notes_form(prompts, current_language(), group.latest)
    refusal = None
    if form.validate_on_submit():
        try:
            focus_groups.record_notes(
                group,
                current_user,
                prompts=prompts,
                final=request.form.get("action") == "finalize",
                **form.notes_data(),
            )
            db.session.commit()
        except IntegrityError:
            # A co-facilitator saved the same version number a moment earlier.
            db.session.rollback()
            refusal = _(
                "Someone else saved these notes at the same moment. "
                "Your text is still here: please save again."
            )
        else:
            return redirect(url_for(".notes", group_id=group.id, saved=1))
    status = 422 if form.errors else 409 if refusal else 200
    return render_template(
        "facilitate/notes.html",
        group=group,
        form=form,
        refusal=refusal,
        saved=request.args.get("saved"),
    ), status


def _render_final(group, unsaved=(), status=200):
    reading = focus_groups.reading(group.latest, current_language())
    return render_template(
        "facilitate/final.html", group=group, reading=reading, unsaved=unsaved, labels=LABELS
    ), status


@bp.get("/<int:group_id>/versions")
@roles_required("facilitator")
def versions(group_id):
    return render_template("facilitate/versions.html", group=_my_group(group_id))


@bp.get("/<int:group_id>/versions/<int:number>")
@roles_required("facilitator")
def version(group_id, number):
    group = _my_group(group_id)
    found = focus_groups.find_version(group, number)
    if found is None:
        abort(404)
    reading = focus_groups.reading(found, current_language())
    return render_template("facilitate/version.html", group=group, version=found, reading=reading)


@bp.route("/<int:group_id>/facilitators", methods=["GET", "POST"])
@roles_required("facilitator")
def facilitators(group_id):
    group = _my_group(group_id)
    candidates = focus_groups.candidate_facilitators(group)
    form = build_add_facilitator_form(candidates)
    if request.method == "POST" and group.is_final:
        return render_template("facilitate/facilitators.html", group=group, form=form), 409
    if form.validate_on_submit():
        chosen = next(user for user in candidates if user.id == form.user.data)
        focus_groups.add_facilitator(group, chosen)
        db.session.commit()
        return redirect(url_for(".facilitators", group_id=group.id))
    status = 422 if form.errors else 200
    return render_template("facilitate/facilitators.html", group=group, form=form), status
