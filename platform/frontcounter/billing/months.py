"""Statement months: "YYYY-MM" in Europe/London, their UTC bounds, and their names in the page's language."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from babel.dates import format_date
from flask_babel import get_locale

from frontcounter.calendar import UK, uk_today

MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(text: str | None) -> date | None:
    """The first day of the month "YYYY-MM" (years 2000 to 2999), or None if `text` is not one."""
    match = MONTH_PATTERN.match(text or "")
    if match is None or not 2000 <= int(match.group(1)) <= 2999:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


def month_key(first: date) -> str:
    """"YYYY-MM" for the month of `first`."""
    return f"{first.year:04d}-{first.month:02d}"


def next_month(first: date) -> date:
    """The first day of the month after `first`'s."""
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous_month(day: date | None = None) -> date:
    """The first day of the month before `day`'s (today's in the UK by default)."""
    day = day or uk_today()
    return date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)


def month_bounds(first: date) -> tuple[datetime, datetime]:
    """The month's start and end (exclusive) as UTC moments: midnights in Europe/London."""
    start = datetime.combine(first, time(0), tzinfo=UK).astimezone(UTC)
    end = datetime.combine(next_month(first), time(0), tzinfo=UK).astimezone(UTC)
    return start, end


def has_ended(first: date) -> bool:
    """True once the month is over in the UK."""
    return uk_today() >= next_month(first)


def month_name(first: date) -> str:
    """"November 2026" (or "Tachwedd 2026") in the page's language."""
    return format_date(first, "LLLL yyyy", locale=str(get_locale() or "en"))
