"""The job worker process: rq workers, one after another, so that a Redis restart loses no worker.

rq's worker quits when Redis goes away in the middle of a job. `run_worker` then waits for Redis to
answer and starts a fresh worker; it stops only when asked to (SIGTERM or SIGINT) or, in burst mode,
when the queue is empty. A job cut short is not lost: the outbox relay dispatches it again.
"""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker, Worker

log = logging.getLogger(__name__)
REDIS_WAIT_LONGEST = 5.0  # seconds between pings while Redis is away


class _Worker(Worker):
    """An rq worker (a forked child per job) that remembers whether it was asked to stop."""

    stop_asked = False

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        """Warm shutdown, remembered."""
        self.stop_asked = True
        super().request_stop(signum, frame)


class _SimpleWorker(SimpleWorker):
    """An rq worker running each job in its own process (no fork) that remembers whether it was asked to stop."""

    stop_asked = False

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        """Warm shutdown, remembered."""
        self.stop_asked = True
        super().request_stop(signum, frame)


def _wait_for_redis(connection: Redis, stop: list[bool]) -> None:
    delay = 0.2
    while not stop:
        try:
            connection.ping()
            return
        except RedisError:
            time.sleep(delay)
            delay = min(delay * 2, REDIS_WAIT_LONGEST)


def run_worker(queue: Queue, *, burst: bool = False, with_scheduler: bool = False, fork: bool = False,
               max_jobs: int | None = None) -> None:
    """Work the queue until asked to stop, starting a new rq worker whenever one quits because Redis went away.

    Jobs run in this process unless `fork` (a child per job); `max_jobs` stops it after that many jobs.
    """
    while True:
        worker = (_Worker if fork else _SimpleWorker)([queue], connection=queue.connection)
        try:
            worker.work(burst=burst, with_scheduler=with_scheduler, max_jobs=max_jobs)
        except RedisError as exc:  # rq could not even record its own end
            log.warning("The job worker lost Redis (%s)", exc)
        if burst or worker.stop_asked or max_jobs is not None:
            return
        stop: list[bool] = []
        for sig in (signal.SIGTERM, signal.SIGINT):  # rq's handlers belong to the worker that quit
            signal.signal(sig, lambda *_, stop=stop: stop.append(True))
        log.warning("The job worker quit (Redis went away?); a new one starts when Redis answers")
        _wait_for_redis(queue.connection, stop)
        if stop:
            return
