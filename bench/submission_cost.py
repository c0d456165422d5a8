"""What one submission costs in the app itself, counted in instructions.

The load benchmark (bench/load.py) measures seconds through gunicorn, and on a
shared two-core machine its figures move by 20% from run to run: a cut of a
few percent in the last page's code cannot be told from noise there. This
counts the CPU instructions (valgrind's callgrind) that Flask's test client
and the app spend on one last page posted, and on one bare insert
(bench/bare_app.py, the load benchmark's baseline), with production settings
on a fresh SQLite file. Counts repeat to a fraction of a percent whatever else
the machine is doing; they include the test client's own work (roughly 1 M
instructions a request) and leave out gunicorn and the socket, which cost the
same for both.

Each measurement runs in a child process under callgrind with instrumentation
off while the families walk the survey up to its last page, and on only
while the last pages (or the bare inserts) are posted.

Usage: python bench/submission_cost.py [--count 40]   (needs valgrind)
Last line:
    submission_minstr=S bare_minstr=B ratio=R
"""

import argparse
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from load import environment, read_form, set_up_database

ROOT = Path(__file__).resolve().parents[1]
SET_UP_SECONDS = 300
HTTPS = "https://localhost"  # production cookies are Secure
WARM_UP = 5  # requests of each kind before counting: caches filled, classes made


def walk_to_last_page(client):
    """A family's pages up to the last one; what its last post sends."""
    path = "/s/safe-return/pacoima"
    page = client.get(path + "?lang=es", base_url=HTTPS).get_data(as_text=True)
    fields = read_form(page) | {"nav": "next"}
    for _ in range(40):
        answer = client.post(path, data=fields, base_url=HTTPS)
        if answer.status_code not in (302, 303):
            raise RuntimeError(f"{path} answered {answer.status_code}")
        path = urlsplit(answer.headers["Location"]).path
        page = client.get(path, base_url=HTTPS).get_data(as_text=True)
        fields = read_form(page) | {"nav": "next"}
        if "Enviar mis respuestas" in page:
            return client, path, fields
    raise RuntimeError("the survey never reached its last page")


class Requests:
    """The two requests compared, posted through Flask's test client, warmed up."""

    def __init__(self, app, count):
        self.bare_client = app.test_client()
        self.jobs = [walk_to_last_page(app.test_client()) for _ in range(WARM_UP + count)]
        for number in range(WARM_UP):
            self.submit(self.jobs.pop())
            self.bare(10**6 + number)
        # The collector would run at different moments in two versions of the code.
        gc.collect()
        gc.freeze()
        gc.disable()

    @staticmethod
    def submit(job):
        client, path, fields = job
        answer = client.post(path, data=fields, base_url=HTTPS)
        if not answer.headers.get("Location", "").endswith("/thanks"):
            raise RuntimeError(f"the last page answered {answer.status_code}")

    def bare(self, number):
        data = {"token": f"{number:032x}", "payload": str(number)}
        answer = self.bare_client.post("/_bench/insert", data=data, base_url=HTTPS)
        if answer.status_code != 201:
            raise RuntimeError(f"the bare insert answered {answer.status_code}")

    def post(self, kind, number):
        """The ``number``-th request of ``kind``: a last page or a bare insert."""
        self.submit(self.jobs[number]) if kind == "submission" else self.bare(number)


def child(kind, count):
    """Post ``count`` last pages or bare inserts, counting only those."""
    sys.path.insert(0, str(ROOT))
    import bare_app

    requests = Requests(bare_app.app, count)
    instrument("on")
    for number in range(count):
        requests.post(kind, number)
    instrument("off")


def instrument(state):
    subprocess.run(["callgrind_control", "-i", state, str(os.getpid())], check=True)


def under_callgrind(script, kind, count, folder, out, *args):
    """Run ``script --child kind`` under callgrind on a fresh SQLite file.

    Instrumentation is off until the child turns it on around the requests it
    counts. The same settings as the load benchmark's servers; a fixed hash
    seed, so that two runs of the same code count the same.
    """
    env = environment(f"sqlite:///{folder}/{kind}.sqlite", 0, None) | {"PYTHONHASHSEED": "0"}
    set_up_database(env, time.monotonic() + SET_UP_SECONDS)
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={out}",
        sys.executable,
        script,
        "--child",
        kind,
        "--count",
        str(count),
        *args,
    ]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)


def count_instructions(kind, count, folder):
    out = Path(folder) / f"{kind}.callgrind"
    under_callgrind(__file__, kind, count, folder, out)
    totals = next(line for line in out.read_text().splitlines() if line.startswith("totals:"))
    return int(totals.split()[1]) / count


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--child", choices=("submission", "bare"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.count)
    if not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        sys.exit("valgrind is not installed: apt-get install valgrind")
    with tempfile.TemporaryDirectory(prefix="voces-cost-") as folder:
        submission = count_instructions("submission", args.count, folder)
        bare = count_instructions("bare", args.count, folder)
    print(f"{args.count} requests of each, in-process, production settings, SQLite")
    print(f"  last page posted: {submission / 1e6:.2f} M instructions")
    print(f"  bare insert:      {bare / 1e6:.2f} M instructions")
    print(
        f"submission_minstr={submission / 1e6:.2f} bare_minstr={bare / 1e6:.2f} "
        f"ratio={bare / submission:.2f}"
    )


if __name__ == "__main__":
    main()
