"""Time to a usable survey form on a throttled phone, in headless Chromium.

Profile (Chrome DevTools Protocol): 4x CPU slowdown
(``Emulation.setCPUThrottlingRate``), 1.6 Mbps down, 750 kbps up and 150 ms
added to every request (``Network.emulateNetworkConditions``), a 360x740
viewport, an empty cache. "Usable" is the later of the first contentful
paint and the end of DOMContentLoaded (survey.js, deferred, has run then):
the question is on screen and the form answers taps.

Two pages, each loaded cold ``--runs`` times in a new browser context:
the Spanish community link (``/s/safe-return/pacoima?lang=es``) and the first
page of questions reached by pressing "Empezar". The app runs on loopback
(Werkzeug, one thread per request, SQLite). Debian's Chromium is used; no
browser is downloaded.

Before timing, one untimed load warms the server and the browser, as a
server in use is. The figures are medians; they move with the machine's
load, so the load average is printed with them.

Usage: python bench/browser_budget.py [--runs 7] [--budget-ms 1000]
The last line is machine-readable:
    usable_ms=N budget_ms=B start_page_ms=S first_question_page_ms=Q floor_ms=F runs=R ok=True

``floor_ms`` is the same cold load of a one-line page answered without the
network: what the browser and this machine cost before Voces adds anything.
"""

import argparse
import os
import statistics
import sys
import tempfile
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from surveys.loopback import fresh_app, serve

CHROMIUM = "/usr/bin/chromium"
NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
FLOOR = "<!doctype html><title>floor</title><p>Hola</p>"
TIMINGS = """() => new Promise(resolve => {
    const read = () => {
        const nav = performance.getEntriesByType("navigation")[0];
        const paint = performance.getEntriesByName("first-contentful-paint")[0];
        if (!paint) return setTimeout(read, 20);
        resolve({fcp: paint.startTime, dcl: nav.domContentLoadedEventEnd,
                 load: nav.loadEventEnd, bytes: nav.transferSize});
    };
    read();
})"""


def throttle(context, page):
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    return cdp


def measure(page):
    timings = page.evaluate(TIMINGS)
    return {**timings, "usable": max(timings["fcp"], timings["dcl"])}


def cold_load(browser, steps):
    """Run ``steps(page, context)`` in a new phone-sized context; return its timings."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="es-US")
    page = context.new_page()
    steps(page, context)
    result = measure(page)
    context.close()
    return result


def start_page(base):
    def steps(page, context):
        throttle(context, page)
        page.goto(f"{base}/s/safe-return/pacoima?lang=es")

    return steps


def first_question_page(base):
    def steps(page, context):
        page.goto(f"{base}/s/safe-return/pacoima?lang=es")
        throttle(context, page)
        with page.expect_navigation():
            page.get_by_role("button", name="Empezar").click()

    return steps


def floor(base):
    """The same cold load of a one-line page (no network): what this machine costs anyway."""

    def steps(page, context):
        page.route(f"{base}/floor", lambda r: r.fulfill(body=FLOOR, content_type="text/html"))
        throttle(context, page)
        page.goto(f"{base}/floor")

    return steps


def report(name, runs):
    usable = statistics.median(r["usable"] for r in runs)
    print(f"\n{name} (median of {len(runs)} cold loads)")
    for key in ("fcp", "dcl", "load"):
        print(f"  {key:<6} {statistics.median(r[key] for r in runs):7.0f} ms")
    print(f"  usable {usable:7.0f} ms")
    return usable


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--budget-ms", type=int, default=1000)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        fresh_app(folder) as app,
        serve(app) as base,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        with urllib.request.urlopen(f"{base}/static/js/survey.js") as warm:
            warm.read()
        cold_load(browser, start_page(base))
        start = [cold_load(browser, start_page(base)) for _ in range(args.runs)]
        first = [cold_load(browser, first_question_page(base)) for _ in range(args.runs)]
        bare = [cold_load(browser, floor(base)) for _ in range(args.runs)]
        browser.close()
    start_ms = report("/s/safe-return/pacoima?lang=es", start)
    first_ms = report("/s/safe-return/p/1 after pressing Empezar", first)
    floor_ms = report("floor: a one-line page, same CPU slowdown, no network", bare)
    worst = max(start_ms, first_ms)
    print("\nload average (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    ok = worst < args.budget_ms
    print(
        f"usable_ms={worst:.0f} budget_ms={args.budget_ms} start_page_ms={start_ms:.0f} "
        f"first_question_page_ms={first_ms:.0f} floor_ms={floor_ms:.0f} runs={args.runs} ok={ok}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
