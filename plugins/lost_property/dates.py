"""The legal clocks of found property, as pure functions of the dates and the force's periods."""

from __future__ import annotations

from datetime import date

from frontcounter.calendar import add_calendar_days
from frontcounter_lost_property.categories import finder_may_claim


def finder_claim_date(category: str, received_on: date | None, wants_item: bool, days: int = 28) -> date | None:
    """The first day a finder may claim an unclaimed item: `days` calendar days after it was handed in, for
    categories a finder may have (never phones and other data-bearing devices, ID documents, bank cards,
    suspected stolen items), when the finder said they want it; None otherwise."""
    if received_on is None or not wants_item or not finder_may_claim(category):
        return None
    return add_calendar_days(received_on, days)


def disposal_date(received_on: date | None, retention_days: int) -> date | None:
    """The first day an unclaimed item may be disposed of: the retention period after it was received."""
    if received_on is None:
        return None
    return add_calendar_days(received_on, retention_days)


def report_expiry(reported_on: date, days: int) -> date:
    """The last day a lost report stays open."""
    return add_calendar_days(reported_on, days)
