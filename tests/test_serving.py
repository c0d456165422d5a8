"""gunicorn with the repository's settings: the access log names nobody and hides tokens."""

import contextlib
import gc
import http.client
import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from surveys.config import DEV_SECRET_KEY
from tests.conftest import csrf_token

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("gunicorn stopped: " + process.stdout.read())
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:  # not listening yet, or too slow to answer
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


@pytest.fixture
def gunicorn(survey, database_url, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "s" * 64,
        "VOCES_ENV": "production",
        "VOCES_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/s/safe-return", process)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=20)
        process.stdout.close()


def test_access_log_has_no_address_device_referrer_or_token(gunicorn):
    base, process = gunicorn
    headers = {
        "User-Agent": "SentinelAgent/1.0",
        "Referer": "https://sentinel-ref.example/",
        "X-Forwarded-For": "203.0.113.9",
    }
    for path in ("/s/safe-return?lang=es", "/set-password/SECRET-TOKEN-77", "/nowhere"):
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(urllib.request.Request(base + path, headers=headers), timeout=5)
    process.terminate()
    log = process.communicate(timeout=20)[0]

    assert '"GET /s/safe-return" 200' in log and "/set-password/[token]" in log
    for needle in ("127.0.0.1 -", "SentinelAgent", "sentinel-ref", "203.0.113.9", "SECRET-TOKEN"):
        assert needle not in log
    assert "lang=es" not in log  # no query strings either


def test_error_log_records_logins_and_names_no_client(gunicorn):
    """The app's records reach gunicorn's error log; client addresses do not."""
    base, process = gunicorn
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", "/login")
    answer = connection.getresponse()
    page = answer.read().decode()
    # The production cookie is Secure: sent back by hand over plain HTTP.
    cookie = answer.getheader("Set-Cookie").split(";", 1)[0]
    form = {"csrf_token": csrf_token(page), "email": "nobody@example.org", "password": "x" * 12}
    connection.request(
        "POST",
        "/login",
        body=urlencode(form),
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert connection.getresponse().status == 200
    connection.close()
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(b"NOT-HTTP\r\n\r\n")  # gunicorn: "Invalid request from ip=..."
        raw.recv(1024)
    process.terminate()
    log = process.communicate(timeout=20)[0]

    assert "[WARNING] surveys.services.accounts: login failed (unknown account)" in log
    assert "Invalid request from ip=[address]" in log
    requests = [line for line in log.splitlines() if '"GET ' in line or '"POST ' in line]
    assert len(requests) >= 2 and not any("127.0.0.1" in line for line in requests)
    assert "127.0.0.1" not in log.replace(f"Listening at: {base}", "")


@pytest.mark.parametrize(
    ("settings", "reason"),
    [({"SECRET_KEY": DEV_SECRET_KEY}, "SECRET_KEY"), ({"FLASK_DEBUG": "1"}, "debug on")],
)
def test_production_server_refuses_to_start_unsafe(tmp_path, settings, reason):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'refused.sqlite'}",
        "SECRET_KEY": "s" * 64,
        "VOCES_ENV": "production",
        "VOCES_BIND": f"127.0.0.1:{free_port()}",
        "WEB_CONCURRENCY": "1",
        **settings,
    }
    run = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode != 0
    assert "Error: VOCES_ENV=production" in run.stderr and reason in run.stderr
    assert "Booting worker" not in run.stderr  # it never served anything


def test_workers_are_forked_from_a_frozen_heap():
    """What the master made is frozen before each fork: no worker's collector walks it again."""
    settings = runpy.run_path(str(Path(__file__).resolve().parents[1] / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        settings["pre_fork"](server=None, worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
