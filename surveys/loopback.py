"""A throwaway Voces on loopback, for browser tests and benchmarks.

``fresh_app(folder)`` builds the app on a new SQLite file with the bundled
surveys loaded (or, given ``database_url``, on that database: its tables are
made afresh and dropped afterwards); ``serve(app)`` runs it in a background
thread on 127.0.0.1 and a free port, and yields the base URL.
"""

import threading
from contextlib import contextmanager

from werkzeug.serving import WSGIRequestHandler, make_server

from . import create_app
from .definition import load_file
from .extensions import db
from .services import survey_store


class QuietHandler(WSGIRequestHandler):
    """No request log (browser runs fetch dozens of files), and keep-alive
    connections, as the reverse proxy in front of gunicorn gives phones."""

    protocol_version = "HTTP/1.1"

    def log_request(self, code="-", size="-"):
        pass


@contextmanager
def fresh_app(folder, database_url=None, **config):
    url = database_url or f"sqlite:///{folder}/voces.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, **config})
    with app.app_context():
        db.drop_all()  # a server database may keep the tables of an interrupted run
        db.create_all()
        for path in app.config["BUNDLED_SURVEYS"]:
            survey_store.load_definition(load_file(path))
        db.session.commit()
        db.session.remove()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            if database_url:
                db.drop_all()
            db.engine.dispose()


@contextmanager
def serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
