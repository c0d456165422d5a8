"""Backups of the SQLite database while families keep answering.

SQLite's online backup API copies a consistent snapshot. It copies in one
step: copied in several, the backup starts again whenever another connection
writes between two steps, so under steady submissions it would never end.
With WAL a reader does not block writers, so families keep answering while
the one step runs. PostgreSQL deployments use ``pg_dump`` instead (see the
README).
"""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..extensions import db


class BackupError(Exception):
    """A backup that could not be made or does not check out."""


@dataclass
class BackupCheck:
    path: Path
    integrity: str
    responses: int
    answers: int


def backup_sqlite(target):
    """Copy the live SQLite database to ``target``, then check the copy."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database:
        raise BackupError(
            "backup copies SQLite databases; for PostgreSQL use pg_dump "
            "(pg_dump --format=custom --file=voces.dump DATABASE_URL)"
        )
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(url.database, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy, pages=-1)  # one step: see the module's docstring
    finally:
        copy.close()
        source.close()
    return check_backup(target)


def check_backup(path):
    """Open a backup as a restore would: integrity check and row counts."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        counts = [
            connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("responses", "answers")
        ]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path}: not a Voces database ({error})") from None
    finally:
        connection.close()
    if integrity != "ok":
        raise BackupError(f"{path}: integrity check failed: {integrity}")
    return BackupCheck(path, integrity, *counts)
