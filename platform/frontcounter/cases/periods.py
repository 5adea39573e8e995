"""How long a state or timer lasts: a fixed timedelta, a settings key, or days counted the UK way.

`State.deadline` and `Timer.after` take a `Period`:

- a `timedelta`: that long after the case entered the state (to the second);
- a settings key (`"referee_days"`): that many calendar days from the force's settings;
- `Days(n)` / `Days("key")` / `Days(fn)`, with `working=True` for working days in the force's calendar;
- a function of (case, settings) returning any of these, an int (calendar days), an aware datetime or None.

A count of days ends at the end of the UK day: 7 days from a Monday at 10:00 end on the next Monday at
23:59:59 in Europe/London, whatever the hour the case moved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Union

from frontcounter.calendar import add_calendar_days, force_calendar, uk_date, uk_end_of_day

if TYPE_CHECKING:
    from frontcounter.cases.models import Case

CountFn = Callable[["Case", dict[str, Any]], int]


@dataclass(frozen=True)
class Days:
    """A number of days (an int, a settings key, or a function of (case, settings)); calendar or working days."""

    count: int | str | CountFn
    working: bool = False

    def describe(self) -> str:
        """Plain words for diagrams and docs, e.g. "10 working days" or "referee_days days"."""
        if isinstance(self.count, int):
            amount = str(self.count)
        elif isinstance(self.count, str):
            amount = f"{self.count} setting:"
        else:
            amount = getattr(self.count, "__name__", "computed")
        return f"{amount} {'working days' if self.working else 'days'}"


PeriodFn = Callable[["Case", dict[str, Any]], Any]
Period = Union[timedelta, str, Days, PeriodFn]  # noqa: UP007 - a runtime alias used in dataclass hints


def _settings(case: Case) -> dict[str, Any]:
    from frontcounter.tenancy.services import service_settings

    return service_settings(case.service_key)


def due_at(
    period: Period | None, case: Case, start: datetime, settings: dict[str, Any] | None = None
) -> datetime | None:
    """When `period` ends for `case`, counted from `start` (aware); None for no period."""
    if period is None:
        return None
    if isinstance(period, timedelta):
        return start + period
    if isinstance(period, str):
        period = Days(period)
    if isinstance(period, Days):
        return _days_end(period, case, start, settings)
    if callable(period):
        settings = _settings(case) if settings is None else settings
        result = period(case, settings)
        if isinstance(result, bool):
            raise TypeError("a period function must not return a bool")
        if isinstance(result, int):
            return _days_end(Days(result), case, start, settings)
        if isinstance(result, datetime):
            return result if result.tzinfo else result.replace(tzinfo=UTC)
        return due_at(result, case, start, settings)
    raise TypeError(f"not a period: {period!r}")


def _days_end(days: Days, case: Case, start: datetime, settings: dict[str, Any] | None) -> datetime:
    count: Any = days.count
    if isinstance(count, str):
        settings = _settings(case) if settings is None else settings
        if count not in settings:
            raise KeyError(f"service {case.service_key!r} has no setting {count!r} for a period")
        count = settings[count]
    elif callable(count):
        count = count(case, _settings(case) if settings is None else settings)
    count = int(count)
    day = uk_date(start)
    end = force_calendar().add_working_days(day, count) if days.working else add_calendar_days(day, count)
    return uk_end_of_day(end).astimezone(UTC)


def describe(period: Period) -> str:
    """Plain words for a period in the workflow diagram: "7 days", "36 hours", "10 working days"."""
    if isinstance(period, timedelta):
        if period.days and not period.seconds:
            return f"{period.days} days"
        return f"{period.total_seconds() / 3600:g} hours"
    if isinstance(period, str):
        return Days(period).describe()
    if isinstance(period, Days):
        return period.describe()
    return getattr(period, "__name__", "a computed period")


def check_period(period: object, where: str) -> None:
    """Raise ValueError when `period` is not something `due_at` understands (checked when a workflow is built)."""
    if period is None or isinstance(period, timedelta | str | Days) or callable(period):
        return
    raise ValueError(f"{where}: {period!r} is not a timedelta, a settings key, Days(...) or a function")
