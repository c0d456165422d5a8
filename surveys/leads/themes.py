"""Leads run the theme analysis and review its themes, in English or Spanish."""

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.access import roles_required
from ..definition.model import TEXT_TYPES
from ..extensions import db
from ..forms.codebook import build_codebook_form
from ..forms.themes import ActionForm, MergeForm, MoveForm, RenameForm, theme_choices
from ..i18n import current_language
from ..models import ThemeAssignment
from ..services import codebooks, selection, survey_store, themes
from .views import bp, survey_or_404

PAGE_SIZE = 100
NO_KEY = "(none)"  # how the summary writes a missing community or role
STAGES = {
    "collecting": _l("collecting the texts"),
    "finding themes": _l("grouping the texts into themes"),
    "applying edits": _l("applying your review edits"),
    "storing": _l("saving the results"),
}


def _open_questions(survey):
    definition = survey_store.definition_of(survey.current)
    return [q for q in definition.questions if q.type in TEXT_TYPES]


def _run_theme(survey, key):
    run = themes.latest_run(survey, finished=True)
    theme = run.theme(key) if run else None
    if theme is None:
        abort(404)
    return run, theme


def _review_forms(run, language):
    """The rename and merge forms of each theme, filled with its current names."""
    forms = {}
    for theme in run.themes:
        rename = RenameForm(
            prefix=f"r{theme.key}",
            formdata=None,
            data={"name_en": theme.name("en"), "name_es": theme.name("es")},
        )
        merge = MergeForm(prefix=f"m{theme.key}", formdata=None)
        merge.into.choices = theme_choices(run, language, exclude=theme.key)
        forms[theme.key] = {"rename": rename, "merge": merge}
    return forms


def _breakdown_names(survey, language):
    """Words for the keys of each per-theme breakdown (community, language, role, source)."""
    role = selection.role_question(survey)
    choices = role.choices if role else []
    roles = {choice["key"]: role.choice_label(choice["key"], language) for choice in choices}
    return {
        "community": {c.slug: c.name(language) for c in survey.communities}
        | {NO_KEY: _("No community given")},
        "language": {"en": _("English"), "es": _("Spanish")},
        "role": roles | {NO_KEY: _("Not given")},
        "source": {"survey": _("Survey answers"), "focus_group": _("Focus groups")},
    }


@bp.get("/surveys/<slug>/themes")
@roles_required("lead")
def themes_page(slug):
    survey = survey_or_404(slug)
    if themes.fail_stalled_runs(survey):
        db.session.commit()
    latest = themes.latest_run(survey)
    finished = (
        latest if latest and latest.status == "done" else themes.latest_run(survey, finished=True)
    )
    language = current_language()
    summary = themes.summary_for(finished, current_app.config["MIN_CELL"]) if finished else {}
    return render_template(
        "leads/themes.html",
        survey=survey,
        latest=latest,
        run=finished,
        stages=STAGES,
        stalled=themes.STALLED,
        open_questions=_open_questions(survey),
        forms=_review_forms(finished, language) if finished else {},
        action=ActionForm(),
        error=request.args.get("error"),
        communities={c.slug: c.name(language) for c in survey.communities},
        breakdowns=_breakdown_names(survey, language),
        summary=summary,
        summary_themes={t["theme"]: t for t in summary.get("themes", [])},
    )


@bp.post("/surveys/<slug>/themes/run")
@roles_required("lead")
def run_themes(slug):
    survey = survey_or_404(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    themes.fail_stalled_runs(survey)
    latest = themes.latest_run(survey)
    allowed = {q.key for q in _open_questions(survey)}
    chosen = [key for key in request.form.getlist("questions") if key in allowed] or None
    if latest is None or latest.status != "running":
        run = themes.start_run(survey, user=current_user, questions=chosen)
        db.session.commit()
        if current_app.config["ANALYSIS_IN_BACKGROUND"]:
            themes.run_in_background(current_app._get_current_object(), run.id, survey.id)
        else:
            themes.run_safely(run, survey)
    db.session.commit()
    return redirect(url_for(".themes_page", slug=slug))


def _review(survey, kind, payload):
    try:
        themes.review(survey, current_user, kind, payload)
    except themes.ReviewError:
        db.session.rollback()
        return redirect(url_for(".themes_page", slug=survey.slug, error=kind))
    db.session.commit()
    return None


@bp.post("/surveys/<slug>/themes/<int:key>/rename")
@roles_required("lead")
def rename_theme(slug, key):
    survey = survey_or_404(slug)
    form = RenameForm(prefix=f"r{key}")
    if not form.validate_on_submit():
        return redirect(url_for(".themes_page", slug=slug, error="rename"))
    names = {"en": form.name_en.data.strip(), "es": form.name_es.data.strip()}
    return _review(survey, "rename", {"key": key, "names": names}) or redirect(
        url_for(".themes_page", slug=slug, _anchor=f"theme-{key}")
    )


@bp.post("/surveys/<slug>/themes/<int:key>/merge")
@roles_required("lead")
def merge_theme(slug, key):
    survey = survey_or_404(slug)
    run, _theme = _run_theme(survey, key)
    form = MergeForm(prefix=f"m{key}")
    form.into.choices = theme_choices(run, current_language(), exclude=key)
    if not form.validate_on_submit():
        return redirect(url_for(".themes_page", slug=slug, error="merge"))
    return _review(survey, "merge", {"key": key, "into": form.into.data}) or redirect(
        url_for(".themes_page", slug=slug, _anchor=f"theme-{form.into.data}")
    )


@bp.post("/surveys/<slug>/themes/<int:key>/split")
@roles_required("lead")
def split_theme(slug, key):
    survey = survey_or_404(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    return _review(survey, "split", {"key": key}) or redirect(url_for(".themes_page", slug=slug))


@bp.post("/surveys/<slug>/themes/<int:key>/not-useful/<int:value>")
@roles_required("lead")
def mark_theme(slug, key, value):
    survey = survey_or_404(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    return _review(survey, "not_useful", {"key": key, "value": bool(value)}) or redirect(
        url_for(".themes_page", slug=slug, _anchor=f"theme-{key}")
    )


@bp.route("/surveys/<slug>/themes/<int:key>", methods=["GET", "POST"])
@roles_required("lead")
def theme_texts(slug, key):
    """Every text of a theme, with a way to move one to another theme."""
    survey = survey_or_404(slug)
    run, theme = _run_theme(survey, key)
    form = MoveForm()
    form.to.choices = theme_choices(run, current_language(), exclude=key)
    if form.validate_on_submit():
        failed = _review(survey, "move", {"document_id": form.document_id.data, "to": form.to.data})
        if failed:
            return failed
        return redirect(url_for(".theme_texts", slug=slug, key=key, moved=1))
    page = max(request.args.get("page", 1, type=int), 1)
    query = db.select(ThemeAssignment).filter_by(run_id=run.id, theme_key=key)
    texts = db.session.scalars(
        query.order_by(ThemeAssignment.document_id).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "leads/theme_texts.html",
        survey=survey,
        run=run,
        theme=theme,
        texts=texts,
        form=form,
        page=page,
        more=theme.size > page * PAGE_SIZE,
        moved=request.args.get("moved"),
        communities={c.slug: c.name(current_language()) for c in survey.communities},
        message=_("The text was moved.") if request.args.get("moved") else None,
    )


@bp.route("/surveys/<slug>/codebook", methods=["GET", "POST"])
@roles_required("lead")
def codebook(slug):
    survey = survey_or_404(slug)
    book = codebooks.codebook_for(survey)
    form = build_codebook_form(book.themes)
    if form.validate_on_submit():
        codebooks.save_themes(book, form.rows())
        db.session.commit()
        return redirect(url_for(".codebook", slug=slug, saved=1))
    return render_template(
        "leads/codebook.html", survey=survey, form=form, saved=request.args.get("saved")
    ), 422 if form.errors else 200
