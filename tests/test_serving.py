"""gunicorn with the repository's settings: the access log names nobody and hides tokens."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

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
