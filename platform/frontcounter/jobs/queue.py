"""Enqueue work with the current force attached; the queue is rq on Redis or in-process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from redis import Redis
from rq import Queue
from rq.job import Job

from frontcounter.observability.requestid import current_request_id
from frontcounter.tenancy.context import current_tenant_id

QUEUE_NAME = "frontcounter"


def _connection() -> Redis:
    url = current_app.config.get("REDIS_URL")
    key = "frontcounter.redis"
    if key not in current_app.extensions:
        if url:
            current_app.extensions[key] = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        else:
            import fakeredis

            current_app.extensions[key] = fakeredis.FakeRedis()
    return current_app.extensions[key]


def get_queue() -> Queue:
    """Return the rq queue: on Redis when REDIS_URL is set, else one that runs jobs at once in-process."""
    in_process = not current_app.config.get("REDIS_URL")
    return Queue(QUEUE_NAME, connection=_connection(), is_async=not in_process)


def _target(func: Callable[..., Any] | str) -> str:
    if isinstance(func, str):
        return func
    return f"{func.__module__}:{func.__qualname__}"


def enqueue(func: Callable[..., Any] | str, *args: Any, job_id: str | None = None, **kwargs: Any) -> Job:
    """Queue `func(*args, **kwargs)` to run for the current force (or platform-wide when none)."""
    tenant_id = current_tenant_id()
    job = get_queue().enqueue(
        "frontcounter.jobs.runner.run",
        tenant_id,
        _target(func),
        list(args),
        kwargs,
        job_id=job_id,
        meta={"tenant_id": tenant_id, "target": _target(func), "request_id": current_request_id()},
        failure_ttl=7 * 24 * 3600,
    )
    return job


def queue_health() -> dict[str, Any]:
    """Report whether the job queue is reachable and how many jobs wait."""
    backend = "redis" if current_app.config.get("REDIS_URL") else "in-process"
    try:
        queue = get_queue()
        queue.connection.ping()
        return {"ok": True, "backend": backend, "queued": queue.count}
    except Exception as exc:  # noqa: BLE001 - health reports any failure
        return {"ok": False, "backend": backend, "error": type(exc).__name__}
