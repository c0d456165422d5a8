"""Lighthouse, mobile configuration, on the Spanish survey pages.

Runs the npm ``lighthouse`` package installed by ``make lighthouse`` into
``.tools/lighthouse/`` (git-ignored), with ``CHROME_PATH`` pointing to
Debian's Chromium, against the app on loopback: the Spanish community link
and the first page of questions (the session cookie is passed as a header).
Lighthouse's default configuration is the mobile one (a mid-range phone,
simulated slow 4G and 4x CPU slowdown).

Usage: python bench/lighthouse.py
The last line is machine-readable:
    performance=P accessibility=A best_practices=B pages=2 ok=True
"""

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from surveys.loopback import fresh_app, serve

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / ".tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices")


def session_cookie(base):
    """Start the survey as a family would, and return the session cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    start = f"{base}/s/safe-return/pacoima?lang=es"
    with opener.open(start) as response:
        page = response.read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "nav": "next"}).encode()
    with opener.open(f"{base}/s/safe-return/pacoima", data=form) as response:
        response.read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def audit(url, folder, headers=None):
    report = Path(folder) / "report.json"
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        "--only-categories=" + ",".join(CATEGORIES),
        "--chrome-flags=--headless=new --no-sandbox",
    ]
    if headers:
        command.append("--extra-headers=" + json.dumps(headers))
    environment = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(command, check=True, env=environment, timeout=300)
    result = json.loads(report.read_text())
    scores = {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}
    audits = result["audits"]
    metrics = {
        key: audits[key]["displayValue"]
        for key in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time")
    }
    failing = [
        key
        for name in CATEGORIES
        for ref in result["categories"][name]["auditRefs"]
        if ref["weight"]
        and (audits[(key := ref["id"])]["score"] is not None)
        and audits[key]["score"] < 1
    ]
    scripts = audits["bootup-time"]["details"]["items"]
    metrics["script time"] = ", ".join(
        f"{Path(i['url']).name or i['url']} {i['total']:.0f} ms" for i in scripts
    )
    work = audits["mainthread-work-breakdown"]["details"]["items"]
    metrics["main thread"] = ", ".join(f"{i['groupLabel']} {i['duration']:.0f} ms" for i in work)
    return scores, metrics, failing


def main():
    if not LIGHTHOUSE.exists():
        print(f"Lighthouse is not installed ({LIGHTHOUSE}): run `make lighthouse` first")
        return 2
    worst = dict.fromkeys(CATEGORIES, 100)
    with tempfile.TemporaryDirectory() as folder, fresh_app(folder) as app, serve(app) as base:
        cookie = session_cookie(base)
        pages = [
            (f"{base}/s/safe-return/pacoima?lang=es", None),
            (f"{base}/s/safe-return/p/1", {"Cookie": cookie}),
        ]
        for url, headers in pages:
            scores, metrics, failing = audit(url, folder, headers)
            print(f"\n{url.removeprefix(base)}")
            for name, score in scores.items():
                print(f"  {name:<16} {score:>3}")
                worst[name] = min(worst[name], score)
            for name, value in metrics.items():
                print(f"  {name:<26} {value}")
            if failing:
                print("  not perfect: " + ", ".join(failing))
    ok = all(score == 100 for score in worst.values())
    print(
        f"performance={worst['performance']} accessibility={worst['accessibility']} "
        f"best_practices={worst['best-practices']} pages={len(pages)} ok={ok}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
