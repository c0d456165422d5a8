"""The load benchmark's baseline: Voces's own stack answering one bare insert.

The same app factory, configuration, gunicorn settings and database as the
real survey, with one extra route, ``POST /_bench/insert``, that writes one
row and commits. Only ``bench/load.py`` serves this module; the product never
registers the route.
"""

import contextlib
import secrets

from flask import request
from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.exc import DatabaseError

from surveys import create_app
from surveys.extensions import csrf, db

metadata = MetaData()
inserts = Table(
    "bench_inserts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token", String(64), unique=True),
    Column("payload", String(200)),
)

app = create_app()
# gunicorn imports this module once (preload_app) or once per worker; a second
# import finds the table there.
with app.app_context(), contextlib.suppress(DatabaseError):
    metadata.create_all(db.engine)
    db.engine.dispose()


@csrf.exempt
@app.post("/_bench/insert")
def insert():
    db.session.execute(
        inserts.insert().values(
            token=request.form.get("token") or secrets.token_hex(16),
            payload=request.form.get("payload", "")[:200],
        )
    )
    db.session.commit()
    return "", 201
