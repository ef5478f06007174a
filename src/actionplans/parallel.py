"""One way to run independent work on every CPU: ``map_in_processes``.

Used where ``BENCHMARKS.md`` shows it pays at the sizes we target: reading the content files.
Workers are forked, so they start with everything the caller has already loaded; they never
outlive the call, whether it returns, raises, or is interrupted. ``ACTIONPLANS_WORKERS`` sets
how many there are (default: one per CPU; 1 does the work in the calling process).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")

#: The work of the current call, read by the forked workers (set before they are forked).
_WORK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def map_in_processes(
    function: Callable[[_Item], _Result], items: Sequence[_Item], *, workers: int | None = None
) -> list[_Result]:
    """``[function(item) for item in items]``, computed by one forked process per CPU.

    Results come back in order and must be picklable. Where processes cannot be forked (a
    pool's own worker, a system without ``fork``) or there is one CPU or one item, the items
    are handled here, one after another; so they are with ``workers=1``, which a process that
    runs threads gives (a thread holding a lock when the process forks leaves it held for ever in
    the worker). On any exception, Ctrl-C or SIGTERM the workers are
    stopped before the exception leaves this function.
    """
    workers = min(workers or _workers(), len(items))
    if workers < 2 or multiprocessing.current_process().daemon or "fork" not in multiprocessing.get_all_start_methods():
        return [function(item) for item in items]
    global _WORK
    _WORK = (function, items)
    try:
        # Ctrl-C and SIGTERM wait while the pool is made: arriving half-way through, they would
        # leave workers that no `finally` below knows of. They are delivered once it exists.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
        try:
            pool = multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_interrupts)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        try:
            chunk = max(1, len(items) // (workers * 8))
            return pool.map(_run, range(len(items)), chunksize=chunk)
        finally:
            pool.terminate()
            pool.join()
    finally:
        _WORK = None


def _workers() -> int:
    setting = os.environ.get("ACTIONPLANS_WORKERS", "")
    return int(setting) if setting.isdigit() and int(setting) > 0 else os.cpu_count() or 1


#: The signals that stop a command.
_STOPS = {signal.SIGINT, signal.SIGTERM}


def _ignore_interrupts() -> None:
    """In a worker: Ctrl-C is the caller's to handle (it stops the workers), and SIGTERM, which
    is how it stops them, ends a worker at once whatever handler the caller had installed.
    (Both were blocked when it was forked; they are let through once handled so.)"""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)


def _run(index: int) -> Any:
    assert _WORK is not None, "forked without work"
    function, items = _WORK
    return function(items[index])
