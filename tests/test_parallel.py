"""``map_in_processes``: the one way work is shared among processes."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from actionplans.parallel import map_in_processes


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


def _inside_a_pool_worker(n: int) -> list[tuple[int, int]]:
    return map_in_processes(_pid_and_square, list(range(n)))


def test_inside_a_daemon_process_the_work_stays_in_that_process() -> None:
    """A pool's worker may not start processes of its own."""
    with multiprocessing.get_context("fork").Pool(1) as pool:
        results = pool.apply(_inside_a_pool_worker, (5,))
    assert len({pid for pid, _ in results}) == 1 and [s for _, s in results] == [0, 1, 4, 9, 16]
