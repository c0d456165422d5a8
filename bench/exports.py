"""Time and peak memory of the responses exports (CSV and XLSX) at 100,000 responses.

Builds the responses in a temporary SQLite database with bulk inserts (not
through HTTP), then runs each export in its own process and reads that
process's peak resident memory (VmHWM), so the figures are what a
server worker would need. Targets: peak memory under 200 MB, under 30 s each.

Usage: python bench/exports.py [--responses 100000] [--seed 1]
The last line is machine-readable:
    exports csv_s=.. csv_peak_mb=.. xlsx_s=.. xlsx_peak_mb=.. responses=N ok=True
"""

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from surveys import create_app
from surveys.definition import load_file
from surveys.extensions import db
from surveys.models import Answer, Response
from surveys.services import demo, selection, survey_store

PEAK_MB, SECONDS = 200, 30
TEMPLATES = 2000  # distinct answer sets, reused with a varying sentence
CHUNK = 20000


def make_app(path):
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "TESTING": True})


def build(path, count, seed):
    """The bundled survey and ``count`` synthetic responses, inserted in bulk."""
    app = make_app(path)
    with app.app_context():
        db.create_all()
        survey, _changed = survey_store.load_definition(load_file(app.config["BUNDLED_SURVEYS"][0]))
        db.session.commit()
        rng = random.Random(seed)
        definition = survey_store.definition_of(survey.current)
        bank = demo.open_answer_bank(survey.slug)
        communities = [c.id for c in survey.active_communities] + [None]
        languages = ["es", "en"]
        templates = [
            (lang, demo.sample_answers(definition, lang, bank, rng))
            for lang in (rng.choice(languages) for _ in range(TEMPLATES))
        ]
        responses, answers, total = [], [], 0
        for number in range(1, count + 1):
            language, values = templates[number % TEMPLATES]
            responses.append(
                {
                    "id": number,
                    "survey_id": survey.id,
                    "version_id": survey.current.id,
                    "community_id": communities[number % len(communities)],
                    "language": language,
                    "role": values.get("role"),
                    "submitted_on": date(2026, 9, 1) + timedelta(days=number % 60),
                    "submission_token": f"bench-{number}",
                    "digest": "bench",
                    "is_demo": True,
                }
            )
            for key, value in values.items():
                if isinstance(value, str) and key in bank:
                    # Unique, like real answers (no cached masks), without adding digits.
                    value = f"{value} {_word(number)}"
                answers.append({"response_id": number, "question_key": key, "value": value})
                total += 1
            if len(responses) >= CHUNK:
                _flush(responses, answers)
        _flush(responses, answers)
        db.session.commit()
        db.engine.dispose()
    return total


def _word(number):
    letters = "abcdefghijklmnopqrstuvwxyz"
    word = ""
    while True:
        number, digit = divmod(number, 26)
        word += letters[digit]
        if not number:
            return word


def _flush(responses, answers):
    if responses:
        db.session.execute(db.insert(Response), responses)
    if answers:
        db.session.execute(db.insert(Answer), answers)
    responses.clear()
    answers.clear()


def peak_rss_mb():
    """This process's peak resident memory. Linux keeps ``ru_maxrss`` across
    fork and exec (a child would report its parent's peak), so VmHWM first."""
    try:
        status = Path("/proc/self/status").read_text()
        return (
            int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1])
            / 1024
        )
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(fmt, path, out):
    """Run one export in this process and print its time and peak memory."""
    from surveys.exports import csv_export, xlsx_export

    app = make_app(path)
    with app.app_context():
        survey = survey_store.get_survey("safe-return")
        filters = selection.Filters()
        before_mb = peak_rss_mb()
        start, cpu_start = time.perf_counter(), time.process_time()
        if fmt == "csv":
            with open(out, "w", encoding="utf-8", newline="") as handle:
                for piece in csv_export.stream_csv(survey, "en", filters):
                    handle.write(piece)
        else:
            xlsx_export.write_workbook(out, survey, "en", filters, app.config["MIN_CELL"])
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
    peak_mb = peak_rss_mb()
    size_mb = Path(out).stat().st_size / 1024 / 1024
    figures = {
        "seconds": seconds,
        "cpu_s": cpu,
        "peak_mb": peak_mb,
        "app_mb": before_mb,
        "size_mb": size_mb,
    }
    print(json.dumps(figures))


def measure(fmt, path, folder):
    out = Path(folder) / f"responses.{fmt}"
    result = subprocess.run(
        [sys.executable, __file__, "--child", fmt, str(path), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep", help="Build the database at this path and keep it (reused if it exists)."
    )
    parser.add_argument("--child", nargs=3, metavar=("FORMAT", "DB", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(args.keep) if args.keep else Path(folder) / "bench.sqlite"
        if path.exists():  # kept from an earlier run: measure again without rebuilding
            print(f"reusing {path}")
        else:
            start = time.perf_counter()
            answers = build(path, args.responses, args.seed)
            seconds = time.perf_counter() - start
            print(f"built {args.responses} responses ({answers} answers) in {seconds:.1f} s")
        figures = {fmt: measure(fmt, path, folder) for fmt in ("csv", "xlsx")}
    ok = all(f["peak_mb"] < PEAK_MB and f["seconds"] < SECONDS for f in figures.values())
    for fmt, f in figures.items():
        print(
            f"{fmt}: {f['seconds']:.1f} s, peak {f['peak_mb']:.0f} MB, file {f['size_mb']:.1f} MB"
        )
    csv, xlsx = figures["csv"], figures["xlsx"]
    print(
        f"exports csv_s={csv['seconds']:.1f} csv_cpu_s={csv['cpu_s']:.1f} "
        f"csv_peak_mb={csv['peak_mb']:.0f} xlsx_s={xlsx['seconds']:.1f} "
        f"xlsx_cpu_s={xlsx['cpu_s']:.1f} xlsx_peak_mb={xlsx['peak_mb']:.0f} "
        f"responses={args.responses} ok={ok}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
