"""When a temporary event notice was given: standard, late or out of time, and the police objection window.

Working days are counted with the force's calendar (weekends, the nation's bank holidays and the force's
closure days excluded). The day the notice is received and the first day of the event are not counted.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from frontcounter.calendar import WorkingCalendar, force_calendar

STANDARD_MIN_WORKING_DAYS = 10
LATE_MIN_WORKING_DAYS = 5


class NoticeKind(enum.StrEnum):
    """Standard (10+ clear working days), late (5 to 9) or out of time (fewer than 5: not a valid notice)."""

    STANDARD = "standard"
    LATE = "late"
    OUT_OF_TIME = "out_of_time"


@dataclass(frozen=True)
class Timing:
    """How a notice received on `received` stands against an event whose first day is `first_day`."""

    received: date
    first_day: date
    working_days: int
    kind: NoticeKind
    last_standard_day: date  # the last day it could have been given as a standard notice
    last_late_day: date  # the last day it could have been given as a late notice

    @property
    def valid(self) -> bool:
        """True for standard and late notices."""
        return self.kind is not NoticeKind.OUT_OF_TIME


def classify(received: date, first_day: date, calendar: WorkingCalendar | None = None) -> Timing:
    """Classify a notice received on `received` (a UK date) for an event starting on `first_day`."""
    cal = calendar or force_calendar()
    days = cal.working_days_between(received, first_day) if first_day > received else 0
    if days >= STANDARD_MIN_WORKING_DAYS:
        kind = NoticeKind.STANDARD
    elif days >= LATE_MIN_WORKING_DAYS:
        kind = NoticeKind.LATE
    else:
        kind = NoticeKind.OUT_OF_TIME
    return Timing(
        received=received,
        first_day=first_day,
        working_days=days,
        kind=kind,
        last_standard_day=latest_day_to_give(first_day, STANDARD_MIN_WORKING_DAYS, cal),
        last_late_day=latest_day_to_give(first_day, LATE_MIN_WORKING_DAYS, cal),
    )


def latest_day_to_give(first_day: date, working_days: int, calendar: WorkingCalendar) -> date:
    """The last day a notice can be received and still leave `working_days` clear working days before `first_day`."""
    from datetime import timedelta

    day = first_day - timedelta(days=1)
    while calendar.working_days_between(day, first_day) < working_days:
        day -= timedelta(days=1)
    return day


def objection_due(received: date, working_days: int, calendar: WorkingCalendar | None = None) -> date:
    """The last day the police may object: `working_days` working days after the day of receipt."""
    return (calendar or force_calendar()).add_working_days(received, working_days)


def within_window(today: date, due: date) -> bool:
    """True while the police may still act: up to and including the last day of the window."""
    return today <= due
