"""Coalition leads read the focus groups of a survey and edit its facilitation guide.

Notes reach leads only once finalized, and always masked: e-mail addresses,
phone and ID numbers are replaced before the page is built.
"""

from flask import Blueprint, abort, redirect, render_template, request, url_for

from ..auth.access import roles_required
from ..extensions import db
from ..forms.focus_groups import LABELS, build_filter_form
from ..forms.guide import build_guide_form
from ..i18n import current_language
from ..services import focus_groups, guides, survey_store

bp = Blueprint("leads", __name__, url_prefix="/leads")


def survey_or_404(slug):
    survey = survey_store.get_survey(slug)
    if survey is None or survey.is_draft:
        abort(404)
    return survey


@bp.context_processor
def labels():
    return {"labels": LABELS}


@bp.get("/focus-groups", endpoint="focus_groups")
@roles_required("lead")
def list_focus_groups():
    form = build_filter_form(request.args, focus_groups.all_surveys(), current_language())
    groups = totals = None
    valid = form.validate()
    if valid and form.chosen_survey is not None:
        groups = focus_groups.survey_focus_groups(
            form.chosen_survey, form.community_filter(), form.start.data, form.end.data
        )
        totals = focus_groups.totals(groups)
    status = 200 if valid else 400
    return render_template(
        "leads/focus_groups.html", form=form, groups=groups, totals=totals
    ), status


@bp.get("/focus-groups/<int:group_id>")
@roles_required("lead")
def focus_group(group_id):
    group = focus_groups.find_final(group_id)
    if group is None:
        abort(404)
    reading = focus_groups.reading(group.latest, current_language(), masked=True)
    return render_template("leads/focus_group.html", group=group, reading=reading)


@bp.route("/surveys/<slug>/guide", methods=["GET", "POST"])
@roles_required("lead")
def guide(slug):
    survey = survey_or_404(slug)
    current = guides.guide_for(survey)
    form = build_guide_form(current.prompts)
    if form.validate_on_submit():
        guides.save_prompts(current, form.ordered_prompts())
        db.session.commit()
        return redirect(url_for(".guide", slug=slug, saved=1))
    return render_template(
        "leads/guide.html", survey=survey, form=form, saved=request.args.get("saved")
    ), 422 if form.errors else 200
