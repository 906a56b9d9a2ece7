"""Run blocking queries off the event loop, a bounded number at once, each with a time limit.

pyoxigraph releases the GIL while it evaluates, so a query in a worker thread leaves the event loop free
for other requests. Oxigraph cannot interrupt a query from outside: when the time limit passes the caller
gets `QueryTimeout` at once, and the worker is told to stop at the next result row it reads (a query
that computes everything before its first row, such as a large COUNT, runs on to its end). A worker keeps
its slot until its thread finishes, so runaway queries cannot pile up beyond `workers`; the threads are
daemons so that they never hold up the server's shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from typing import TypeVar

T = TypeVar("T")


class QueryTimeout(Exception):
    """The query did not finish (or did not get a worker) within its time limit."""


class Cancelled(Exception):
    """Raised inside a worker that was told to stop."""


class QueryRunner:
    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._slots = threading.BoundedSemaphore(workers)

    async def run(self, job: Callable[[threading.Event], T], timeout: float) -> T:
        """`job(stop)` in a worker thread; `stop` is set when the caller gave up waiting."""
        deadline = time.monotonic() + timeout
        while not self._slots.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise QueryTimeout("no query worker became free in time")
            await asyncio.sleep(0.01)
        stop = threading.Event()
        future: Future[T] = Future()

        def work() -> None:
            try:
                result = job(stop)
            except BaseException as exc:
                _settle(future.set_exception, exc)
            else:
                _settle(future.set_result, result)
            finally:
                self._slots.release()

        threading.Thread(target=work, name="stdgraph-query", daemon=True).start()
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            stop.set()
            raise QueryTimeout(f"query exceeded the {timeout:g} s time limit") from None
        except asyncio.CancelledError:
            stop.set()
            raise


def _settle(setter: Callable, value) -> None:
    with contextlib.suppress(InvalidStateError):  # the caller cancelled the future when it gave up
        setter(value)
