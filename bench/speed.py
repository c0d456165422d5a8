"""Speed and memory of a whole theme run on 10,000 and 100,000 answers.

The answers are half English, half Spanish, every one different: demo
answers (surveys/bundled/safe-return-demo.yaml) and clauses of SIB-200
sentences, each perturbed (a word dropped, a lead-in added, a piece of
another answer joined on), about 14 words long as survey answers are.

Each run is ``python -m surveys.analysis`` in a child process, timed from
start to exit (reading, translating, theming, writing the themes and the
summary), with its peak memory (maximum resident set size). Translation
runs cold (an empty cache directory), then warm (the same directory).

Targets (2 cores): <= 60 s cold, <= 15 s warm, <= 2 GB peak memory.

Usage: python bench/speed.py [SIB_DIR] [--sizes 10000,100000] [--keep DIR]
The last line is machine-readable:
    speed n=100000 cold_s=... warm_s=... peak_mb=... ok=True
"""

import argparse
import csv
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "sib200-en-es"
DEMO = ROOT / "surveys" / "bundled" / "safe-return-demo.yaml"
TARGETS = {"cold_s": 60.0, "warm_s": 15.0, "peak_mb": 2048.0}
LEAD_INS = {
    "en": ["", "", "Honestly,", "I think", "For us,", "Please,", "Mostly", "As a parent,"],
    "es": ["", "", "La verdad,", "Pienso que", "Para nosotros,", "Por favor,", "Sobre todo",
           "Como mamá,"],
}  # fmt: skip
COMMUNITIES = ["boyle-heights", "pacoima", "south-la", "wilmington", "east-la", "watts"]


def pools(sib_dir):
    """Base texts per language: demo answers and SIB clauses of 6 to 16 words."""
    demo = yaml.safe_load(DEMO.read_text(encoding="utf-8"))["open_answers"]
    base = {"en": [], "es": []}
    for question in demo.values():
        for lang in base:
            base[lang] += question[lang]
    for code, lang in (("eng_Latn", "en"), ("spa_Latn", "es")):
        for split in ("train", "dev"):
            with open(sib_dir / code / f"{split}.tsv", encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                    for clause in re.split(r"[;:,.]\s+", row["text"]):
                        if 6 <= len(clause.split()) <= 16:
                            base[lang].append(clause)
    return base


def make_answers(n, sib_dir, seed=0):
    """``n`` distinct answers, alternating English and Spanish."""
    rng = random.Random(seed)
    base = pools(sib_dir)
    seen, rows = set(), []
    while len(rows) < n:
        lang = "en" if len(rows) % 2 == 0 else "es"
        text = _perturbed(rng, base[lang], LEAD_INS[lang])
        if text in seen:
            continue
        seen.add(text)
        rows.append(
            {
                "id": f"a{len(rows):06d}",
                "text": text,
                "lang": lang,
                "community": rng.choice(COMMUNITIES),
            }
        )
    return rows


def _perturbed(rng, pool, lead_ins):
    words = rng.choice(pool).split()
    if len(words) > 4:
        del words[rng.randrange(len(words))]
    if rng.random() < 0.4:
        words += rng.choice(pool).split()[: rng.randint(2, 5)]
    lead = rng.choice(lead_ins)
    return " ".join(([lead] if lead else []) + words)


def timed_run(args):
    """Wall seconds and peak resident memory (MB) of a child process."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "surveys.analysis", *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read().decode()
    child.stderr.close()
    if child.returncode != 0:
        raise SystemExit(f"run failed ({child.returncode}): {errors}")
    return seconds, usage.ru_maxrss / 1024


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--keep", type=Path, help="keep the inputs and outputs in this directory")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as scratch:
        work = args.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        print(f"{'answers':>8} | {'cold s':>7} {'MB':>6} | {'warm s':>7} {'MB':>6} | themes")
        figures = {}
        for n in sizes:
            source = work / f"answers-{n}.jsonl"
            with source.open("w", encoding="utf-8") as handle:
                for row in make_answers(n, args.data):
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            cache, out, summary = work / f"cache-{n}", work / f"themes-{n}.jsonl", work / "s.json"
            if cache.exists():
                for file in cache.iterdir():
                    file.unlink()
            run = [source, "--out", out, "--summary", summary, "--cache-dir", cache]
            cold = timed_run(run)
            warm = timed_run(run)
            data = json.loads(summary.read_text(encoding="utf-8"))
            figures[n] = {"cold_s": cold[0], "warm_s": warm[0], "peak_mb": max(cold[1], warm[1])}
            print(
                f"{n:8} | {cold[0]:7.1f} {cold[1]:6.0f} | {warm[0]:7.1f} {warm[1]:6.0f} |"
                f" {len(data['themes'])} (translated={data['translated']})",
                flush=True,
            )
    largest = figures[max(figures)]
    ok = all(figure[key] <= TARGETS[key] for figure in figures.values() for key in TARGETS)
    print(
        f"speed n={max(figures)} cold_s={largest['cold_s']:.1f} warm_s={largest['warm_s']:.1f}"
        f" peak_mb={largest['peak_mb']:.0f} cpus={os.cpu_count()} ok={ok}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
