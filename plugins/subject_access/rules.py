"""The statutory clock of a subject access request: when it starts, when it ends, and extensions.

- The clock starts on the later of the day the request arrived and the day acceptable identity
  evidence arrived (the UK date).
- The deadline is one calendar month after the start the ICO way (the same date next month, or
  that month's last day), moved to the next working day of the force's calendar.
- Under UK GDPR a complex request may be extended by up to two further months, counted from the
  start; the requester must be told within the first month, so an extension can only be recorded
  on or before the original deadline. DPA 2018 Part 3 (law-enforcement data) allows no extension.
- There is no "stop the clock": a clarification is recorded but moves no date.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from frontcounter.calendar import WorkingCalendar
from frontcounter.refusals import Refused

UK_GDPR = "uk_gdpr"
PART3 = "part3"
REGIMES = {UK_GDPR: _l("UK GDPR"), PART3: _l("DPA 2018 Part 3 (law enforcement)")}
MAX_EXTENSION_MONTHS = 2


class ExtensionRefused(Refused):
    """An extension the law does not allow (part3, too_late, bad_months, already_extended)."""


def clock_start(received_on: date, identity_received_on: date) -> date:
    """The day the clock starts: request and acceptable identity evidence both received."""
    return max(received_on, identity_received_on)


def statutory_deadline(start: date, calendar: WorkingCalendar) -> date:
    """One calendar month after `start` (ICO), moved to the next working day."""
    return calendar.month_then_working_day(start, 1)


def extended_deadline(start: date, months: int, calendar: WorkingCalendar) -> date:
    """The deadline after an extension of `months` further months (1 or 2), counted from the start."""
    return calendar.month_then_working_day(start, 1 + months)


def check_extension(regime: str, months: int, today: date, deadline: date, already_extended: bool) -> None:
    """Raise ExtensionRefused unless a UK GDPR request may be extended by `months` on `today`."""
    if regime != UK_GDPR:
        raise ExtensionRefused(_l("A DPA 2018 Part 3 request cannot be extended."), "part3")
    if months not in range(1, MAX_EXTENSION_MONTHS + 1):
        raise ExtensionRefused(_l("Choose an extension of 1 or 2 months."), "bad_months")
    if already_extended:
        raise ExtensionRefused(_l("This request has already been extended."), "already_extended")
    if today > deadline:
        raise ExtensionRefused(
            _l("An extension must be recorded and the requester told within the first month."), "too_late"
        )


def days_remaining(deadline: date | None, today: date) -> int | None:
    """Calendar days from `today` to the deadline (negative when overdue), or None before the clock starts."""
    return None if deadline is None else (deadline - today).days
