"""How statement lines and amounts are shown: line names in the page's language and signed money."""

from __future__ import annotations

from datetime import UTC, date, datetime

from babel.dates import format_date
from flask_babel import get_locale
from flask_babel import gettext as _

from frontcounter.billing.models import StatementLine
from frontcounter.calendar import uk_date
from frontcounter.plugins.manager import registry


def money(pence: int) -> str:
    """Format signed pence as pounds: -198 -> '-£1.98'."""
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) / 100:,.2f}"


def percent(basis_points: int) -> str:
    """Format a VAT rate: 2000 -> '20%', 1750 -> '17.5%'."""
    return f"{basis_points / 100:g}%"


def service_name(service_key: str) -> str:
    """The service's name in the page's language (its key if no longer installed)."""
    service = registry().services.get(service_key)
    return str(service.name) if service is not None else service_key


def line_label(line: StatementLine) -> str:
    """What a statement line is for, in the page's language."""
    if line.kind == "transaction":
        return _("%(service)s: transactions", service=service_name(line.service_key))
    if line.kind == "refund":
        return _("%(service)s: refunded in full, charge reversed", service=service_name(line.service_key))
    if line.kind == "joining_fee":
        return _("Joining fee")
    return _("Credit: %(reason)s", reason=line.description.removeprefix("Credit: "))


def uk_day(moment: datetime | date | None) -> str:
    """A moment's UK date (or a date) as "6 December 2026" in the page's language; "" for None."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = uk_date(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    return format_date(moment, "d MMMM yyyy", locale=str(get_locale() or "en"))


def billable_label(kind: str | None) -> str:
    """What counts as one transaction, in the page's language."""
    labels = {
        "paid_application": _("A paid application (a payment that succeeded)"),
        "booking": _("A booking made"),
        "request": _("A request made (a case opened)"),
    }
    return labels.get(kind or "", _("Nothing is charged"))
