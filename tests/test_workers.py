"""Masking on several cores: the same result as one loop, and only where forking is safe."""

import json
import subprocess
import sys
import textwrap

import pytest

from surveys.analysis import workers

TWO_CORES = pytest.mark.skipif(workers.cpu_count() < 2, reason="needs two cores to fork a worker")


def in_fresh_process(code):
    """What ``code`` prints as JSON, run by a new interpreter: a single-threaded
    process, as the command line is (the test process has other tests' threads)."""
    prelude = "import json, os\nfrom surveys.analysis import workers\nworkers.MIN_ITEMS = 10\n"
    done = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


@TWO_CORES
def test_large_inputs_are_split_between_processes_in_order():
    found = in_fresh_process("""
        from surveys.analysis.redact import mask_personal_details
        def pid(_item):
            return os.getpid()
        texts = [f"call me at 323-555-{n:04d} please" for n in range(40)]
        print(json.dumps({
            "masked": workers.parallel_map(mask_personal_details, texts, n_jobs=2),
            "one_loop": [mask_personal_details(text) for text in texts],
            "pids": workers.parallel_map(pid, range(40), n_jobs=2),
            "me": os.getpid(),
        }))
    """)

    assert found["masked"] == found["one_loop"] and "[phone]" in found["masked"][0]
    pids, me = found["pids"], found["me"]
    assert pids[:20] == [me] * 20  # the first chunk here...
    assert len(set(pids[20:])) == 1 and pids[20] != me  # ...the other in a forked worker


@TWO_CORES
@pytest.mark.parametrize(
    ("case", "forks"),
    [("many, named", True), ("few", False), ("a lambda", False), ("from a thread", False)],
)
def test_workers_are_forked_only_where_safe_and_worth_it(case, forks):
    found, me = in_fresh_process(f"""
        import threading
        def pid(_item):
            return os.getpid()
        case = {case!r}
        if case == "many, named":
            found = workers.parallel_map(pid, range(40), -1)
        elif case == "few":
            found = workers.parallel_map(pid, range(5), -1)
        elif case == "a lambda":
            found = workers.parallel_map(lambda _item: os.getpid(), range(40), -1)
        else:
            found = []
            thread = threading.Thread(
                target=lambda: found.extend(workers.parallel_map(pid, range(40), -1))
            )
            thread.start()
            thread.join()
        print(json.dumps([found, os.getpid()]))
    """)

    assert len(found) in (5, 40)
    assert (set(found) != {me}) is forks


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
def test_themes_are_the_same_on_one_core_or_several():
    one, several = in_fresh_process("""
        from surveys.analysis import find_themes
        answers = [
            {"id": f"w{n}", "text": f"We need wifi at home, call 818-555-{n:04d}", "lang": "en"}
            for n in range(15)
        ] + [
            {"id": f"c{n}", "text": f"Mi hijo Pedro necesita un consejero {n}", "lang": "es"}
            for n in range(15)
        ]
        runs = [find_themes(answers, translator=None, n_jobs=jobs) for jobs in (1, -1)]
        print(json.dumps([[r.labels, r.masked_texts] for r in runs]))
    """)

    assert several == one
    labels, masked = several
    assert len(set(labels.values())) >= 2
    assert "[phone]" in masked["w3"] and "Pedro" not in masked["c3"]
