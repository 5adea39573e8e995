"""The UK calendar: the date in Europe/London, working days per nation, and the statutory periods.

Every date that starts or stops a legal clock (a date received, a decision, a deadline) comes from
here, never from the server's local date or a UTC date. Bank holidays come from the govuk-bank-holidays
package's bundled data (no network at run time); a force adds its own closure days in tenants/.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")

ENGLAND_AND_WALES = "england-and-wales"
SCOTLAND = "scotland"
NORTHERN_IRELAND = "northern-ireland"
NATIONS = (ENGLAND_AND_WALES, SCOTLAND, NORTHERN_IRELAND)


def uk_now() -> datetime:
    """The current moment in Europe/London (aware)."""
    return datetime.now(UTC).astimezone(UK)


def uk_today() -> date:
    """The date it is now in the UK: the day something happening now happened, in law."""
    return uk_now().date()


def uk_date(moment: datetime) -> date:
    """The UK date of an aware moment (a naive one is taken as UTC, as the database stores it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UK).date()


def uk_time(moment: datetime) -> str:
    """A stored moment (naive is UTC) as UK local time, "27/03/2025 14:05:09", for logs staff read."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UK).strftime("%d/%m/%Y %H:%M:%S")


def uk_end_of_day(day: date) -> datetime:
    """The last moment of `day` in the UK (23:59:59.999999 London time), aware, for deadlines."""
    return datetime.combine(day, datetime.max.time(), tzinfo=UK)


@cache
def bank_holidays(nation: str = ENGLAND_AND_WALES) -> frozenset[date]:
    """The bank holidays of `nation` from the package's bundled data (no network)."""
    from govuk_bank_holidays.bank_holidays import BankHolidays

    if nation not in NATIONS:
        raise ValueError(f"unknown nation {nation!r}; expected one of {', '.join(NATIONS)}")
    data = BankHolidays(use_cached_holidays=True)
    return frozenset(item["date"] for item in data.get_holidays(division=nation))


def holidays_known_until(nation: str = ENGLAND_AND_WALES) -> date:
    """The last bank holiday in the bundled data: working days after the end of its year are guesses."""
    return max(bank_holidays(nation))


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days for one nation, less a force's own closure days."""

    nation: str = ENGLAND_AND_WALES
    closures: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday, not a bank holiday of the nation, not a closure day of the force."""
        return day.weekday() < 5 and day not in bank_holidays(self.nation) and day not in self.closures

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days strictly between `start` and `end`, excluding both ends (0 when end <= start + 1).

        The statutory "clear working days" count: neither the day something is received nor the day
        of the event it concerns counts.
        """
        count = 0
        day = start + timedelta(days=1)
        while day < end:
            count += self.is_working_day(day)
            day += timedelta(days=1)
        return count

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start`, not counting `start` itself.

        "Within 3 working days of receipt" from a Monday receipt is the Thursday: Tuesday,
        Wednesday and Thursday are the three days.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        while days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                days -= 1
        return day

    def month_then_working_day(self, start: date, months: int = 1) -> date:
        """`months` calendar months after `start` the ICO way, moved to the next working day if needed."""
        return self.next_working_day(add_calendar_months(start, months))


def add_calendar_months(start: date, months: int = 1) -> date:
    """The corresponding date `months` calendar months later, else the last day of that month (ICO).

    Received 3 January: due 3 February. Received 31 August: due 30 September. Received
    31 January: due 28 February (29 February in a leap year).
    """
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last = _stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))


def add_calendar_days(start: date, days: int) -> date:
    """The date `days` calendar days after `start` (weekends and holidays count)."""
    return start + timedelta(days=days)


def calendar_for(nation: str | None = None, closures: Iterable[date | str] = ()) -> WorkingCalendar:
    """A WorkingCalendar for a nation and a list of closure days (dates or ISO strings)."""
    days = frozenset(d if isinstance(d, date) else date.fromisoformat(str(d)) for d in closures)
    return WorkingCalendar(nation or ENGLAND_AND_WALES, days)


def force_calendar(tenant: object | None = None) -> WorkingCalendar:
    """The working calendar of `tenant` (a TenantRef or Tenant), or of the force in scope."""
    if tenant is None:
        from frontcounter.tenancy.context import current_tenant

        tenant = current_tenant()
    return calendar_for(getattr(tenant, "nation", None), getattr(tenant, "closure_days", ()) or ())
