"""Calendar helpers for the firearms rules: whole years that respect 29 February, and dates as people read them."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from flask_babel import get_locale


def add_years(day: date, years: int) -> date:
    """Return the same day `years` later (or earlier, when negative); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year that has none
        return day.replace(year=day.year + years, day=28)


def long_date(day: date) -> str:
    """Format `day` like '3 March 2023' in the current page's language (English outside a request)."""
    return format_date(day, "d MMMM y", locale=str(get_locale() or "en"))
