"""Administrators create accounts, hand out set-password links and disable accounts."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth.access import roles_required
from ..extensions import db
from ..forms.auth import MAIL_LANGUAGES, ROLE_LABELS, CreateUserForm
from ..i18n import current_language, supported
from ..models import User
from ..services import accounts, audit, mail

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _hand_out(user, token, language, new_account):
    """What the page shows: the address, the link, and whether it was e-mailed.

    The caller has committed already, so a mail server that fails loses nothing.
    """
    url = url_for("auth.set_password", token=token, _external=True)
    return {
        "email": user.email,
        "url": url,
        "mail": mail.send_password_link(user.email, url, language, new_account),
    }


def _page(form, new_link=None):
    return render_template(
        "admin/users.html",
        form=form,
        users=accounts.list_users(),
        new_link=new_link,
        role_labels=ROLE_LABELS,
        mail_on=mail.configured(),
        mail_languages=MAIL_LANGUAGES,
    )


@bp.route("/users", methods=["GET", "POST"])
@roles_required("admin")
def users():
    # The e-mail's language: the admin's own unless they pick the other.
    form = CreateUserForm(language=current_language())
    new_link = None
    if form.validate_on_submit():
        try:
            user, token = accounts.create_user(form.email.data, form.role.data)
        except accounts.AccountError as refused:
            form.email.errors.append(str(refused))
        else:
            db.session.commit()
            new_link = _hand_out(user, token, form.language.data, new_account=True)
            form = CreateUserForm(formdata=None, language=form.language.data)
    return _page(form, new_link)


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
    language = request.form.get("language")
    language = language if language in supported() else current_language()
    token = accounts.issue_password_link(user)
    db.session.commit()
    new_link = _hand_out(user, token, language, new_account=False)
    return _page(CreateUserForm(formdata=None, language=language), new_link)


@bp.get("/downloads")
@roles_required("admin")
def downloads():
    """The download log: who took which export of which survey, with which filters."""
    page = audit.downloads_page(request.args.get("page", 1, type=int))
    return render_template("admin/downloads.html", page=page, records=page.items)
