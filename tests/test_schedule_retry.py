"""A periodic task that fails is retried with back-off, not skipped until its next full interval."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def test_a_failed_daily_task_is_retried_with_back_off_then_waits_a_day(ctx, monkeypatch):
    from frontcounter.jobs import schedule

    outcomes = iter([RuntimeError("database unavailable"), RuntimeError("still unavailable"), "done", "done"])
    ran: list[datetime] = []

    def task() -> str:
        ran.append(now)
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr(schedule, "all_tasks",
                        lambda: [schedule.PeriodicTask("reconcile", task, timedelta(days=1))])
    state: dict = {}
    start = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
    for seconds in (0, 20, 31, 60, 92, 3600, 86_000, 86_500):
        now = start + timedelta(seconds=seconds)
        schedule.run_due(state, now)
    assert [int((t - start).total_seconds()) for t in ran] == [0, 31, 92, 86_500]
    assert state["reconcile"].failures == 0


def test_the_retry_delay_doubles_and_never_exceeds_the_interval():
    from frontcounter.jobs.schedule import PeriodicTask, retry_delay

    daily = PeriodicTask("daily", lambda: None, timedelta(days=1))
    assert [retry_delay(daily, n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(daily, 30) == timedelta(days=1)
    assert retry_delay(PeriodicTask("often", lambda: None, timedelta(seconds=10)), 1) == timedelta(seconds=10)
