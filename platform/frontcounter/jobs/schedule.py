"""Periodic work run by `frontcounter sweep`: due timers, the outbox relay, email status, monthly statements,
management figures, and plugins' tasks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app

log = logging.getLogger(__name__)
# A failed task runs again after RETRY_FIRST, doubling on each failure, never later than its own interval.
RETRY_FIRST = timedelta(seconds=30)


@dataclass(frozen=True)
class PeriodicTask:
    """A function to run every `every`; it does platform-wide work and enters forces itself."""

    name: str
    func: Callable[[], Any]
    every: timedelta


def core_tasks() -> list[PeriodicTask]:
    """The core's own periodic tasks."""
    from frontcounter.billing import jobs as billing_jobs
    from frontcounter.bookings.holds import expire_holds
    from frontcounter.cases.timers import fire_due_timers
    from frontcounter.figures.aggregation import refresh as refresh_figures
    from frontcounter.jobs.outbox import relay
    from frontcounter.notifications.status import refresh_notify_statuses
    from frontcounter.payments.reconcile import reconcile
    from frontcounter.personal_data import retention_sweep

    return [
        PeriodicTask("outbox-relay", relay, timedelta(seconds=current_app.config.get("OUTBOX_RELAY_SECONDS", 30))),
        PeriodicTask("case-timers", fire_due_timers, timedelta(seconds=30)),
        PeriodicTask("booking-holds", expire_holds, timedelta(seconds=60)),
        PeriodicTask("email-status", refresh_notify_statuses, timedelta(minutes=5)),
        PeriodicTask("payments-reconcile", reconcile, timedelta(days=1)),
        PeriodicTask("retention", retention_sweep, timedelta(days=1)),
        *billing_jobs.periodic_tasks(),
        PeriodicTask("figures", refresh_figures, timedelta(hours=1)),
    ]


def all_tasks() -> list[PeriodicTask]:
    """Core tasks followed by every plugin's periodic_tasks()."""
    tasks = core_tasks()
    for group in current_app.extensions["frontcounter.plugins"].hook.periodic_tasks():
        tasks.extend(group or [])
    return tasks


@dataclass
class TaskRuns:
    """When a task last succeeded, how many times in a row it has failed since, and when it is next due."""

    last_success: datetime | None = None
    failures: int = 0
    next_due: datetime | None = field(default=None)


def retry_delay(task: PeriodicTask, failures: int) -> timedelta:
    """How long after its `failures`-th failure in a row a task runs again (back-off, capped at its interval)."""
    return min(task.every, RETRY_FIRST * 2 ** min(failures - 1, 20))


def run_due(state: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """Run each task that is due (its interval passed, or its retry after a failure); return what each returned.

    `state` is kept by the caller between calls (the sweeper keeps one for its life).
    """
    from frontcounter.extensions import db

    now = now or datetime.now(UTC)
    results: dict[str, Any] = {}
    for task in all_tasks():
        runs = state.get(task.name)
        if not isinstance(runs, TaskRuns):
            runs = state[task.name] = TaskRuns()
        if runs.next_due is not None and now < runs.next_due:
            continue
        try:
            results[task.name] = task.func()
            db.session.commit()
        except Exception as exc:
            db.session.rollback()
            runs.failures += 1
            runs.next_due = now + retry_delay(task, runs.failures)
            log.exception("Periodic task %s failed (%d in a row); retrying at %s", task.name, runs.failures,
                          runs.next_due.isoformat())
            results[task.name] = f"error: {exc}"
        else:
            runs.last_success, runs.failures, runs.next_due = now, 0, now + task.every
    return results
