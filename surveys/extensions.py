"""Extensions are created unbound here and bound to the app in ``create_app``."""

import threading
import time

from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from limits.storage import Storage
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

# Named constraints keep migrations reviewable and portable between engines.
naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=naming_convention))
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
# Keys are hashed client addresses (see auth/limiter_keys.py), kept in memory or Redis only.
limiter = Limiter(key_func=lambda: "global", default_limits=[])


class WorkerMemory(Storage):
    """Fixed-window counts in this process's memory (``RATELIMIT_STORAGE_URI=worker-memory://``).

    limits' own ``memory://`` starts a thread to drop old counts after nearly
    every hit, that is on every survey page posted; here a count is dropped
    when its window has ended, as it is read, and all ended windows now and then.
    """

    STORAGE_SCHEME = ["worker-memory"]
    SWEEP_SECONDS = 60

    def __init__(self, uri=None, wrap_exceptions=False, **options):
        self.counts, self.lock, self.swept = {}, threading.Lock(), time.time()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return ValueError

    def incr(self, key, expiry, amount=1):
        now = time.time()
        with self.lock:
            if now - self.swept > self.SWEEP_SECONDS:
                self.counts = {k: v for k, v in self.counts.items() if v[1] > now}
                self.swept = now
            count, ends = self._window(key, now)
            if not ends:
                ends = now + expiry
            self.counts[key] = (count + amount, ends)
            return count + amount

    def get(self, key):
        return self._window(key, time.time())[0]

    def get_expiry(self, key):
        return self._window(key, time.time())[1] or time.time()

    def _window(self, key, now):
        count, ends = self.counts.get(key, (0, 0.0))
        return (count, ends) if ends > now else (0, 0.0)

    def check(self):
        return True

    def reset(self):
        with self.lock:
            dropped, self.counts = len(self.counts), {}
        return dropped

    def clear(self, key):
        self.counts.pop(key, None)


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, connection_record):
    """WAL lets families submit while a lead reads; the timeout absorbs short locks."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL loses no commit when a process dies (only at power loss).
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
