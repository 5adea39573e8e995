"""Release several callables at the same instant, each in its own thread (for concurrency tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def race(workers: list[Callable[[], Any]]) -> list[Any]:
    """Run each zero-argument callable in its own thread, all released by one barrier; return their results."""
    barrier = threading.Barrier(len(workers))
    results: list[Any] = [None] * len(workers)
    errors: list[tuple[int, Exception]] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = workers[i]()
        except Exception as exc:  # noqa: BLE001 - reported below with the thread's index
            errors.append((i, exc))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results
