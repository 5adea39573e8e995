"""UK days (Europe/London) in SQL: the day and month of a stored UTC time, on PostgreSQL and SQLite alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, and_, case, cast, func
from sqlalchemy.sql.elements import ColumnElement

LONDON = ZoneInfo("Europe/London")


def uk_today(now: datetime | None = None) -> date:
    """Today's date in the UK."""
    return (now or datetime.now(UTC)).astimezone(LONDON).date()


def day_start(day: date) -> datetime:
    """The UTC moment the UK day `day` begins."""
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def window(first: date, last: date) -> tuple[datetime, datetime]:
    """The UTC moments from the start of UK day `first` to the start of the day after `last`."""
    return day_start(first), day_start(last + timedelta(days=1))


def month_start(day: date) -> date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def _last_sunday(year: int, month: int) -> date:
    end = (date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(days=1)
    return end - timedelta(days=(end.weekday() + 1) % 7)


def summer_time(years: range) -> list[tuple[datetime, datetime]]:
    """British Summer Time in UTC for `years`: from 01:00 UTC on the last Sunday of March to that of October."""
    return [
        (datetime.combine(_last_sunday(y, 3), time(1), tzinfo=UTC),
         datetime.combine(_last_sunday(y, 10), time(1), tzinfo=UTC))
        for y in years
    ]


def _sqlite_shift(column: ColumnElement, years: range) -> ColumnElement:
    whens = [(and_(column >= start, column < end), "+1 hours") for start, end in summer_time(years)]
    return case(*whens, else_="+0 hours") if whens else case((column.is_(None), "+0 hours"), else_="+0 hours")


def uk_day(column: ColumnElement, dialect: str, years: range) -> ColumnElement:
    """SQL for the UK date of a UTC timestamp column (`years` bounds the SQLite summer-time table)."""
    if dialect == "postgresql":
        return cast(func.timezone("Europe/London", column), Date)
    return func.date(column, _sqlite_shift(column, years))


def uk_month(column: ColumnElement, dialect: str, years: range) -> ColumnElement:
    """SQL for the first day of the UK month of a UTC timestamp column."""
    if dialect == "postgresql":
        return cast(func.date_trunc("month", func.timezone("Europe/London", column)), Date)
    return func.date(column, _sqlite_shift(column, years), "start of month")
