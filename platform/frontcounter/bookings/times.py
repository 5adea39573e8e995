"""Slot times: stored in UTC, entered and shown in UK time (Europe/London, with summer time)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask_babel import get_locale
from flask_babel import gettext as _

UK = ZoneInfo("Europe/London")
_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)


def now_utc() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Return `value` as an aware UTC datetime (SQLite hands back naive UTC values)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def uk_to_utc(day: date, at: time) -> datetime:
    """Return the UTC instant of a UK wall-clock time on `day` (the earlier one when clocks go back)."""
    return datetime.combine(day, at, tzinfo=UK).astimezone(UTC)


def in_uk(value: datetime) -> datetime:
    """Return `value` in UK time."""
    return as_utc(value).astimezone(UK)


def parse_time(text: str) -> time | None:
    """Parse a time of day as people type it: 10:00, 9.30, 14, 2pm, 2:30pm; None when it is not one."""
    match = _TIME.match(text or "")
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _locale() -> str:
    return str(get_locale() or "en")


def long_date(value: datetime) -> str:
    """Format the UK date of `value` like 'Tuesday 3 March 2026' in the page's language."""
    return format_date(in_uk(value).date(), "EEEE d MMMM yyyy", locale=_locale())


def clock(value: datetime) -> str:
    """Format the UK time of day of `value` like '10:00'."""
    return format_time(in_uk(value).time(), "HH:mm", locale=_locale())


def slot_when(starts_at: datetime, ends_at: datetime) -> str:
    """Format a slot's times like 'Tuesday 3 March 2026, 10:00 to 12:45'."""
    return _("%(day)s, %(start)s to %(end)s", day=long_date(starts_at), start=clock(starts_at), end=clock(ends_at))
