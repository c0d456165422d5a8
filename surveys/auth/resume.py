"""Typed text survives a session that ended.

A facilitator may type notes for an hour. If their Save arrives after the
session ended (30 minutes without activity, 12 hours after login, a logout
elsewhere) or with an expired CSRF token, a redirect to the login page would
drop the text. A view marked ``keeps_typed_text`` answers such a POST with the
login form and the typed text in hidden fields of that page: the text stays in
the browser, never on the server or in the cookie. Logging in from that form
shows the view's page again with the text restored, not yet saved.

Only same-origin posts are carried, so another site cannot plant text in a
facilitator's form by posting to Voces.
"""

from collections import namedtuple
from urllib.parse import urlsplit

from flask import current_app, render_template, request, session, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from ..forms.auth import LoginForm

CARRIED = "typed-"
MARK = "keeps_typed_text"
NOT_CARRIED = {"csrf_token"}

TypedText = namedtuple("TypedText", "restore texts")


def keeps_typed_text(restore, texts):
    """Mark a view (placed below ``roles_required``) whose POST is carried through a new login.

    ``restore(formdata, **view_args)`` renders the view's page with ``formdata``
    unsaved; ``texts(formdata)`` lists the texts the login page shows, so they
    can be copied even if the login does not succeed.
    """

    def decorator(view):
        setattr(view, MARK, TypedText(restore, texts))
        return view

    return decorator


def marker(view):
    return getattr(view, MARK, None)


def same_origin():
    """The browser says the POST came from a Voces page (Sec-Fetch-Site, else Origin)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("Origin", "")
    return origin.rstrip("/") == request.host_url.rstrip("/")


def typed_fields(form):
    return MultiDict([(k, v) for k, v in form.items(multi=True) if k not in NOT_CARRIED])


def carried(form):
    """The text a login form carries, under its original field names."""
    size = len(CARRIED)
    return MultiDict([(k[size:], v) for k, v in form.items(multi=True) if k.startswith(CARRIED)])


def target(path):
    """The view a POST to ``path`` reaches and its arguments, or ``(None, {})``."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, args = adapter.match(urlsplit(path or "").path, method="POST")
    except HTTPException:  # unknown path, GET-only view, or a redirect
        return None, {}
    return current_app.view_functions[endpoint], args


def login_page(form, typed=None, next_path=None, *, error=None, ended=None, status=200):
    """The login form; with ``typed``, the text it carries to the page at ``next_path``."""
    typed = typed or MultiDict()
    mark = marker(target(next_path)[0]) if typed else None
    return render_template(
        "auth/login.html",
        form=form,
        error=error,
        ended=ended,
        typed=typed if mark else MultiDict(),
        typed_texts=mark.texts(typed) if mark else [],
        carried_prefix=CARRIED,
        action=url_for("auth.login", next=next_path) if mark else None,
    ), status


def ask_login():
    """Answer a POST that arrived without a session: log in again, the text kept in the page."""
    return login_page(
        LoginForm(formdata=None),
        typed_fields(request.form),
        request.path,
        ended=session.pop("ended", "session"),
        status=401,
    )
