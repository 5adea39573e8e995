"""The figures as CSV files (the pages' download links): per month and service, backlog, time in state, forces."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import gettext as _

from frontcounter.figures import pages
from frontcounter.figures.queries import AGE_BUCKETS, Backlog, Figures, Monthly, StateTime


def _safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(value) for value in row])
    return out.getvalue()


def _money(pence: int) -> str:
    return f"{pence / 100:.2f}"


def _figure_cells(f: Figures) -> list[Any]:
    return [f.applications.get("online", 0), f.applications.get("staff", 0), f.applications.get("api", 0),
            f.total_applications, f.payments, _money(f.income_pence), f.refunds, _money(f.refunded_pence),
            _money(f.net_pence), f.closed, f.deadline_checked, f.deadline_met,
            "" if f.compliance is None else f.compliance]


def _figure_header() -> list[str]:
    return [_("Applications online"), _("Applications entered by staff"), _("Applications from force systems"),
            _("Applications"), _("Paid transactions"), _("Income (£)"), _("Refunds"), _("Refunded (£)"),
            _("Income less refunds (£)"), _("Cases closed"), _("Closed cases with a deadline"),
            _("Closed cases that met their deadline"), _("Deadline compliance (%)")]


def monthly_csv(monthly: Monthly) -> str:
    """One row per month and service with figures."""
    rows = [[month.strftime("%Y-%m"), pages.service_name(key), *_figure_cells(f)]
            for (month, key), f in sorted(monthly.by_month_service.items(),
                                          key=lambda item: (item[0][0], pages.service_name(item[0][1])))]
    return write([_("Month"), _("Service"), *_figure_header()], rows)


def backlog_csv(backlog: list[Backlog]) -> str:
    """One row per service: open cases by age, in total and overdue."""
    ages = pages.age_labels()
    header = [_("Service"), *(ages[key] for key, _f, _l in AGE_BUCKETS), _("Open cases"), _("Overdue")]
    rows = [[pages.service_name(b.service_key), *(b.ages[key] for key, _f, _l in AGE_BUCKETS), b.total, b.overdue]
            for b in backlog]
    return write(header, rows)


def states_csv(stays: list[StateTime]) -> str:
    """One row per service and state: stays that ended and their average length."""
    header = [_("Service"), _("State"), _("Stays ended"), _("Average days"), _("Average seconds")]
    rows = [[pages.service_name(s.service_key), pages.state_name(s.service_key, s.state), s.visits, s.average_days,
             round(s.seconds / s.visits) if s.visits else 0] for s in stays]
    return write(header, rows)


def forces_csv(forces: list[tuple[Any, Figures, int]]) -> str:
    """One row per force (national)."""
    rows = [[tenant.name, tenant.code, *_figure_cells(f), open_cases] for tenant, f, open_cases in forces]
    return write([_("Force"), _("Code"), *_figure_header(), _("Open cases")], rows)
