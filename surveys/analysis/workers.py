"""Spreading per-answer work (masking) over the machine's cores.

Work is split into one contiguous chunk per core; the calling process does
the first chunk itself while forked workers do the others, so results come
back in order and are the same as a plain loop's. Forking is used only when
it is safe and worth it: on a system that forks, from a process running a
single Python thread (the CLI; not the web app, whose theme runs are
threads), with a function that can be named in another process, and from
``MIN_ITEMS`` items up (below that, starting workers costs more than it saves).
"""

import multiprocessing
import os
import pickle
import threading
from concurrent.futures import ProcessPoolExecutor

MIN_ITEMS = 20_000


def cpu_count():
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def effective_jobs(n_jobs):
    """Processes for ``n_jobs`` in scikit-learn's sense: None is 1, -1 all cores, -2 all but one."""
    if n_jobs is None:
        return 1
    n_jobs = int(n_jobs)
    if n_jobs == 0:
        raise ValueError("n_jobs must not be 0 (None or 1 for one process, -1 for all cores)")
    cores = cpu_count()
    return max(1, cores + 1 + n_jobs if n_jobs < 0 else min(n_jobs, cores))


def parallel_map(function, items, n_jobs=None):
    """``[function(item) for item in items]``, on several cores when it is safe and worth it."""
    items = list(items)
    jobs = effective_jobs(n_jobs)
    if jobs < 2 or len(items) < MIN_ITEMS or not _may_fork() or not _named(function):
        return _apply(function, items)
    size = -(-len(items) // jobs)
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(len(chunks) - 1, mp_context=context) as pool:
        futures = [pool.submit(_apply, function, chunk) for chunk in chunks[1:]]
        results = _apply(function, chunks[0])
        for future in futures:
            results += future.result()
    return results


def _apply(function, chunk):
    return [function(item) for item in chunk]


def _may_fork():
    # A fork copies only the calling thread: locks other threads hold stay held.
    return hasattr(os, "fork") and threading.active_count() == 1


def _named(function):
    """True when ``function`` can be sent to a worker (a module-level function, not a lambda)."""
    try:
        pickle.dumps(function)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True
