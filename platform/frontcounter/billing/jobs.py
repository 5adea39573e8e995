"""The sweeper's billing task: issue last month's statements once the month has ended."""

from __future__ import annotations

from datetime import timedelta

from frontcounter.jobs.schedule import PeriodicTask

# Checked hourly: on the 1st the statements for the month just ended are issued (once; later runs find them).
EVERY = timedelta(hours=1)


def periodic_tasks() -> list[PeriodicTask]:
    """The billing task for the core's schedule."""
    from frontcounter.billing.statements import issue_due

    return [PeriodicTask("billing-statements", issue_due, EVERY)]
