"""The figures pages' filters: a period of whole months (start and end month and year) and a service."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from frontcounter.figures.queries import Period, last_months
from frontcounter.figures.ukdays import month_start, uk_today

MAX_MONTHS = 36
FIELDS = ("from-month", "from-year", "to-month", "to-year", "service")


@dataclass
class Filters:
    """The period and service to show, what was typed (to show again) and any errors (field id -> message)."""

    period: Period
    service: str | None
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def query(self) -> dict[str, str]:
        """The filters as URL query values (for the CSV links)."""
        return {key: value for key, value in self.values.items() if value}


def _messages(prefix: str) -> tuple[str, str]:
    if prefix == "from":
        return (_("The start of the period must include a month and a year"),
                _("The start of the period must be a real month, like 4 2026"))
    return (_("The end of the period must include a month and a year"),
            _("The end of the period must be a real month, like 4 2026"))


def _month(values: Mapping[str, str], prefix: str) -> tuple[date | None, str | None]:
    month, year = values[f"{prefix}-month"], values[f"{prefix}-year"]
    incomplete, unreal = _messages(prefix)
    if not month and not year:
        return None, None
    if not month or not year:
        return None, incomplete
    if not (month.isdigit() and year.isdigit() and 1 <= int(month) <= 12 and 2000 <= int(year) <= 2100):
        return None, unreal
    return date(int(year), int(month), 1), None


def read_filters(args: Mapping[str, str], services: Sequence[str], today: date | None = None) -> Filters:
    """Check the query string; errors fall back to the last 12 months and all services."""
    values = {key: str(args.get(key, "") or "").strip()[:10] for key in FIELDS}
    errors: dict[str, str] = {}
    default = last_months(12, today)
    this_month = month_start(today or uk_today())
    first, problem = _month(values, "from")
    if problem:
        errors["from-month"] = problem
    last, problem = _month(values, "to")
    if problem:
        errors["to-month"] = problem
    if not errors:
        if first is None and last is not None:
            first = last_months(12, last).first  # the 12 months up to the end given
        last = last or (this_month if first is None or first <= this_month else first)
        first = first or default.first
        if first > this_month:
            errors["from-month"] = _("The start of the period must be this month or earlier")
        elif last < first:
            errors["to-month"] = _("The end of the period must be the same as or after the start")
        elif len(Period(first, last).months) > MAX_MONTHS:
            errors["to-month"] = _("The period can be up to %(count)d months long", count=MAX_MONTHS)
    service = values["service"] or None
    if service is not None and service not in services:
        errors["service"] = _("Select a service from the list")
        service = None
    if errors or first is None or last is None:
        return Filters(default, service if "service" not in errors else None, values, errors)
    return Filters(Period(first, last), service, values, errors)
