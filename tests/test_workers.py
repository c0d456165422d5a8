"""Masking on several cores: the same result as one loop, and only where forking is safe."""

import os
import threading

import pytest

from surveys.analysis import find_themes, workers
from surveys.analysis.redact import mask_personal_details

TWO_CORES = pytest.mark.skipif(workers.cpu_count() < 2, reason="needs two cores to fork a worker")


def pid(_item):
    return os.getpid()


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(workers, "MIN_ITEMS", 10)


@TWO_CORES
def test_large_inputs_are_split_between_processes_in_order(small_batches):
    texts = [f"call me at 323-555-{n:04d} please" for n in range(40)]

    assert workers.parallel_map(mask_personal_details, texts, n_jobs=2) == [
        mask_personal_details(text) for text in texts
    ]
    pids = workers.parallel_map(pid, range(40), n_jobs=2)
    assert pids[0] == os.getpid() and len(set(pids)) == 2
    assert pids == sorted(pids, key=lambda p: p != os.getpid())  # first chunk here, the rest there


def test_small_inputs_stay_in_this_process():
    assert set(workers.parallel_map(pid, range(100), n_jobs=-1)) == {os.getpid()}


def test_a_threaded_process_does_not_fork(small_batches):
    found = []
    worker = threading.Thread(target=lambda: found.extend(workers.parallel_map(pid, range(40), -1)))
    worker.start()
    worker.join()
    assert set(found) == {os.getpid()}


def test_a_function_without_a_name_runs_here(small_batches):
    assert workers.parallel_map(lambda n: (n * 2, os.getpid()), range(40), -1) == [
        (n * 2, os.getpid()) for n in range(40)
    ]


@pytest.mark.parametrize(
    ("n_jobs", "expected"),
    [(None, 1), (1, 1), (-1, "cores"), (-1000, 1), (1000, "cores")],
)
def test_n_jobs_reads_as_in_scikit_learn(n_jobs, expected):
    cores = workers.cpu_count()
    assert workers.effective_jobs(n_jobs) == (cores if expected == "cores" else expected)


def test_n_jobs_zero_is_refused():
    with pytest.raises(ValueError, match="n_jobs"):
        workers.effective_jobs(0)


@TWO_CORES
def test_themes_are_the_same_on_one_core_or_several(small_batches):
    answers = [
        {"id": f"w{n}", "text": f"We need wifi at home, call 818-555-{n:04d}", "lang": "en"}
        for n in range(15)
    ] + [
        {"id": f"c{n}", "text": f"Mi hijo Pedro necesita un consejero {n}", "lang": "es"}
        for n in range(15)
    ]
    one = find_themes(answers, translator=None, n_jobs=1)
    several = find_themes(answers, translator=None, n_jobs=-1)

    assert several.labels == one.labels
    assert several.masked_texts == one.masked_texts
    assert "[phone]" in several.masked_texts["w3"] and "Pedro" not in several.masked_texts["c3"]
