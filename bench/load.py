"""Load and fault benchmark: full-survey submissions through gunicorn, on loopback.

For each engine (SQLite, and PostgreSQL when reachable) a fresh database is
migrated and loaded with the bundled survey, then gunicorn serves Voces with
the repository's gunicorn.conf.py on 127.0.0.1:

1. *prepare*: clients walk the survey page by page as families do (start
   page, every section), stopping before the last page; not timed.
2. *storm*: ``--clients`` concurrent clients post the last pages: each post
   validates every page again and stores the response and its answers in one
   transaction. Submissions per second and p50/p95/p99 latency are measured.
3. *baseline*: the same clients post to a bare insert endpoint on the same
   stack (bench/bare_app.py: one row, one commit), measured the same way.
4. *lost*: every submission the client saw acknowledged (a redirect to the
   thank-you page) must be stored; their submission tokens are counted.
5. *fault* (``--fault``): a second storm during which every gunicorn worker
   is killed with SIGKILL half-way; the master starts new ones, clients
   retry what was not acknowledged, and again every acknowledged submission
   must be stored; on SQLite ``PRAGMA integrity_check`` must say ok.

Every request goes to 127.0.0.1 only; each phase stops after its count of
requests or ``--max-seconds``, whichever comes first.

Usage: python bench/load.py [--submissions 600] [--clients 32] [--engines sqlite,postgresql]
                            [--postgres-url postgresql://postgres@127.0.0.1:5432/postgres]
The last line is machine-readable (the worst engine):
    submissions_per_s=N baseline_per_s=M ratio=R p99_ms=P lost=L
"""

import argparse
import contextlib
import http.client
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
TARGETS = {"ratio": 0.5, "p99_ms": 100.0}
SLUG = "safe-return"


# ── A family's browser, in a few lines ─────────────────────────────────────


class FormReader(HTMLParser):
    """The answers form's fields: hidden values, and one valid answer per question."""

    def __init__(self):
        super().__init__()
        self.fields, self.textarea = {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "textarea" and name:
            self.fields[name] = "Necesitamos internet en casa y tutoría después de clases."
        if tag != "input" or not name or name.endswith("__other"):
            return
        kind = a.get("type", "text")
        if kind == "hidden":
            self.fields[name] = a.get("value", "")
        elif kind in ("radio", "checkbox"):
            self.fields.setdefault(name, a.get("value", ""))
        elif kind == "text":
            numeric = a.get("inputmode") in ("numeric", "decimal")
            self.fields[name] = "2" if numeric else "Más consejeros"


class Browser:
    """One keep-alive connection and the session cookie, like a phone's browser."""

    def __init__(self, port):
        self.port, self.cookie, self.connection = port, None, None

    def request(self, method, path, fields=None):
        body = urlencode(fields or {}) if fields is not None else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        if self.cookie:
            headers["Cookie"] = self.cookie
        for attempt in range(2):  # one retry on a connection the server closed
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt:
                    raise
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, response.getheader("Location"), data.decode()

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def read_form(html):
    reader = FormReader()
    reader.feed(html)
    return reader.fields


def prepare(port):
    """Walk the survey up to its last page; return what the last post sends."""
    browser = Browser(port)
    status, location, html = browser.request("GET", f"/s/{SLUG}/pacoima?lang=es")
    path, fields = f"/s/{SLUG}/pacoima", read_form(html) | {"nav": "next"}
    for _ in range(40):
        status, location, html = browser.request("POST", path, fields)
        if status not in (302, 303):
            raise RuntimeError(f"{path} answered {status}")
        path = urlsplit(location).path
        status, _location, html = browser.request("GET", path)
        fields = read_form(html) | {"nav": "next"}
        if "Enviar mis respuestas" in html or "Send my answers" in html:
            return browser, path, fields
    raise RuntimeError("the survey never reached its last page")


# ── Running phases ────────────────────────────────────────────────────────


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def storm(jobs, send, clients, max_seconds, rate=None):
    """Run ``send(job)`` for every job on ``clients`` threads; latencies of successes.

    Without ``rate`` the clients send as fast as answers come back (saturation).
    With ``rate`` job n is due at n / rate seconds, and its latency counts from
    then, so a server that falls behind is not flattered (no coordinated omission).
    """
    jobs = list(jobs)
    latencies, acked, lock = [], [], threading.Lock()
    started = time.perf_counter()
    deadline = started + max_seconds

    def work(numbered):
        number, job = numbered
        due = started + number / rate if rate else None
        if due is not None:
            time.sleep(max(0.0, due - time.perf_counter()))
        if time.perf_counter() > deadline:
            return
        begun = due if due is not None else time.perf_counter()
        ok = send(job)
        elapsed = time.perf_counter() - begun
        if ok:
            with lock:
                latencies.append(elapsed)
                acked.append(job)

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(work, enumerate(jobs)))
    return latencies, acked, time.perf_counter() - started


def submit(job):
    """Post the last page until the server acknowledges it (a redirect to thanks)."""
    browser, path, fields = job
    for _attempt in range(5):
        try:
            status, location, _html = browser.request("POST", path, fields)
        except (http.client.HTTPException, OSError):
            time.sleep(0.2)  # a worker died: the master is starting another
            continue
        if status in (302, 303) and location and location.endswith("/thanks"):
            return True
        if status >= 500:
            time.sleep(0.2)
            continue
        return False
    return False


def summarize(latencies, seconds):
    return {
        "per_s": len(latencies) / seconds if seconds else 0.0,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "count": len(latencies),
    }


# ── Servers and databases ─────────────────────────────────────────────────


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(database_url, port, workers):
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "VOCES_ENV": "production",
        "VOCES_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        # The benchmark's clients all come from 127.0.0.1: lift the per-address limits.
        "VOCES_SUBMIT_RATE_LIMIT": "1000000 per minute",
        "FLASK_APP": "wsgi",
    }


def set_up_database(env):
    flask = str(VENV_BIN / "flask")
    for args in (["db", "upgrade"], ["surveys", "load"]):
        subprocess.run([flask, *args], cwd=ROOT, env=env, check=True, capture_output=True)


@contextlib.contextmanager
def gunicorn(env, module):
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", module],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    port = int(env["VOCES_BIND"].rsplit(":", 1)[1])
    try:
        wait_for(port, process)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped while starting")
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def worker_pids(master):
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def stored_tokens(database_url, tokens):
    """How many of ``tokens`` are stored as responses."""
    from sqlalchemy import create_engine, text

    engine = create_engine(_sqlalchemy_url(database_url))
    with engine.connect() as connection:
        found = set(connection.execute(text("SELECT submission_token FROM responses")).scalars())
    engine.dispose()
    return sum(token in found for token in tokens)


def _sqlalchemy_url(url):
    return re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)


def integrity(database_url):
    if not database_url.startswith("sqlite"):
        return "n/a"
    with contextlib.closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def fresh_postgres(admin_url):
    """A new, empty database on the server of ``admin_url``; its URL."""
    from sqlalchemy import create_engine, text

    name = f"voces_load_{secrets.token_hex(4)}"
    engine = create_engine(_sqlalchemy_url(admin_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name, name


def drop_postgres(admin_url, name):
    from sqlalchemy import create_engine, text

    engine = create_engine(_sqlalchemy_url(admin_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


# ── One engine ────────────────────────────────────────────────────────────


def run_engine(name, database_url, args):
    port = free_port()
    env = environment(database_url, port, args.workers)
    set_up_database(env)
    figures = {}
    with gunicorn(env, "wsgi:app") as server:
        acked_tokens = []
        jobs = prepared(port, args.submissions, args.clients)
        latencies, acked, seconds = storm(jobs, submit, args.clients, args.max_seconds)
        figures["submit"] = summarize(latencies, seconds)
        acked_tokens += [job[2]["submission_token"] for job in acked]
        paced = prepared(port, args.submissions, args.clients)
        latencies, acked, seconds = storm(
            paced, submit, args.clients, args.max_seconds, rate=args.rate
        )
        figures["paced"] = summarize(latencies, seconds)
        acked_tokens += [job[2]["submission_token"] for job in acked]
        figures["lost"] = len(acked_tokens) - stored_tokens(database_url, acked_tokens)
        if args.fault:
            figures["fault"] = fault_run(server, port, database_url, args)
        for job in jobs + paced:
            job[0].close()
    with gunicorn(env, "bench.bare_app:app"):
        figures["baseline"] = baseline(port, args)
    figures["integrity"] = integrity(database_url)
    figures["rate"] = args.rate
    return figures


def prepared(port, count, clients):
    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(lambda _n: prepare(port), range(count)))


def baseline(port, args):
    browsers = threading.local()

    def send(number):
        if not hasattr(browsers, "browser"):
            browsers.browser = Browser(port)
        status, _location, _html = browsers.browser.request(
            "POST", "/_bench/insert", {"token": secrets.token_hex(16), "payload": str(number)}
        )
        return status == 201

    storm(range(4 * args.workers), send, args.clients, args.max_seconds)  # every worker booted
    latencies, _acked, seconds = storm(
        range(args.submissions), send, args.clients, args.max_seconds
    )
    return summarize(latencies, seconds)


def fault_run(server, port, database_url, args):
    """A storm during which every worker is SIGKILLed half-way; nothing acknowledged is lost."""
    jobs = prepared(port, args.submissions, args.clients)
    killed = []

    def killer():
        time.sleep(0.05)
        while not progress or progress[0] < len(jobs) // 2:
            time.sleep(0.005)
        for pid in worker_pids(server.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    progress = []

    def counted(job):
        ok = submit(job)
        progress[:] = [progress[0] + 1 if progress else 1]
        return ok

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    _latencies, acked, _seconds = storm(jobs, counted, args.clients, args.max_seconds)
    thread.join(timeout=10)
    tokens = [job[2]["submission_token"] for job in acked]
    for job in jobs:
        job[0].close()
    return {
        "killed": len(killed),
        "acked": len(tokens),
        "lost": len(tokens) - stored_tokens(database_url, tokens),
        "integrity": integrity(database_url),
    }


def report(name, f):
    s, b = f["submit"], f["baseline"]
    print(f"\n{name}")
    rows = (
        ("full-survey submissions", s),
        ("bare insert (baseline)", b),
        (f"submissions at {f['rate']:g}/s", f["paced"]),
    )
    for label, row in rows:
        print(
            f"  {label:24} {row['per_s']:7.1f}/s  p50 {row['p50_ms']:6.1f} ms"
            f"  p95 {row['p95_ms']:6.1f} ms  p99 {row['p99_ms']:6.1f} ms  ({row['count']} done)"
        )
    print(f"  ratio {s['per_s'] / b['per_s']:.2f}; acknowledged but not stored: {f['lost']}")
    if "fault" in f:
        fault = f["fault"]
        print(
            f"  fault: {fault['killed']} workers SIGKILLed mid-storm;"
            f" {fault['acked']} acknowledged,"
            f" {fault['lost']} lost; integrity {fault['integrity']}"
        )
    print(f"  integrity check: {f['integrity']}")


def postgres_reachable(url):
    host = urlsplit(url).hostname or "127.0.0.1"
    port = urlsplit(url).port or 5432
    try:
        socket.create_connection((host, port), timeout=2).close()
        return True
    except OSError:
        return False


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=600)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--max-seconds", type=float, default=120.0)
    parser.add_argument(
        "--rate", type=float, default=20.0, help="offered submissions/s for the paced phase"
    )
    parser.add_argument("--no-fault", dest="fault", action="store_false")
    args = parser.parse_args(argv)
    print(
        f"{args.submissions} submissions per phase, {args.clients} concurrent clients, "
        f"{args.workers} gunicorn workers, {os.cpu_count()} cores, loopback only"
    )
    results = {}
    for engine in args.engines.split(","):
        if engine == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                results[engine] = run_engine(engine, f"sqlite:///{tmp}/load.sqlite", args)
        elif engine == "postgresql":
            if not postgres_reachable(args.postgres_url):
                print(f"\npostgresql: not reachable at {args.postgres_url}; skipped")
                continue
            url, name = fresh_postgres(args.postgres_url)
            try:
                results[engine] = run_engine(engine, url, args)
            finally:
                drop_postgres(args.postgres_url, name)
        report(engine, results[engine])
    worst = min(results.values(), key=lambda f: f["submit"]["per_s"] / f["baseline"]["per_s"])
    lost = sum(f["lost"] + f.get("fault", {}).get("lost", 0) for f in results.values())
    p99 = max(f["submit"]["p99_ms"] for f in results.values())
    ratio = worst["submit"]["per_s"] / worst["baseline"]["per_s"]
    ok = ratio >= TARGETS["ratio"] and p99 <= TARGETS["p99_ms"] and lost == 0
    ok = ok and all(f["integrity"] in ("ok", "n/a") for f in results.values())
    print(
        f"\ntargets: ratio >= {TARGETS['ratio']}, p99 <= {TARGETS['p99_ms']:.0f} ms, lost = 0;"
        f" ok={ok}"
    )
    print(
        f"submissions_per_s={worst['submit']['per_s']:.1f} "
        f"baseline_per_s={worst['baseline']['per_s']:.1f} ratio={ratio:.2f} "
        f"p99_ms={p99:.1f} lost={lost}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
