"""Load and fault benchmark: full-survey submissions through gunicorn, on loopback.

A *submission* is one request: a family's last survey page, posted. It checks
the answers of every page again, stores the response with all its answers
(about 20 rows) and deletes the draft in one transaction, then redirects to
the thank-you page; that redirect is the acknowledgement. Every page before
it is walked too, as a family's browser does (GET and POST of each page);
those requests are timed and reported as "flow pages", but the targets are
about submissions.

For each engine (SQLite, and PostgreSQL when reachable) a database is
migrated and loaded with the bundled survey, then gunicorn serves it twice
with the repository's gunicorn.conf.py on 127.0.0.1: Voces itself, and the
*bare* server for the baseline (bench/bare_app.py: the same app factory,
settings, gunicorn configuration and database, plus one route that writes
one row and commits). Then:

1. *flow*: clients walk the survey up to its last page, ``--clients`` at a time;
2. *baseline* and *storm*, taking turns: ``--clients`` clients post bare
   inserts flat out, and the last pages flat out (closed loop: each sends its
   next as soon as the last is answered), in 4 blocks each of equal size,
   alternating which goes first (ABBA): submissions per second (the rate and
   ratio) and p50/p95/p99 latency. Taking turns, the two see the same machine:
   a shared one can halve its speed within a minute, and a baseline measured
   once, before the families walked the survey, gave ratios from 0.19 to 0.89
   for the same code;
3. *paced*: ``--paced-submissions`` more last pages (walked in the same
   flow), ``--clients`` clients in an open loop at an aggregate rate of half
   the storm's: submission i is due at start + i / rate, client i mod
   ``--clients`` sends it then (or as soon as it is free), and its latency
   counts from when it was due, so waiting in a queue is not hidden. Its p99
   is the one the target and the last line are about;
4. *lost*: the acknowledged submissions are looked up in the database;
5. *fault*: a second storm (flow first); when half of it is acknowledged
   every worker is SIGKILLed. The run checks that those processes are gone,
   that the master started new ones, that the storm then finished, and that
   every acknowledged submission is stored; on SQLite ``PRAGMA
   integrity_check`` must say ok.

The whole run, preparation included, is bounded by ``--max-seconds``: each
engine gets an equal share and each phase a part of it; a phase that runs out
of time stops, is reported as cut short, and the run is not ok.

The load generator shares the machine's cores with the server: it is one
asyncio thread speaking HTTP/1.1 over plain sockets, and its CPU time per
request is reported beside the server's (the gunicorn workers' user+system
time from /proc; PostgreSQL's own processes are not counted), so a busy
machine shows up in the figures.

Usage: python bench/load.py [--submissions 600] [--paced-submissions 300]
           [--fault-submissions 200] [--clients 32]
           [--engines sqlite,postgresql] [--max-seconds 480] [--workers N]
           [--postgres-url postgresql://postgres@127.0.0.1:5432/voces_load] [--no-fault]
``--postgres-url`` names a database the run may empty; it is created (and
dropped afterwards) when it does not exist. The last line is machine-readable
(the engine with the worst ratio; p99 is the paced phase's, worst engine;
lost counts every engine and phase):
    submissions_per_s=N baseline_per_s=M ratio=R p99_ms=P lost=L
"""

import argparse
import asyncio
import contextlib
import ctypes
import html
import os
import re
import runpy
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
TARGETS = {"ratio": 0.5, "p99_ms": 100.0}
SLUG = "safe-return"
TICKS = os.sysconf("SC_CLK_TCK")
# Shares of an engine's time left after set-up: flow, storm (with the baseline),
# paced, fault (flow and storm).
SHARES = {"flow": 0.5, "storm": 0.12, "paced": 0.1, "fault": 0.28}
BLOCKS = 4  # the baseline and the storm take turns in this many blocks each
PACE = 0.5  # the paced phase's rate, as a share of the storm's


# ── A family's browser, in a few lines ─────────────────────────────────────


class Browser:
    """One connection (kept while the server keeps it) and the session cookie."""

    def __init__(self, port):
        self.port, self.cookie = port, None
        self.reader = self.writer = None

    async def request(self, method, path, fields=None):
        """``(status, location, body)``; ConnectionError when the server went away."""
        body = urlencode(fields).encode() if fields is not None else b""
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
        if self.cookie:
            lines.append(f"Cookie: {self.cookie}")
        if fields is not None:
            lines.append("Content-Type: application/x-www-form-urlencoded")
            lines.append(f"Content-Length: {len(body)}")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        reused = self.writer is not None
        try:
            return await self._exchange(data)
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            self.close()
            if not reused:
                raise ConnectionError(str(error)) from None
        return await self._exchange(data)  # the kept connection had been closed: once more

    async def _exchange(self, data):
        try:
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            self.writer.write(data)
            return await self._response()
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            self.close()
            raise ConnectionError(str(error)) from None

    async def _response(self):
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed before answering")
        status = int(status_line.split()[1])
        headers = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _colon, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await self.reader.readexactly(int(headers.get("content-length", 0)))
        if headers.get("connection", "").lower() == "close":
            self.close()
        if "set-cookie" in headers:
            self.cookie = headers["set-cookie"].split(";", 1)[0]
        return status, headers.get("location"), body.decode()

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


TAG = re.compile(r"<(input|textarea)\b([^>]*)>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
LONG_ANSWER = "Necesitamos internet en casa y tutoría después de clases."


def read_form(page):
    """The fields a family sends back: hidden values and one valid answer per question."""
    fields = {}
    for tag, attributes in TAG.findall(page):
        a = {k: html.unescape(v) for k, v in ATTRIBUTE.findall(attributes)}
        name, kind = a.get("name"), a.get("type", "text")
        if not name or name.endswith("__other"):
            continue
        if tag.lower() == "textarea":
            fields[name] = LONG_ANSWER
        elif kind == "hidden":
            fields[name] = a.get("value", "")
        elif kind in ("radio", "checkbox"):
            fields.setdefault(name, a.get("value", ""))
        elif kind == "text":
            fields[name] = "2" if a.get("inputmode") in ("numeric", "decimal") else "Más consejeros"
    return fields


async def timed(browser, latencies, method, path, fields=None):
    began = time.perf_counter()
    answer = await browser.request(method, path, fields)
    latencies.append(time.perf_counter() - began)
    return answer


async def walk_to_last_page(port, latencies):
    """Walk the survey as a family does, up to its last page; what the last post sends."""
    browser = Browser(port)
    path = f"/s/{SLUG}/pacoima"
    _status, _location, page = await timed(browser, latencies, "GET", path + "?lang=es")
    fields = read_form(page) | {"nav": "next"}
    for _ in range(40):
        status, location, page = await timed(browser, latencies, "POST", path, fields)
        if status not in (302, 303):
            raise RuntimeError(f"{path} answered {status}")
        path = urlsplit(location).path
        _status, _location, page = await timed(browser, latencies, "GET", path)
        fields = read_form(page) | {"nav": "next"}
        if "Enviar mis respuestas" in page:
            return browser, path, fields
    raise RuntimeError("the survey never reached its last page")


# ── Phases ────────────────────────────────────────────────────────────────


@dataclass
class Phase:
    """What one phase measured."""

    done: int = 0
    wanted: int = 0
    seconds: float = 0.0
    latencies: list = field(default_factory=list)
    server_cpu: float = 0.0  # seconds of the workers' user+system time
    client_cpu: float = 0.0  # seconds of this process's CPU time
    requests: int = 0
    rate: float = 0.0  # the paced phase's offered rate

    def record(self, finished):
        """Count ``run_lanes``' finished jobs: ``(job, latency, ended)`` each."""
        self.done += len(finished)
        self.requests += len(finished)
        self.latencies += [latency for _job, latency, _at in finished]

    @property
    def cut_short(self):
        return self.done < self.wanted

    @property
    def per_s(self):
        return self.done / self.seconds if self.seconds else 0.0

    @property
    def requests_per_s(self):
        return self.requests / self.seconds if self.seconds else 0.0

    def ms(self, share):
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


async def run_lanes(jobs, send, clients, deadline):
    """``send(job, lane)`` for every job, ``clients`` at a time, until done or ``deadline``.

    Returns the jobs that succeeded, with their latency and the time they ended.
    """
    pending, done = iter(jobs), []

    async def lane(number):
        for job in pending:  # one iterator shared by every lane
            if time.monotonic() > deadline:
                return
            began = time.perf_counter()
            if await send(job, number):
                done.append((job, time.perf_counter() - began, time.monotonic()))

    await asyncio.gather(*(lane(n) for n in range(clients)))
    return done


def in_loop(work, browsers):
    """Run ``work()`` in a new event loop; the browsers' connections end with it."""

    async def run():
        try:
            return await work()
        finally:
            for browser in browsers():
                browser.close()

    return asyncio.run(run())


def measure(server, phase, work, browsers):
    """``in_loop(work, browsers)``, its time and CPU charged to ``phase``."""
    pids = server.workers()
    server_before, client_before = cpu_seconds(pids), time.process_time()
    began = time.perf_counter()
    result = in_loop(work, browsers)
    phase.seconds += time.perf_counter() - began
    phase.server_cpu += cpu_seconds(pids) - server_before
    phase.client_cpu += time.process_time() - client_before
    return result


def _insert(browsers):
    async def send(number, lane):
        fields = {"token": secrets.token_hex(16), "payload": str(number)}
        try:
            answer = await browsers[lane].request("POST", "/_bench/insert", fields)
        except ConnectionError:
            return False
        return answer[0] == 201

    return send


def baseline_block(server, phase, numbers, clients, deadline):
    """Bare inserts numbered ``numbers``, flat out; counted into ``phase``."""
    browsers = [Browser(server.port) for _ in range(clients)]
    work = lambda: run_lanes(numbers, _insert(browsers), clients, deadline)  # noqa: E731
    phase.record(measure(server, phase, work, lambda: browsers))


def flow(server, count, clients, deadline):
    """Walk ``count`` families to their last page; the jobs for a storm."""
    phase = Phase(wanted=count)

    async def send(_number, _lane):
        jobs.append(await walk_to_last_page(server.port, phase.latencies))
        return True

    jobs = []
    work = lambda: run_lanes(range(count), send, clients, deadline)  # noqa: E731
    measure(server, phase, work, lambda: [browser for browser, _path, _fields in jobs])
    phase.done, phase.requests = len(jobs), len(phase.latencies)
    return jobs, phase


async def submit(job, _lane=None):
    """Post the last page until it is acknowledged (a redirect to the thank-you page)."""
    browser, path, fields = job
    for _attempt in range(60):
        try:
            status, location, _body = await browser.request("POST", path, fields)
        except ConnectionError:
            await asyncio.sleep(0.05)  # its worker died: the master is starting another
            continue
        if status in (302, 303) and location and location.endswith("/thanks"):
            return True
        if status < 500:
            return False
        await asyncio.sleep(0.05)
    return False


def storm_block(server, phase, jobs, clients, deadline):
    """Last pages posted flat out; counted into ``phase``. The jobs acknowledged."""
    work = lambda: run_lanes(jobs, submit, clients, deadline)  # noqa: E731
    finished = measure(server, phase, work, lambda: [browser for browser, _path, _fields in jobs])
    phase.record(finished)
    return [job for job, _latency, _at in finished]


def take_turns(bare, server, jobs, count, clients, deadline):
    """The baseline (``count`` inserts on ``bare``) and the storm (``jobs`` on ``server``).

    They take turns in BLOCKS blocks of equal size, each starting the round the
    other started before (ABBA...): a machine that speeds up or slows down
    during the run moves both alike, and each block's ramp and drain cost both
    the same share of their time.
    """
    base, stormy, acked = Phase(wanted=count), Phase(wanted=len(jobs)), []
    numbers = list(range(count))
    for block in range(BLOCKS):
        bare_first = block % 2 == 0
        if bare_first:
            baseline_block(bare, base, numbers[block::BLOCKS], clients, deadline)
        acked += storm_block(server, stormy, jobs[block::BLOCKS], clients, deadline)
        if not bare_first:
            baseline_block(bare, base, numbers[block::BLOCKS], clients, deadline)
    return base, stormy, acked


def paced(server, jobs, clients, rate, deadline):
    """Post the jobs in an open loop at ``rate`` a second; latency from when each was due."""
    phase = Phase(wanted=len(jobs))
    acked = []

    async def lane(number, start):
        for index in range(number, len(jobs), clients):
            due = start + index / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            if time.monotonic() > deadline:
                return
            if await submit(jobs[index]):
                phase.latencies.append(time.perf_counter() - due)
                acked.append(jobs[index])

    async def work():
        start = time.perf_counter() + 0.01
        await asyncio.gather(*(lane(n, start) for n in range(clients)))

    measure(server, phase, work, lambda: [browser for browser, _path, _fields in jobs])
    phase.done = phase.requests = len(acked)
    phase.rate = rate
    return acked, phase


@dataclass
class Fault:
    workers: int = 0
    killed: list = field(default_factory=list)
    gone: bool = False
    restarted: list = field(default_factory=list)
    acked: int = 0
    acked_after_restart: int = 0
    wanted: int = 0
    lost: int = 0
    integrity: str = "n/a"

    @property
    def proven(self):
        return bool(
            self.killed
            and len(self.killed) == self.workers
            and self.gone
            and len(self.restarted) >= self.workers
            and not set(self.restarted) & set(self.killed)
            and self.acked_after_restart > 0
            and self.acked == self.wanted
            and self.lost == 0
            and self.integrity in ("ok", "n/a")
        )


def fault_storm(server, jobs, clients, deadline):
    """A storm during which every worker is SIGKILLed once half of it is acknowledged."""
    fault = Fault(workers=len(server.workers()), wanted=len(jobs))
    finished, moments = [], {}

    async def killer():
        while len(finished) < len(jobs) // 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.002)
        fault.killed = server.workers()
        for pid in fault.killed:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        moments["killed"] = time.monotonic()
        while time.monotonic() < deadline:
            fault.gone = all(not alive(pid) for pid in fault.killed)
            fresh = [pid for pid in server.workers() if pid not in fault.killed]
            if fault.gone and len(fresh) >= fault.workers:
                fault.restarted, moments["restarted"] = fresh, time.monotonic()
                return
            await asyncio.sleep(0.01)

    async def send(job, lane):
        ok = await submit(job)
        if ok:
            finished.append((job, time.monotonic()))
        return ok

    async def run():
        await asyncio.gather(killer(), run_lanes(jobs, send, clients, deadline))

    in_loop(run, lambda: [browser for browser, _path, _fields in jobs])
    restarted = moments.get("restarted", float("inf"))
    fault.acked = len(finished)
    fault.acked_after_restart = sum(at > restarted for _job, at in finished)
    return [job for job, _at in finished], fault


def alive(pid):
    """False once ``pid`` has exited (a zombie waiting for its parent counts as exited)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


# ── Servers and databases ─────────────────────────────────────────────────


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(database_url, port, workers):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "VOCES_ENV": "production",
        "VOCES_BIND": f"127.0.0.1:{port}",
        # Every client here comes from 127.0.0.1: lift the per-address limit.
        "VOCES_SUBMIT_RATE_LIMIT": "1000000 per minute",
        "FLASK_APP": "wsgi",
    }
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    return env


def set_up_database(env, deadline):
    flask = str(VENV_BIN / "flask")
    for args in (["db", "upgrade"], ["surveys", "load"]):
        timeout = max(1.0, deadline - time.monotonic())
        subprocess.run(
            [flask, *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=timeout
        )


class Gunicorn:
    """gunicorn with the repository's settings, serving ``module``, its log in a file."""

    def __init__(self, env, module, log, deadline):
        self.env, self.module, self.log, self.deadline = env, module, log, deadline
        self.port = int(env["VOCES_BIND"].rsplit(":", 1)[1])

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", self.module],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        try:
            self.wait_until_listening()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def wait_until_listening(self):
        """Until the master listens and every worker has started."""
        while time.monotonic() < self.deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn stopped while starting:\n" + self.log_tail())
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                if len(self.workers()) >= self.expected_workers():
                    return
            time.sleep(0.1)
        raise RuntimeError("gunicorn had not started when time ran out:\n" + self.log_tail())

    def log_tail(self):
        self.log.flush()
        return "\n".join(Path(self.log.name).read_text().splitlines()[-20:])

    def expected_workers(self):
        """How many workers gunicorn.conf.py asks for, with this environment."""
        with _environment(self.env):
            return runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"]

    def workers(self):
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []


def _die_with_parent():
    """gunicorn gets SIGTERM if this benchmark dies, however it dies (Linux's PR_SET_PDEATHSIG)."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


@contextlib.contextmanager
def _environment(env):
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def sqlalchemy_url(url):
    return re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)


def stored(database_url, jobs):
    """How many of the jobs' submissions are stored, by their submission tokens."""
    from sqlalchemy import create_engine, text

    tokens = [fields["submission_token"] for _browser, _path, fields in jobs]
    engine = create_engine(sqlalchemy_url(database_url))
    with engine.connect() as connection:
        found = set(connection.execute(text("SELECT submission_token FROM responses")).scalars())
    engine.dispose()
    return sum(token in found for token in tokens)


def integrity(database_url):
    if not database_url.startswith("sqlite"):
        return "n/a"
    with contextlib.closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


@contextlib.contextmanager
def postgres_database(url):
    """The database of ``url``, empty; created first (and dropped after) if missing, else
    emptied before and after."""
    from sqlalchemy import create_engine, make_url, text

    target = make_url(sqlalchemy_url(url))
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    try:
        if exists:
            empty_postgres(target)
        yield url
    finally:
        if exists:
            empty_postgres(target)
        else:
            with server.connect() as connection:
                name = target.database
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def empty_postgres(target):
    from sqlalchemy import create_engine, text

    engine = create_engine(target, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def postgres_reachable(url):
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 2).close()
        return True
    except OSError:
        return False


# ── One engine ────────────────────────────────────────────────────────────


class Budget:
    """An engine's share of --max-seconds, handed out to its phases in order."""

    def __init__(self, seconds):
        self.start, self.seconds, self.used = time.monotonic(), seconds, 0.0

    def deadline(self, phase):
        self.used += SHARES[phase]
        return self.start + self.seconds * self.used


def run_engine(database_url, args, seconds, log):
    env = environment(database_url, free_port(), args.workers)
    env_bare = env | {"VOCES_BIND": f"127.0.0.1:{free_port()}"}
    end = time.monotonic() + seconds
    set_up_database(env, end)
    budget = Budget(end - time.monotonic())
    figures = {}
    with (
        Gunicorn(env_bare, "bench.bare_app:app", log, end) as bare,
        Gunicorn(env, "wsgi:app", log, end) as server,
    ):
        figures["workers"] = len(server.workers())
        # Every bare worker awake before anything is counted.
        baseline_block(bare, Phase(), range(4 * args.clients), args.clients, end)
        deadline = budget.deadline("flow")
        wanted = args.submissions + args.paced_submissions
        jobs, figures["flow"] = flow(server, wanted, args.clients, deadline)
        # A flow cut short by the clock still feeds both phases, in proportion.
        cut = round(len(jobs) * args.submissions / max(wanted, 1))
        jobs, later = jobs[:cut], jobs[cut:]
        deadline = budget.deadline("storm")
        figures["baseline"], figures["storm"], acked = take_turns(
            bare, server, jobs, args.submissions, args.clients, deadline
        )
        rate = PACE * figures["storm"].per_s
        deadline = budget.deadline("paced")
        more, figures["paced"] = paced(server, later, args.clients, rate, deadline)
        figures["paced"].wanted = args.paced_submissions  # a flow cut short counts too
        acked += more
        figures["lost"] = len(acked) - stored(database_url, acked)
        if args.fault:
            deadline = budget.deadline("fault")
            halfway = (time.monotonic() + deadline) / 2
            more, _phase = flow(server, args.fault_submissions, args.clients, halfway)
            acked, fault = fault_storm(server, more, args.clients, deadline)
            fault.wanted = args.fault_submissions  # a flow cut short counts as not acknowledged
            fault.lost = len(acked) - stored(database_url, acked)
            fault.integrity = integrity(database_url)
            figures["fault"] = fault
    figures["integrity"] = integrity(database_url)
    return figures


def report(name, f):
    print(f"\n{name} ({f['workers']} gunicorn workers)")
    rows = (
        ("submissions (flat out)", f["storm"]),
        (f"submissions (paced {f['paced'].rate:.0f}/s)", f["paced"]),
        ("bare insert (baseline)", f["baseline"]),
        ("flow pages (GET/POST)", f["flow"]),
    )
    for label, p in rows:
        cut = "  CUT SHORT by --max-seconds" if p.cut_short else ""
        print(
            f"  {label:28} {p.requests_per_s:7.1f}/s"
            f"  p50 {p.ms(0.50):6.1f} ms  p95 {p.ms(0.95):6.1f} ms  p99 {p.ms(0.99):6.1f} ms"
            f"  ({p.done}/{p.wanted} done; CPU per request: server"
            f" {1000 * p.server_cpu / max(p.requests, 1):.1f} ms,"
            f" client {1000 * p.client_cpu / max(p.requests, 1):.1f} ms){cut}"
        )
    print(f"  ratio {ratio(f):.2f}; acknowledged but not stored: {f['lost']}")
    if "fault" in f:
        x = f["fault"]
        print(
            f"  fault: {len(x.killed)} of {x.workers} workers SIGKILLed (gone: {x.gone}),"
            f" {len(x.restarted)} new workers; {x.acked}/{x.wanted} acknowledged,"
            f" {x.acked_after_restart} after the restart; {x.lost} lost;"
            f" integrity {x.integrity}; proven={x.proven}"
        )
    print(f"  integrity check at the end: {f['integrity']}")


def ratio(figures):
    baseline = figures["baseline"].per_s
    return figures["storm"].per_s / baseline if baseline else 0.0


def verdict(results, fault):
    """The worst engine (by ratio), the worst p99, everything lost, and whether all was met."""
    worst = min(results.values(), key=ratio)
    p99 = max(f["paced"].ms(0.99) for f in results.values())
    lost = sum(f["lost"] + (f["fault"].lost if "fault" in f else 0) for f in results.values())
    complete = not any(
        f[name].cut_short
        for f in results.values()
        for name in ("baseline", "flow", "storm", "paced")
    )
    ok = ratio(worst) >= TARGETS["ratio"] and p99 <= TARGETS["p99_ms"]
    ok = ok and lost == 0 and complete
    ok = ok and all(f["integrity"] in ("ok", "n/a") for f in results.values())
    ok = ok and (not fault or all(f["fault"].proven for f in results.values()))
    return worst, p99, lost, ok


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=600)
    parser.add_argument("--paced-submissions", type=int, default=300)
    parser.add_argument("--fault-submissions", type=int, default=200)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, help="default: gunicorn.conf.py's")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/voces_load")
    parser.add_argument("--max-seconds", type=float, default=480.0, help="the whole run")
    parser.add_argument("--no-fault", dest="fault", action="store_false")
    args = parser.parse_args(argv)
    # Stopped from outside, still stop the servers (context managers) on the way out.
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))
    started = time.monotonic()
    print(
        f"{args.submissions} submissions ({args.fault_submissions} in the fault storm),"
        f" {args.clients} concurrent clients, {os.cpu_count()} cores, loopback only;"
        f" load average {Path('/proc/loadavg').read_text().split()[0]}"
    )
    engines = args.engines.split(",")
    if "postgresql" in engines and not postgres_reachable(args.postgres_url):
        print(f"\npostgresql: not reachable at {args.postgres_url}; skipped")
        engines.remove("postgresql")
    results = {}
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "gunicorn.log", "w") as log:
        for number, engine in enumerate(engines):
            share = (args.max_seconds - (time.monotonic() - started)) / (len(engines) - number)
            if engine == "sqlite":
                results[engine] = run_engine(f"sqlite:///{tmp}/load.sqlite", args, share, log)
            else:
                with postgres_database(args.postgres_url) as url:
                    results[engine] = run_engine(url, args, share, log)
            report(engine, results[engine])
    if not results:
        print("no engine could run")
        return 1
    worst, p99, lost, ok = verdict(results, args.fault)
    print(
        f"\ntargets: ratio >= {TARGETS['ratio']} (flat out), p99 <= {TARGETS['p99_ms']:.0f} ms"
        f" (paced at {PACE:.0%} of the flat-out rate), lost = 0,"
        f" fault proven, nothing cut short; ok={ok}"
        f" ({time.monotonic() - started:.0f} s; load average"
        f" {Path('/proc/loadavg').read_text().split()[0]})"
    )
    print(
        f"submissions_per_s={worst['storm'].per_s:.1f} "
        f"baseline_per_s={worst['baseline'].per_s:.1f} ratio={ratio(worst):.2f} "
        f"p99_ms={p99:.1f} lost={lost}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
