"""Administrators create accounts, hand out set-password links and disable accounts."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth.access import roles_required
from ..extensions import db
from ..forms.auth import ROLE_LABELS, CreateUserForm
from ..models import User
from ..services import accounts, audit

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _link_url(token):
    return url_for("auth.set_password", token=token, _external=True)


@bp.route("/users", methods=["GET", "POST"])
@roles_required("admin")
def users():
    form = CreateUserForm()
    new_link = None
    if form.validate_on_submit():
        try:
            user, token = accounts.create_user(form.email.data, form.role.data)
        except accounts.AccountError as refused:
            form.email.errors.append(str(refused))
        else:
            db.session.commit()
            new_link = (user.email, _link_url(token))
            form = CreateUserForm(formdata=None)
    return render_template(
        "admin/users.html",
        form=form,
        users=accounts.list_users(),
        new_link=new_link,
        role_labels=ROLE_LABELS,
    )


def _user_or_404(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.post("/users/<int:user_id>/active/<int:active>")
@roles_required("admin")
def set_active(user_id, active):
    user = _user_or_404(user_id)
    if user.id == current_user.id:
        abort(400)  # an admin cannot lock themselves out
    accounts.set_active(user, bool(active))
    db.session.commit()
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/link")
@roles_required("admin")
def new_link(user_id):
    user = _user_or_404(user_id)
    token = accounts.issue_password_link(user)
    db.session.commit()
    return render_template(
        "admin/users.html",
        form=CreateUserForm(formdata=None),
        users=accounts.list_users(),
        new_link=(user.email, _link_url(token)),
        role_labels=ROLE_LABELS,
    )


@bp.get("/downloads")
@roles_required("admin")
def downloads():
    """The download log: who took which export of which survey, with which filters."""
    page = audit.downloads_page(request.args.get("page", 1, type=int))
    return render_template("admin/downloads.html", page=page, records=page.items)
