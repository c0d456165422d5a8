"""The survey builder for coalition leads: thin views over the builder and publishing services.

Every change is a POST with a CSRF token and works without JavaScript; the
survey page lists what is left to do before publishing, the versions and
what changed in each, and the community links with their QR codes.
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..auth.access import roles_required
from ..definition import Definition
from ..definition.places import in_words
from ..extensions import db
from ..forms import build_page_form
from ..forms.builder import (
    ActionForm,
    ImportForm,
    NewSurveyForm,
    PublishForm,
    SectionForm,
    SurveyTextsForm,
    build_communities_form,
    build_question_form,
    fill_texts,
    texts_of,
)
from ..i18n import current_language
from ..respond.views import render_survey_page
from ..services import builder, publishing, survey_store, transfer
from ..services.links import qr_svg, survey_links
from .views import bp

EXPORT_TYPES = {
    "xlsform": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "yaml": ("application/yaml", "yaml"),
    "json": ("application/json", "json"),
}


def _survey(slug):
    survey = survey_store.get_survey(slug)
    if survey is None:
        abort(404)
    return survey


def _refusal(refused):
    """Why an edit was refused, each place named in words in the lead's language."""
    return in_words(refused.problems, refused.data)


@bp.get("/surveys", endpoint="surveys")
@roles_required("lead")
def list_surveys():
    return render_template(
        "leads/surveys.html",
        surveys=survey_store.all_surveys(),
        new_form=NewSurveyForm(formdata=None),
        import_form=ImportForm(formdata=None),
    )


@bp.post("/surveys/new", endpoint="new_survey")
@roles_required("lead")
def new_survey():
    form = NewSurveyForm()
    if not form.validate_on_submit():
        return _list_again(new_form=form)
    survey = builder.create_survey(form.slug.data, texts_of(form, "title"))
    db.session.commit()
    return redirect(url_for(".survey", slug=survey.slug))


def _list_again(problems=None, **forms):
    forms.setdefault("new_form", NewSurveyForm(formdata=None))
    forms.setdefault("import_form", ImportForm(formdata=None))
    return render_template(
        "leads/surveys.html", surveys=survey_store.all_surveys(), problems=problems, **forms
    ), 422


@bp.post("/surveys/import", endpoint="import_survey")
@roles_required("lead")
def import_survey():
    form = ImportForm()
    if not form.validate_on_submit():
        return _list_again(import_form=form)
    upload = form.file.data
    try:
        survey = transfer.import_survey(upload.filename or "upload", upload.read())
    except transfer.ImportRefused as refused:
        db.session.rollback()
        return _list_again(problems=in_words(refused.problems), import_form=form)
    db.session.commit()
    return redirect(url_for(".survey", slug=survey.slug))


@bp.get("/surveys/<slug>", endpoint="survey")
@roles_required("lead")
def survey_page(slug):
    survey = _survey(slug)
    return _render_survey(survey)


def _render_survey(survey, status=200, refusal=None, publish_form=None):
    data = survey.working_definition
    base_url = current_app.config["PUBLIC_URL"]
    links = [] if survey.is_draft else survey_links(survey, base_url)
    return render_template(
        "leads/survey.html",
        survey=survey,
        data=data,
        definition=Definition(data),
        todo=in_words(publishing.problems(survey), data),
        identifying=publishing.identifying_questions(data),
        privacy_note=publishing.PRIVACY_NOTE,
        unpublished=publishing.has_unpublished_changes(survey),
        versions=publishing.version_changes(survey),
        links=[(label, url, qr_svg(url)) for label, url in links],
        action=ActionForm(formdata=None),
        publish_form=publish_form or PublishForm(formdata=None),
        section_form=SectionForm(formdata=None),
        refusal=refusal,
    ), status


@bp.post("/surveys/<slug>/publish", endpoint="publish")
@roles_required("lead")
def publish(slug):
    survey = _survey(slug)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        publishing.publish(survey, form.privacy_confirmed.data)
    except publishing.PublishRefused:
        db.session.rollback()
        return _render_survey(
            survey,
            422,
            refusal=_(
                "The survey is not ready: finish the "
                "items listed under \u201cBefore "
                "publishing\u201d."
            ),
        )
    except publishing.PrivacyNotConfirmed:
        db.session.rollback()
        return _render_survey(
            survey,
            422,
            refusal=_(
                "Some questions identify people: read the privacy note and confirm it to publish."
            ),
            publish_form=form,
        )
    db.session.commit()
    flash(_("Published: version %(n)s is the one families answer now.", n=survey.current.number))
    return redirect(url_for(".survey", slug=slug))


def _action(slug, change, message):
    survey = _survey(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    change(survey)
    db.session.commit()
    flash(message)
    return redirect(url_for(".survey", slug=slug))


@bp.post("/surveys/<slug>/close", endpoint="close")
@roles_required("lead")
def close(slug):
    return _action(slug, publishing.close, _("Closed: families can no longer answer."))


@bp.post("/surveys/<slug>/reopen", endpoint="reopen")
@roles_required("lead")
def reopen(slug):
    return _action(slug, publishing.reopen, _("Open again: families can answer."))


@bp.post("/surveys/<slug>/discard", endpoint="discard")
@roles_required("lead")
def discard(slug):
    return _action(slug, publishing.discard_changes, _("Unpublished changes were discarded."))


@bp.route("/surveys/<slug>/settings", methods=["GET", "POST"], endpoint="survey_settings")
@roles_required("lead")
def survey_settings(slug):
    survey = _survey(slug)
    form = SurveyTextsForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.from_data(survey.working_definition)
    refusal = None
    if form.validate_on_submit():
        try:
            builder.update_survey(survey, form.data_fields(), form.chosen_languages())
        except builder.EditRefused as refused:
            refusal = _refusal(refused)
        else:
            db.session.commit()
            return redirect(url_for(".survey", slug=slug))
    return _form_page("leads/survey_settings.html", survey, form, refusal)


def _form_page(template, survey, form, refusal, **context):
    if refusal:
        db.session.rollback()
    status = 422 if refusal or form.errors else 200
    return render_template(template, survey=survey, form=form, refusal=refusal, **context), status


@bp.post("/surveys/<slug>/sections", endpoint="add_section")
@roles_required("lead")
def add_section(slug):
    survey = _survey(slug)
    form = SectionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        builder.add_section(survey, texts_of(form, "title"), texts_of(form, "description"))
    except builder.EditRefused as refused:
        return _render_survey(survey, 422, refusal=_refusal(refused))
    db.session.commit()
    return redirect(url_for(".survey", slug=slug, _anchor="pages"))


@bp.route("/surveys/<slug>/sections/<int:index>", methods=["GET", "POST"], endpoint="section")
@roles_required("lead")
def section(slug, index):
    survey = _survey(slug)
    sections = survey.working_definition["sections"]
    if not 0 <= index < len(sections):
        abort(404)
    form = SectionForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "GET":
        fill_texts(form, "title", sections[index].get("title"))
        fill_texts(form, "description", sections[index].get("description"))
    refusal = None
    if form.validate_on_submit():
        try:
            builder.update_section(
                survey, index, texts_of(form, "title"), texts_of(form, "description")
            )
        except builder.EditRefused as refused:
            refusal = _refusal(refused)
        else:
            db.session.commit()
            return redirect(url_for(".survey", slug=slug, _anchor="pages"))
    return _form_page("leads/section.html", survey, form, refusal, index=index)


def _change(slug, change, anchor="pages"):
    """A move or delete button: apply it, or show the survey with the reason."""
    survey = _survey(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        change(survey)
    except builder.EditRefused as refused:
        return _render_survey(survey, 422, refusal=_refusal(refused))
    except (IndexError, TypeError):
        abort(404)
    db.session.commit()
    return redirect(url_for(".survey", slug=slug, _anchor=anchor))


def _step():
    return -1 if request.form.get("direction") == "up" else 1


@bp.post("/surveys/<slug>/sections/<int:index>/move", endpoint="move_section")
@roles_required("lead")
def move_section(slug, index):
    return _change(slug, lambda s: builder.move_section(s, index, _step()))


@bp.post("/surveys/<slug>/sections/<int:index>/delete", endpoint="delete_section")
@roles_required("lead")
def delete_section(slug, index):
    return _change(slug, lambda s: builder.delete_section(s, index))


@bp.route(
    "/surveys/<slug>/sections/<int:index>/questions/new",
    methods=["GET", "POST"],
    endpoint="new_question",
)
@roles_required("lead")
def new_question(slug, index):
    survey = _survey(slug)
    data = survey.working_definition
    if not 0 <= index < len(data["sections"]):
        abort(404)
    earlier = builder.earlier_questions(data, section=index)
    form = build_question_form(earlier, formdata=request.form if request.method == "POST" else None)
    refusal = None
    if form.validate_on_submit():
        question = form.question()
        try:
            builder.add_question(survey, index, question)
        except builder.EditRefused as refused:
            refusal = _refusal(refused)
        else:
            db.session.commit()
            return redirect(url_for(".survey", slug=slug, _anchor=f"q-{question['key']}"))
    return _form_page("leads/question.html", survey, form, refusal, index=index, key=None)


@bp.route("/surveys/<slug>/questions/<key>", methods=["GET", "POST"], endpoint="question")
@roles_required("lead")
def question(slug, key):
    survey = _survey(slug)
    data = survey.working_definition
    found = builder.find_question(data, key)
    if found is None:
        abort(404)
    earlier = builder.earlier_questions(data, key=key)
    posted = request.form if request.method == "POST" else None
    form = build_question_form(earlier, found[2], formdata=posted)
    refusal = None
    if form.validate_on_submit():
        try:
            builder.update_question(survey, key, form.question())
        except builder.EditRefused as refused:
            refusal = _refusal(refused)
        else:
            db.session.commit()
            return redirect(url_for(".survey", slug=slug, _anchor=f"q-{form.key.data}"))
    return _form_page("leads/question.html", survey, form, refusal, index=found[0], key=key)


@bp.post("/surveys/<slug>/questions/<key>/move", endpoint="move_question")
@roles_required("lead")
def move_question(slug, key):
    return _change(slug, lambda s: builder.move_question(s, key, _step()), f"q-{key}")


@bp.post("/surveys/<slug>/questions/<key>/delete", endpoint="delete_question")
@roles_required("lead")
def delete_question(slug, key):
    return _change(slug, lambda s: builder.delete_question(s, key))


@bp.route("/surveys/<slug>/communities", methods=["GET", "POST"], endpoint="communities")
@roles_required("lead")
def communities(slug):
    survey = _survey(slug)
    current = survey.working_definition.get("communities", [])
    form = build_communities_form(current, request.form if request.method == "POST" else None)
    refusal = None
    if form.validate_on_submit():
        try:
            builder.set_communities(survey, form.communities())
        except builder.EditRefused as refused:
            refusal = _refusal(refused)
        else:
            db.session.commit()
            return redirect(url_for(".survey", slug=slug))
    return _form_page("leads/communities.html", survey, form, refusal)


@bp.get("/surveys/<slug>/preview/<int:number>", endpoint="preview")
@roles_required("lead")
def preview(slug, number):
    """A page of the working definition exactly as a family's phone shows it."""
    survey = _survey(slug)
    definition = Definition(survey.working_definition)
    if not 0 < number <= len(definition.sections):
        abort(404)
    # ?in= picks the preview's language; the language links (?lang=) switch it too.
    language = request.args.get("lang") or request.args.get("in") or current_language()
    if language not in definition.languages:
        language = definition.languages[0]
    with force_locale(language):
        form = build_page_form(definition, number - 1, language, {}, preview=True)
        pages = list(range(len(definition.sections)))
        preview_of = {"survey": survey, "language": language}
        return render_survey_page(definition, number, form, pages, preview=preview_of)


@bp.get("/surveys/<slug>/export/<fmt>", endpoint="export")
@roles_required("lead")
def export(slug, fmt):
    survey = _survey(slug)
    if fmt not in EXPORT_TYPES:
        abort(404)
    mimetype, suffix = EXPORT_TYPES[fmt]
    content = transfer.export_survey(survey, fmt)
    return current_app.response_class(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{slug}.{suffix}"'},
    )
