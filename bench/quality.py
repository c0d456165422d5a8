"""Theme quality on the standard short-text clustering sets, against a baseline.

For each set in stc-benchmarks (k = number of gold labels), the themes of
``ThemeFinder`` (no codebook, no translation: the sets are English) and of a
baseline computed in the same run with the same seeds:
TF-IDF (English stop words, sublinear tf) + LSA (100 dimensions) + unit
length + KMeans, scikit-learn defaults otherwise. Both are scored by NMI and
by accuracy (clusters matched to labels one-to-one, Hungarian method),
averaged over the seeds.

Target: ours not below the baseline on any set, and above it on average.

Usage: python bench/quality.py [DATA_DIR] [--sets tweet,stackoverflow] [--seeds 3]
The last line is machine-readable:
    quality sets=8 nmi=... baseline_nmi=... acc=... baseline_acc=... worst_nmi_gain=... ok=True
"""

import argparse
import sys
import time
from pathlib import Path
from statistics import mean

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import normalized_mutual_info_score
from sklearn.preprocessing import normalize

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from surveys.analysis import Document, ThemeFinder

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "stc-benchmarks"
SETS = (
    "stackoverflow",
    "searchsnippets",
    "biomedical",
    "googlenews_TS",
    "googlenews_T",
    "googlenews_S",
    "tweet",
    "agnews_8000",
)


def load(folder, name):
    with open(folder / f"{name}.tsv", encoding="utf-8") as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle if line.strip()]
    return [row[1] for row in rows], [row[0] for row in rows]


def accuracy(truth, found):
    """Share of texts whose cluster maps to their label, clusters matched one-to-one."""
    _, t = np.unique(truth, return_inverse=True)
    _, f = np.unique(found, return_inverse=True)
    table = np.zeros((f.max() + 1, t.max() + 1))
    np.add.at(table, (f, t), 1)
    rows, cols = linear_sum_assignment(-table)
    return table[rows, cols].sum() / len(truth)


def ours(texts, k, seed):
    documents = [Document(id=f"{n:06d}", text=text, lang="en") for n, text in enumerate(texts)]
    result = ThemeFinder(n_themes=k, random_state=seed, translator=None).fit(documents).result_
    return [result.labels[d.id] for d in documents]


def baseline(texts, k, seed):
    X = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    Z = normalize(TruncatedSVD(100, random_state=seed).fit_transform(X))
    return KMeans(k, random_state=seed).fit_predict(Z)


def score(truth, found):
    return normalized_mutual_info_score(truth, found), accuracy(truth, found)


def run_set(folder, name, seeds):
    texts, truth = load(folder, name)
    k = len(set(truth))
    figures = {"ours": [], "baseline": []}
    seconds = {"ours": 0.0, "baseline": 0.0}
    for seed in range(seeds):
        for method, function in (("ours", ours), ("baseline", baseline)):
            started = time.perf_counter()
            found = function(texts, k, seed)
            seconds[method] += time.perf_counter() - started
            figures[method].append(score(truth, found))
    return {
        method: {
            "nmi": mean(r[0] for r in runs),
            "acc": mean(r[1] for r in runs),
            "seconds": seconds[method] / seeds,
        }
        for method, runs in figures.items()
    } | {"size": len(texts), "k": k}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated set names")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.sets.split(",") if name.strip()]
    unknown = [name for name in names if not (args.data / f"{name}.tsv").is_file()]
    if unknown:
        parser.error(f"no such set in {args.data}: {', '.join(unknown)}")
    print(f"seeds 0-{args.seeds - 1}; NMI and accuracy averaged over seeds\n")
    header = f"{'set':15} {'texts':>6} {'k':>4} | {'NMI ours':>8} {'base':>6} {'gain':>6}"
    print(header + f" | {'ACC ours':>8} {'base':>6} | {'s ours':>7} {'s base':>7}")
    results = {}
    for name in names:
        r = results[name] = run_set(args.data, name, args.seeds)
        o, b = r["ours"], r["baseline"]
        print(
            f"{name:15} {r['size']:6} {r['k']:4} | {o['nmi']:8.3f} {b['nmi']:6.3f}"
            f" {o['nmi'] - b['nmi']:+6.3f} | {o['acc']:8.3f} {b['acc']:6.3f}"
            f" | {o['seconds']:7.1f} {b['seconds']:7.1f}",
            flush=True,
        )
    gains = [r["ours"]["nmi"] - r["baseline"]["nmi"] for r in results.values()]
    acc_gains = [r["ours"]["acc"] - r["baseline"]["acc"] for r in results.values()]
    averages = {
        key: mean(r[method][metric] for r in results.values())
        for key, method, metric in (
            ("nmi", "ours", "nmi"),
            ("baseline_nmi", "baseline", "nmi"),
            ("acc", "ours", "acc"),
            ("baseline_acc", "baseline", "acc"),
        )
    }
    ok = min(gains) >= 0 and min(acc_gains) >= 0 and mean(gains) > 0
    print(
        f"quality sets={len(results)} seeds={args.seeds}"
        + "".join(f" {key}={value:.3f}" for key, value in averages.items())
        + f" worst_nmi_gain={min(gains):+.3f} worst_acc_gain={min(acc_gains):+.3f} ok={ok}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
