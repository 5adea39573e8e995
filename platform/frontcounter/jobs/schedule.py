"""Periodic work run by `frontcounter sweep`: due timers, the outbox relay, email status, and plugins' tasks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicTask:
    """A function to run every `every`; it does platform-wide work and enters forces itself."""

    name: str
    func: Callable[[], Any]
    every: timedelta


def core_tasks() -> list[PeriodicTask]:
    """The core's own periodic tasks."""
    from frontcounter.bookings.holds import expire_holds
    from frontcounter.cases.timers import fire_due_timers
    from frontcounter.jobs.outbox import relay
    from frontcounter.notifications.status import refresh_notify_statuses
    from frontcounter.payments.reconcile import reconcile
    from frontcounter.personal_data import retention_sweep

    return [
        PeriodicTask("outbox-relay", relay, timedelta(seconds=30)),
        PeriodicTask("case-timers", fire_due_timers, timedelta(seconds=30)),
        PeriodicTask("booking-holds", expire_holds, timedelta(seconds=60)),
        PeriodicTask("email-status", refresh_notify_statuses, timedelta(minutes=5)),
        PeriodicTask("payments-reconcile", reconcile, timedelta(days=1)),
        PeriodicTask("retention", retention_sweep, timedelta(days=1)),
    ]


def all_tasks() -> list[PeriodicTask]:
    """Core tasks followed by every plugin's periodic_tasks()."""
    tasks = core_tasks()
    for group in current_app.extensions["frontcounter.plugins"].hook.periodic_tasks():
        tasks.extend(group or [])
    return tasks


def run_due(last_run: dict[str, datetime], now: datetime | None = None) -> dict[str, Any]:
    """Run each task whose interval has passed since `last_run`; return what each returned."""
    from frontcounter.extensions import db

    now = now or datetime.now(UTC)
    results: dict[str, Any] = {}
    for task in all_tasks():
        previous = last_run.get(task.name)
        if previous is not None and now - previous < task.every:
            continue
        try:
            results[task.name] = task.func()
            db.session.commit()
        except Exception as exc:
            db.session.rollback()
            log.exception("Periodic task %s failed", task.name)
            results[task.name] = f"error: {exc}"
        last_run[task.name] = now
    return results
