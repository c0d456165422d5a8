"""Friendly error pages in the visitor's language, never a traceback."""

from flask import render_template
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError

PAGES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    405: "errors/400.html",
    413: "errors/413.html",
    429: "errors/429.html",
    500: "errors/500.html",
}


def _page(code):
    def handler(error):
        return render_template(PAGES[code]), code

    return handler


def _csrf_error(error):
    return render_template("errors/400.html", csrf=True), 400


def init_app(app):
    for code in PAGES:
        app.register_error_handler(code, _page(code))
    app.register_error_handler(CSRFError, _csrf_error)
    # Flask-Limiter registers its own plain handler; ours speaks the user's language.
    app.register_error_handler(RateLimitExceeded, _page(429))
