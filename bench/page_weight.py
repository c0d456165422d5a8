"""Weight of the first survey pages a family downloads, gzipped.

Budget: the HTML plus every stylesheet and script it links (survey.js and
the service worker it registers, named in ``data-worker``, and the copy of
the page that worker keeps on a first visit), each gzipped,
at most 14,000 bytes (what fits in TCP's first round trip on a new
connection), and no request to any other host.

The script alone (survey.js, gzipped) has its own budget: 10,000 bytes.

Usage: python bench/page_weight.py [--slug safe-return] [--budget 14000] [--script-budget 10000]
The last two lines are machine-readable:
    script_bytes=S script_budget=T
    page_weight_bytes=N budget=B external_requests=E pages=P ok=True
(``ok`` is True when both budgets are met and nothing comes from another host.)
"""

import argparse
import gzip
import re
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from surveys.loopback import fresh_app

SCRIPT = "/static/js/survey.js"


class Assets(HTMLParser):
    """Collects what a browser would fetch to show the page."""

    def __init__(self):
        super().__init__()
        self.urls = []
        self.worker = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("data-worker"):
            self.urls.append(attrs["data-worker"])
            self.worker = True
        if tag == "link" and attrs.get("rel") in ("stylesheet", "preload", "icon", "manifest"):
            self.urls.append(attrs.get("href"))
        elif tag in ("script", "img", "iframe", "source", "audio", "video") and attrs.get("src"):
            self.urls.append(attrs["src"])


def gz(data):
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def measure(client, url):
    page = client.get(url)
    html = page.get_data()
    parser = Assets()
    parser.feed(html.decode())
    external = [u for u in parser.urls if re.match(r"^(https?:)?//", u or "")]
    rows = [(url, len(html), gz(html))]
    for asset in parser.urls:
        if asset in external:
            continue
        with client.get(asset) as response:
            body = response.get_data()
        rows.append((asset, len(body), gz(body)))
    if parser.worker:
        # On a first visit the new worker fetches the page once more to keep it.
        rows.append(("  the worker's copy of the page", len(html), gz(html)))
    return rows, external


def first_pages(client, slug):
    """The start page, then the first page of questions, as a family sees them."""
    start = f"/s/{slug}?lang=es"
    page = client.get(start).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(f"/s/{slug}", data={"csrf_token": token, "community": "-", "nav": "next"})
    return [start, f"/s/{slug}/p/1"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slug", default="safe-return")
    parser.add_argument("--budget", type=int, default=14_000)
    parser.add_argument("--script-budget", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, fresh_app(folder) as app, app.app_context():
        client = app.test_client()
        worst, all_external = 0, []
        for url in first_pages(client, args.slug):
            rows, external = measure(client, url)
            total = sum(row[2] for row in rows)
            worst = max(worst, total)
            all_external += external
            print(f"\n{url}")
            for name, raw, packed in rows:
                print(f"  {name:<40} {raw:>7} B raw {packed:>7} B gzipped")
            print(f"  {'total':<40} {'':>7}        {total:>7} B gzipped")
        with client.get(SCRIPT) as response:
            script = gz(response.get_data())
    ok = worst <= args.budget and script <= args.script_budget and not all_external
    print(f"\nscript_bytes={script} script_budget={args.script_budget}")
    print(
        f"page_weight_bytes={worst} budget={args.budget} "
        f"external_requests={len(all_external)} pages=2 ok={ok}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
