"""Where one submission's instructions go, stage by stage (callgrind client requests).

bench/submission_cost.py counts a whole last page against a whole bare insert;
this splits both into the stages of a request, so that the next cut is chosen
by its size rather than guessed (py-spy's shares, under gunicorn on a busy
machine, land on whatever a process was doing when it was woken).

Each stage boundary calls a three-line C helper, built here with gcc from
valgrind's callgrind.h, that asks callgrind to write out and reset its counts
(``CALLGRIND_DUMP_STATS_AT``); a stage's figure is the total of its dumps over
the counted requests. Stages are named by where they end: "until X" is the
work between the previous boundary and X's start (the code around the
stages). The boundaries' own calls add some 5 k instructions each, so the
total is a little above submission_cost.py's.

Usage: python bench/submission_stages.py [--count 30]   (needs valgrind and gcc)
Prints one line per stage, largest first, for the last page and then the bare
insert, and a last line:
    stages_submission_minstr=S stages_bare_minstr=B
"""

import argparse
import collections
import ctypes
import functools
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from submission_cost import Requests, instrument, under_callgrind

ROOT = Path(__file__).resolve().parents[1]
HELPER = """#include <valgrind/callgrind.h>
void stage_end(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
"""


class Stages:
    """Boundaries between the stages of a request, on only while requests are counted."""

    def __init__(self, library):
        self.dump = ctypes.CDLL(library).stage_end
        self.on = False

    def end(self, name):
        if self.on:
            self.dump(name.encode())

    def wrap(self, function, name):
        @functools.wraps(function)
        def staged(*args, **kwargs):
            self.end(f"until {name}")
            result = function(*args, **kwargs)
            self.end(name)
            return result

        return staged

    def around(self, owner, attribute, name=None):
        setattr(owner, attribute, self.wrap(getattr(owner, attribute), name or attribute))


def _name(function):
    """A hook's name; Flask-Limiter registers a ``functools.partial``."""
    return getattr(function, "__qualname__", None) or _name(function.func)


def mark_stages(stages, app):
    """Boundaries at Flask's own steps, its hooks and the last page's services."""
    from flask import Flask

    from surveys.extensions import db
    from surveys.respond import views
    from surveys.services import responding, sending

    for hooks, kind in ((app.before_request_funcs, "before"), (app.after_request_funcs, "after")):
        for functions in hooks.values():
            functions[:] = [stages.wrap(f, f"{kind}_request {_name(f)}") for f in functions]
    sessions = app.session_interface
    stages.around(sessions, "open_session", "session cookie read")
    stages.around(sessions, "save_session", "session cookie written")
    stages.around(Flask, "dispatch_request", "view")
    stages.around(app.request_class, "_load_form_data", "posted form parsed")
    stages.around(responding, "find_draft_by_slug", "draft read")
    stages.around(views, "_page_form", "page form built")
    stages.around(responding, "save_page", "page kept in the draft")
    stages.around(responding, "visible_pages", "pages shown worked out")
    stages.around(responding, "_recheck", "earlier pages' kept checks")
    stages.around(responding, "digest", "last page digest")
    stages.around(sending._INSERT_ANSWERS, "execute", "answers inserted")
    commit = db.session.commit
    db.session.commit = stages.wrap(commit, "commit")
    wsgi = Flask.wsgi_app

    def whole_request(self, environ, start_response):
        stages.end("test client, before the app")
        try:
            return wsgi(self, environ, start_response)
        finally:
            stages.end("request context popped")

    Flask.wsgi_app = whole_request


def child(kind, count, library):
    sys.path.insert(0, str(ROOT))
    import bare_app

    app = bare_app.app
    stages = Stages(library)
    mark_stages(stages, app)
    requests = Requests(app, count)
    instrument("on")
    stages.on = True
    for number in range(count):
        stages.end("between requests")
        requests.post(kind, number)
        stages.end("test client, after the app")
    stages.on = False


def count_stages(kind, count, folder, library):
    out = Path(folder) / kind
    out.mkdir()
    under_callgrind(__file__, kind, count, folder, out / "callgrind.%p", "--library", library)
    totals = collections.Counter()
    for dump in out.iterdir():
        head = dump.read_text(errors="replace")[:4000]
        name = re.search(r"Client Request: (.*)", head)
        total = re.search(r"^(?:totals|summary): (\d+)", head, re.MULTILINE)
        if name and total and name.group(1).strip() != "between requests":
            totals[name.group(1).strip()] += int(total.group(1))
    return {name: instructions / count for name, instructions in totals.items()}


def report(title, stages):
    total = sum(stages.values())
    print(f"\n{title}: {total / 1e6:.2f} M instructions a request")
    for name, instructions in sorted(stages.items(), key=lambda item: -item[1]):
        print(f"  {instructions / 1e3:8.1f} k  {100 * instructions / total:5.1f}%  {name}")
    return total


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--child", choices=("submission", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--library", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.count, args.library)
    if not (shutil.which("valgrind") and shutil.which("gcc")):
        sys.exit("needs valgrind and gcc: apt-get install valgrind gcc")
    with tempfile.TemporaryDirectory(prefix="voces-stages-") as folder:
        source = Path(folder) / "stages.c"
        source.write_text(HELPER)
        library = str(Path(folder) / "libstages.so")
        subprocess.run(["gcc", "-shared", "-fPIC", "-O1", "-o", library, source], check=True)
        submission = report(
            "last page posted", count_stages("submission", args.count, folder, library)
        )
        bare = report("bare insert", count_stages("bare", args.count, folder, library))
    print(f"stages_submission_minstr={submission / 1e6:.2f} stages_bare_minstr={bare / 1e6:.2f}")


if __name__ == "__main__":
    main()
