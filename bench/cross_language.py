"""Do English and Spanish texts on one subject share a theme?

SIB-200 (train + dev): 800 sentences in English and the same 800 in Spanish,
7 topics. All 1,600 are themed together into 7 themes, then:

- pair agreement: share of sentence pairs (same index_id) whose English and
  Spanish versions got the same theme (target >= 0.85);
- NMI(theme, language): near 0 when themes mix the languages (target <= 0.05);
- NMI(theme, category) against the gold topics.

For comparison, plain TF-IDF + KMeans on the same mixed texts.

Usage: python bench/cross_language.py [DATA_DIR] [--seeds 5] [--cache-dir DIR]
The last line is machine-readable:
    cross_language pair_agreement=P nmi_language=L nmi_category=C ... ok=True
"""

import argparse
import csv
import sys
import time
from pathlib import Path
from statistics import mean

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import normalized_mutual_info_score as nmi

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from surveys.analysis import ApertiumTranslator, Document, ThemeFinder

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "sib200-en-es"
THEMES = 7
TARGETS = {"pair_agreement": 0.85, "nmi_language": 0.05}


def load(folder):
    """Rows (index_id, category, text, lang) of both languages, train and dev."""
    rows = []
    for code, lang in (("eng_Latn", "en"), ("spa_Latn", "es")):
        for split in ("train", "dev"):
            with open(folder / code / f"{split}.tsv", encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                    rows.append((row["index_id"], row["category"], row["text"], lang))
    return rows


def measures(rows, labels):
    themes = {}
    for (index_id, _category, _text, lang), label in zip(rows, labels, strict=True):
        themes.setdefault(index_id, {})[lang] = label
    pairs = [t["en"] == t["es"] for t in themes.values() if len(t) == 2]
    return {
        "pair_agreement": float(np.mean(pairs)),
        "nmi_language": nmi([r[3] for r in rows], labels),
        "nmi_category": nmi([r[1] for r in rows], labels),
    }


def ours(rows, seed, translator):
    documents = [
        Document(id=f"{lang}-{index_id}", text=text, lang=lang)
        for index_id, _category, text, lang in rows
    ]
    result = ThemeFinder(n_themes=THEMES, random_state=seed, translator=translator).fit(documents)
    labels = [result.result_.labels[d.id] for d in documents]
    return labels, result.result_


def baseline(rows, seed):
    X = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(r[2] for r in rows)
    return list(KMeans(THEMES, random_state=seed).fit_predict(X))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--cache-dir", help="translation cache directory")
    args = parser.parse_args(argv)
    rows = load(args.data)
    if not ApertiumTranslator.available():
        print("note: Apertium is not installed; the texts are themed untranslated")
    translator = ApertiumTranslator(args.cache_dir) if ApertiumTranslator.available() else None
    print(f"SIB-200 en+es: {len(rows)} texts, {THEMES} themes, seeds 0-{args.seeds - 1}")
    figures = {"ours": [], "baseline": []}
    for seed in range(args.seeds):
        started = time.perf_counter()
        labels, result = ours(rows, seed, translator)
        figures["ours"].append(measures(rows, labels))
        seconds = time.perf_counter() - started
        figures["baseline"].append(measures(rows, baseline(rows, seed)))
        print(f"  seed {seed}: ours {_line(figures['ours'][-1])} ({seconds:.1f} s)")
    summary = {name: _mean(runs) for name, runs in figures.items()}
    print()
    print(f"{'method':34} {'pairs':>6} {'NMI(lang)':>10} {'NMI(cat)':>9}")
    for name, label in (
        ("ours", f"ours (translated={result.translated})"),
        ("baseline", "TF-IDF + KMeans, untranslated"),
    ):
        row = summary[name]
        print(
            f"{label:34} {row['pair_agreement']:6.3f} {row['nmi_language']:10.3f}"
            f" {row['nmi_category']:9.3f}"
        )
    worst = min(run["pair_agreement"] for run in figures["ours"])
    ok = (
        summary["ours"]["pair_agreement"] >= TARGETS["pair_agreement"]
        and summary["ours"]["nmi_language"] <= TARGETS["nmi_language"]
    )
    print(
        f"cross_language pair_agreement={summary['ours']['pair_agreement']:.3f}"
        f" min_pair_agreement={worst:.3f}"
        f" nmi_language={summary['ours']['nmi_language']:.3f}"
        f" nmi_category={summary['ours']['nmi_category']:.3f}"
        f" baseline_pair_agreement={summary['baseline']['pair_agreement']:.3f}"
        f" baseline_nmi_language={summary['baseline']['nmi_language']:.3f}"
        f" translated={result.translated} seeds={args.seeds} ok={ok}"
    )
    return 0 if ok else 1


def _mean(runs):
    return {key: mean(run[key] for run in runs) for key in runs[0]}


def _line(row):
    return " ".join(f"{key}={value:.3f}" for key, value in row.items())


if __name__ == "__main__":
    sys.exit(main())
