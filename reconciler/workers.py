"""A few requests at a time, in threads, that stop promptly on Ctrl-C or on the first failure.

`ThreadPoolExecutor` used as a context manager waits, after an interrupt, for every queued item
to run; and a main thread blocked on a future does not see the signal until that item is done.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")
_SLICE = 0.2
"""Seconds the main thread waits at a time, so that a signal is seen within that."""


def run_all(fn: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """`fn` over `items` in up to `workers` threads; the results in the order of `items`.

    On Ctrl-C, or when a call raises (a deadline passed, a bug), the calls in flight finish,
    queued ones are not started, and the exception propagates.
    """
    if not items:
        return []
    stop = threading.Event()

    def guarded(item: T) -> R:
        # A worker that sees the stop takes no further item, even before the main thread wakes.
        if stop.is_set():
            return cast(R, None)  # never read: the run is ending with an exception
        try:
            return fn(item)
        except BaseException:
            stop.set()
            raise

    pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(items))))
    futures = [pool.submit(guarded, item) for item in items]
    try:
        while True:
            done, pending = wait(futures, timeout=_SLICE, return_when=FIRST_EXCEPTION)
            for future in done:
                future.result()  # raises the first failure, before any queued item starts
            if not pending:
                return [future.result() for future in futures]
    except BaseException:
        stop.set()
        for future in futures:
            future.cancel()
        raise
    finally:
        pool.shutdown(wait=True)
