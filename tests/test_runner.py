"""The query runner: kept worker threads, a bounded number of jobs, time limits, idle workers ending."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from api import runner as runner_module
from api.runner import QueryRunner, QueryTimeout


def run(main):
    """`asyncio.run(main())` on a thread of its own: the test may be inside a running loop (a browser
    session's, under pytest-xdist)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(main())).result()


def test_workers_are_kept_between_jobs() -> None:
    pool = QueryRunner(2)

    async def main() -> set[threading.Thread]:
        return {await pool.run(lambda stop: threading.current_thread(), 5) for _ in range(20)}

    threads = run(main)  # the Thread objects are held, so a new thread could not reuse one
    assert len(threads) <= 2
    assert threading.current_thread() not in threads


def test_a_runaway_job_keeps_its_slot_until_it_ends() -> None:
    pool = QueryRunner(1)
    release = threading.Event()

    async def main() -> int:
        with pytest.raises(QueryTimeout, match="time limit"):
            await pool.run(lambda stop: release.wait(10), 0.1)
        with pytest.raises(QueryTimeout, match="no query worker became free"):
            await pool.run(lambda stop: 1, 0.1)
        release.set()
        return await pool.run(lambda stop: 2, 5)

    assert run(main) == 2


def test_the_caller_giving_up_tells_the_job_to_stop() -> None:
    pool = QueryRunner(1)
    seen = threading.Event()

    def job(stop: threading.Event) -> None:
        if stop.wait(5):
            seen.set()

    async def main() -> None:
        with pytest.raises(QueryTimeout):
            await pool.run(job, 0.05)

    run(main)
    assert seen.wait(5)


def test_errors_reach_the_caller() -> None:
    pool = QueryRunner(1)

    def job(stop: threading.Event) -> None:
        raise ValueError("bad query")

    with pytest.raises(ValueError, match="bad query"):
        run(lambda: pool.run(job, 5))


def test_a_jobs_own_timeout_error_is_not_the_time_limit() -> None:
    pool = QueryRunner(1)

    def job(stop: threading.Event) -> None:
        raise TimeoutError("the remote endpoint timed out")

    with pytest.raises(TimeoutError, match="remote endpoint"):
        run(lambda: pool.run(job, 5))


def test_idle_workers_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner_module, "IDLE_SECONDS", 0.05)
    pool = QueryRunner(3)

    def job(stop: threading.Event) -> int:
        time.sleep(0.05)
        return 1

    async def main() -> list[int]:
        return list(await asyncio.gather(*(pool.run(job, 5) for _ in range(3))))

    assert run(main) == [1, 1, 1]
    assert pool._started == 3
    deadline = time.monotonic() + 5
    while pool._started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert pool._started == 0
    assert run(lambda: pool.run(lambda stop: 7, 5)) == 7  # a new worker starts for the next job
