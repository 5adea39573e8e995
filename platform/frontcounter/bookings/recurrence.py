"""Recurring slots: every chosen weekday for a number of weeks, at the same UK clock time."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from frontcounter.bookings.times import uk_to_utc


def weekly(
    first: date, weeks: int, weekdays: Collection[int], start: time, end: time
) -> list[tuple[datetime, datetime]]:
    """UTC (start, end) for each of `weekdays` (0 = Monday) in the `weeks` weeks from `first`, in date order.

    The clock time stays the same in the UK across the change to and from summer time.
    """
    days = (first + timedelta(days=offset) for offset in range(weeks * 7))
    return [(uk_to_utc(day, start), uk_to_utc(day, end)) for day in days if day.weekday() in weekdays]
