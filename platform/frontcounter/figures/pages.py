"""What the figures pages show: the figures for the filters, their charts and labels (no request handling here)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _

from frontcounter.figures import charts, queries
from frontcounter.figures.aggregation import last_rebuilt
from frontcounter.figures.filters import Filters
from frontcounter.figures.queries import AGE_BUCKETS, Figures
from frontcounter.plugins.manager import registry


def channel_labels() -> dict[str, str]:
    """How each channel is named on the pages."""
    return {"online": _("Online"), "staff": _("Entered by staff"), "api": _("From force systems (API)")}


def age_labels() -> dict[str, str]:
    """How each backlog age bucket is named."""
    return {"0-7": _("Up to 7 days"), "8-30": _("8 to 30 days"), "31-90": _("31 to 90 days"),
            "91+": _("Over 90 days")}


def service_choices(national: bool) -> list[tuple[str, str]]:
    """(key, name) of the services with cases: every installed one nationally, the force's switched-on ones."""
    if national:
        services = [s for s in registry().services.values() if s.workflow is not None]
    else:
        from frontcounter.tenancy.services import enabled_services

        services = [s for s in enabled_services() if s.workflow is not None]
    return sorted(((s.key, str(s.name)) for s in services), key=lambda pair: pair[1])


def service_name(key: str) -> str:
    """A service's name (its key when the plugin is no longer installed)."""
    service = registry().services.get(key)
    return str(service.name) if service is not None else key


def state_name(service_key: str, state: str) -> str:
    """A workflow state's label (its name when unknown)."""
    service = registry().services.get(service_key)
    if service is None or service.workflow is None:
        return state
    try:
        return str(service.workflow.state(state).public_label)
    except KeyError:
        return state


def pounds(pence: int) -> str:
    """£1,234.50."""
    return f"£{pence / 100:,.2f}"


def month_label(month: date) -> str:
    """The month's name and year, e.g. March 2026, in the page's language."""
    return format_date(month, "MMMM yyyy")


def _axis_label(month: date, first: bool) -> str:
    short = format_date(month, "MMM")
    return f"{short}\n{month.year}" if first or month.month == 1 else short


def _stay_text(hours: float) -> str:
    if hours < 24:
        return _("%(hours)s hours", hours=hours)
    return _("%(days)s days", days=round(hours / 24, 1))


def percent(value: int | None) -> str:
    """85%, or a dash when there is nothing to count."""
    return "–" if value is None else f"{value}%"


def page_figures(filters: Filters, *, national: bool) -> dict[str, Any]:
    """Every figure, chart and label the force or national page shows for the filters."""
    period, service = filters.period, filters.service
    monthly = queries.monthly(period, service, national=national)
    backlog = queries.backlog(service, national=national)
    stays = queries.state_times(period, service, national=national)
    months = period.months
    first_label, last_label = month_label(months[0]), month_label(months[-1])
    axis = [_axis_label(month, n == 0) for n, month in enumerate(months)]
    channels = channel_labels()
    by_month = [monthly.by_month[month] for month in months]
    what = _("Figures for %(first)s to %(last)s", first=first_label, last=last_label)
    applications_chart = charts.columns(
        "chart-applications", _("Applications by month and how they came in"),
        _("Stacked columns: online, entered by staff and from force systems, %(first)s to %(last)s. "
          "The table after the chart has the same figures.", first=first_label, last=last_label),
        axis, [charts.Series(channels[c], [f.applications[c] for f in by_month]) for c in queries.CHANNELS])
    income_chart = charts.columns(
        "chart-income", _("Income by month, less refunds"),
        _("Columns: income less refunds in pounds, %(first)s to %(last)s. The table after the chart has the "
          "same figures.", first=first_label, last=last_label),
        axis, [charts.Series(_("Income less refunds"), [f.net_pence / 100 for f in by_month])],
        fmt=lambda value: "£" + charts.short_number(value))
    services = sorted(monthly.by_service.items(), key=lambda item: service_name(item[0]))
    compliance_rows = [(service_name(key), f.compliance or 0, percent(f.compliance))
                       for key, f in services if f.deadline_checked]
    compliance_chart = charts.bars(
        "chart-compliance", _("Deadline compliance by service"),
        _("Bars: the percentage of closed cases that met their deadline, for each service. The table after the "
          "chart has the same figures."), compliance_rows, top=100)
    ages = age_labels()
    age_totals = {key: sum(row.ages[key] for row in backlog) for key, _f, _l in AGE_BUCKETS}
    backlog_chart = charts.bars(
        "chart-backlog", _("Open cases by how long ago they were opened"),
        _("Bars: the number of open cases in each age band. The table after the chart has the figures for each "
          "service."), [(ages[key], count, str(count)) for key, count in age_totals.items()])
    stay_rows = [{"service": service_name(s.service_key), "state": state_name(s.service_key, s.state),
                  "visits": s.visits, "days": s.average_days,
                  "hours": round(s.seconds / s.visits / 3600, 1) if s.visits else 0.0} for s in stays]
    stay_chart = charts.bars(
        "chart-states", _("Average time in each state, in days"),
        _("Bars: the average number of days cases spent in each workflow state, for stays that ended in the "
          "period. The table after the chart has the same figures."),
        [(row["state"] if service else f"{row['service']}: {row['state']}", row["days"], _stay_text(row["hours"]))
         for row in stay_rows])
    return {
        "national": national,
        "filters": filters,
        "what": what,
        "updated": last_rebuilt(),
        "total": monthly.total,
        "months": list(zip(months, by_month, strict=True)),
        "services": services,
        "backlog": backlog,
        "backlog_total": sum(age_totals.values()),
        "overdue_total": sum(row.overdue for row in backlog),
        "stays": stay_rows,
        "channels": channels,
        "ages": ages,
        "charts": {"applications": applications_chart, "income": income_chart, "compliance": compliance_chart,
                   "backlog": backlog_chart, "states": stay_chart},
        "forces": force_rows(filters) if national else [],
    }


def force_rows(filters: Filters) -> list[tuple[Any, Figures, int]]:
    """(force, its figures over the period, its open cases now) for every force, by name (national)."""
    from frontcounter.extensions import db
    from frontcounter.tenancy.models import Tenant

    figures = queries.by_force(filters.period, filters.service)
    open_cases = queries.open_by_force(filters.service)
    tenants = db.session.scalars(db.select(Tenant).order_by(Tenant.name)).all()
    return [(t, figures.get(t.id, Figures()), open_cases.get(t.id, 0)) for t in tenants]
