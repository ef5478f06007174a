"""``map_in_processes``: the one way work is shared among processes."""

from __future__ import annotations

import multiprocessing
import os
import pickle

import pytest

from actionplans.errors import ContentError, DataPackageError, Location, Problem
from actionplans.parallel import map_in_processes
from actionplans.problems import MISSING_DEPENDENCY


def _pid_and_square(n: int) -> tuple[int, int]:
    return os.getpid(), n * n


def _fail_on_three(n: int) -> int:
    if n == 3:
        raise ValueError("three")
    return n


def _children() -> list[int]:
    path = f"/proc/{os.getpid()}/task/{os.getpid()}/children"
    return [int(p) for p in open(path).read().split()] if os.path.exists(path) else []


def test_results_come_back_in_order_from_other_processes() -> None:
    before = set(_children())  # other tests' helpers (a browser driver) may be running
    results = map_in_processes(_pid_and_square, list(range(50)))
    assert [square for _, square in results] == [n * n for n in range(50)]
    if (os.cpu_count() or 1) > 1:
        workers = {pid for pid, _ in results}
        assert os.getpid() not in workers
        assert not workers & set(_children())  # the workers are gone
    assert set(_children()) <= before


def test_a_worker_exception_reaches_the_caller_and_no_worker_remains() -> None:
    before = set(_children())
    with pytest.raises(ValueError, match="three"):
        map_in_processes(_fail_on_three, list(range(20)))
    assert set(_children()) <= before


def test_one_item_is_handled_in_this_process() -> None:
    assert map_in_processes(_pid_and_square, [7]) == [(os.getpid(), 49)]


def test_one_worker_does_the_work_in_this_process() -> None:
    """What a process that runs threads asks for (the live preview)."""
    assert {pid for pid, _ in map_in_processes(_pid_and_square, list(range(20)), workers=1)} == {os.getpid()}


def _inside_a_pool_worker(n: int) -> list[tuple[int, int]]:
    return map_in_processes(_pid_and_square, list(range(n)))


def test_inside_a_daemon_process_the_work_stays_in_that_process() -> None:
    """A pool's worker may not start processes of its own."""
    with multiprocessing.get_context("fork").Pool(1) as pool:
        results = pool.apply(_inside_a_pool_worker, (5,))
    assert len({pid for pid, _ in results}) == 1 and [s for _, s in results] == [0, 1, 4, 9, 16]


# --- errors cross the process boundary ------------------------------------------------------------
def _problems() -> list[Problem]:
    return [
        Problem(
            Location("content/plans/a.yaml", 3),
            "tasks[0].quote_zh",
            "not found in source s",
            "a sentence of s",
            "quote-not-found",
        ),
        Problem(Location("content/sources.yaml"), "", "file is empty", "YAML content", "empty-file"),
    ]


def _raise_content_error(n: int) -> int:
    if n == 3:
        raise ContentError(_problems())
    return n


def test_a_content_error_pickles_with_its_problems() -> None:
    error = ContentError(_problems())
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is ContentError and again.problems == error.problems
    assert str(again) == "2 errors" and again.report() == error.report() and again.code == error.code
    empty = pickle.loads(pickle.dumps(ContentError([])))
    assert empty.problems == [] and str(empty) == "0 errors"
    precise = pickle.loads(pickle.dumps(DataPackageError("x: broken", code=MISSING_DEPENDENCY)))
    assert str(precise) == "x: broken" and precise.code == MISSING_DEPENDENCY


def test_a_content_error_raised_in_a_pool_worker_reaches_the_caller(monkeypatch) -> None:
    with multiprocessing.get_context("fork").Pool(1) as pool:
        pending = pool.apply_async(_raise_content_error, (3,))
        with pytest.raises(ContentError) as raised:
            pending.get(timeout=60)  # the pool's result thread dies on an error it cannot unpickle
    assert raised.value.problems == sorted(_problems(), key=lambda p: p.location.path)
    monkeypatch.setenv("ACTIONPLANS_WORKERS", "2")
    with pytest.raises(ContentError) as raised:
        map_in_processes(_raise_content_error, list(range(8)))
    assert raised.value.report() == ContentError(_problems()).report()
