"""gunicorn settings for Voces (``make serve``, or ``gunicorn -c gunicorn.conf.py wsgi:app``).

Environment: ``VOCES_BIND`` (default 127.0.0.1:8000, behind a reverse proxy),
``WEB_CONCURRENCY`` (workers, default 2 per core + 1).
"""

import gc
import multiprocessing
import os

bind = os.environ.get("VOCES_BIND", "127.0.0.1:8000")
# Synchronous workers: a page is mostly Python work (forms, the database a few
# hundred microseconds away), and threads would only take turns on the GIL.
# Two per core plus one keep the cores busy while a worker waits on a commit
# reaching the disk (PostgreSQL), another worker's write (SQLite) or a client
# closing its connection. See docs/benchmarks.md ("Load and faults").
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
# The app is made once, in the master, and every worker is forked from it: a
# worker that dies is replaced in milliseconds, without importing Voces again.
# (After an upgrade, restart gunicorn: a HUP would fork the old code again.)
preload_app = True
# A sync worker is killed when one request takes longer than this. The
# largest request is a lead's workbook download, built whole before its first
# byte (an XLSX file is a zip): some 20 s for 100,000 responses on an idle
# core (docs/benchmarks.md), so 30 s could kill it on a busy server. Slow
# clients do not count against it: the reverse proxy buffers the response.
timeout = 120
graceful_timeout = 20
# No control socket (~/.gunicorn/gunicorn.ctl): nothing uses it, and two servers
# on one machine would share its path.
control_socket_disable = True
# Recycle workers now and then so that a slow leak never builds up.
max_requests = 20_000
max_requests_jitter = 2_000

# The access log never records who asked: no client address (%(h)s), user
# agent (%(a)s) or referrer (%(f)s), and no query string or link token
# (surveys.serving.PrivateAccessLogger writes the path with tokens hidden).
accesslog = "-"
errorlog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
logger_class = "surveys.serving.PrivateAccessLogger"
# The proxy in front sets X-Forwarded-*; Voces trusts it through VOCES_PROXIES.
forwarded_allow_ips = "127.0.0.1,::1"


def pre_fork(server, worker):
    """Freeze what the master made (imports, the app) before each worker is forked.

    The collector never walks those objects again in a worker: it had walked
    them all now and then, and a page posted allocates many short-lived
    objects; and the memory holding them stays shared with the master
    instead of being copied into every worker as the collector touched it.
    """
    gc.freeze()


def post_fork(server, worker):
    """A forked worker must not share the master's database connections (if any)."""
    from surveys.extensions import db

    with server.app.wsgi().app_context():
        db.engine.dispose(close=False)
