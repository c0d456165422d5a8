"""Voces: multilingual family surveys for community coalitions.

The web app's modules are imported by ``create_app`` and the ``register_*``
steps, not here: ``python -m surveys.analysis`` imports this package too, and
needs none of Flask (a second saved on every run).
"""

import os


def create_app(test_config=None):
    from flask import Flask

    from . import logs
    from .config import Config, check_mail, check_production, from_environment, resource_dir

    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
    )
    app.config.from_object(Config)
    app.config.update(from_environment())
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(resource_dir("translations"))
    if test_config:
        app.config.update(test_config)
    check_production(app)
    check_mail(app)
    logs.init_app(app)
    register_proxies(app)
    register_database(app)
    register_extensions(app)
    register_access(app)
    register_blueprints(app)
    register_errors(app)
    register_privacy(app)
    register_templates(app)
    register_cli(app)
    return app


def register_proxies(app):
    """Trust the scheme and host from this many reverse proxies in front (none by default)."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    proxies = app.config["PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )


def register_database(app):
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{app.instance_path}/voces.sqlite"


def register_extensions(app):
    from . import i18n
    from .config import resource_dir
    from .extensions import babel, csrf, db, limiter, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(resource_dir("migrations")))
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    app.before_request(i18n.remember_choice)


def register_access(app):
    from .auth import access
    from .extensions import login_manager
    from .sessions import CookieSessions

    app.session_interface = CookieSessions()
    login_manager.init_app(app)
    login_manager.user_loader(access.load_user)
    # No address or user-agent fingerprint in the session: see privacy.py.
    login_manager.session_protection = None
    login_manager._session_identifier_generator = access.no_identifier
    login_manager.login_view = "auth.login"
    app.before_request(access.enforce_session_limits)
    app.after_request(access.no_store_for_staff)


def register_blueprints(app):
    from . import admin, auth, facilitate, leads, respond

    app.register_blueprint(respond.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(facilitate.bp)
    app.register_blueprint(leads.bp)


def register_errors(app):
    from . import errors

    errors.init_app(app)


def register_privacy(app):
    from . import privacy

    privacy.init_app(app)


def register_templates(app):
    from . import templating

    templating.init_app(app)


def register_cli(app):
    from . import cli

    cli.init_app(app)
