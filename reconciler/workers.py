"""A few requests at a time, in threads, that stop promptly on Ctrl-C.

`ThreadPoolExecutor` used as a context manager waits, after an interrupt, for every queued item
to run; and a main thread blocked on a future does not see the signal until that item is done.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
_SLICE = 0.2
"""Seconds the main thread waits at a time, so that a signal is seen within that."""


def run_all(fn: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """`fn` over `items` in up to `workers` threads; the results in the order of `items`.

    On Ctrl-C (or any exception) the calls in flight finish, queued ones are not started, and
    the exception propagates.
    """
    if not items:
        return []
    pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(items))))
    futures = [pool.submit(fn, item) for item in items]
    try:
        while wait(futures, timeout=_SLICE).not_done:
            pass
        return [future.result() for future in futures]
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    finally:
        pool.shutdown(wait=True)
