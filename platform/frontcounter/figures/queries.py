"""Read the figures: grouped queries over the daily tables (and the open-cases index for the backlog).

Each function is a fixed number of grouped statements whatever the number of cases. A force's figures
are read in its scope; `national=True` reads every force's (platform admins only).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, literal_column, select

from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.figures import models as m
from frontcounter.figures.ukdays import month_start, uk_today
from frontcounter.tenancy.context import platform_wide

CHANNELS = ("online", "staff", "api")
# Backlog age buckets: (key, first day, last day or None), by days since the case was opened.
AGE_BUCKETS = (("0-7", 0, 7), ("8-30", 8, 30), ("31-90", 31, 90), ("91+", 91, None))


@dataclass(frozen=True)
class Period:
    """Whole UK months from `first` to `last` (both the first day of their month)."""

    first: date
    last: date

    @property
    def months(self) -> list[date]:
        """Every month of the period, oldest first."""
        months, month = [], self.first
        while month <= self.last:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months


def last_months(count: int = 12, today: date | None = None) -> Period:
    """The `count` months up to and including this one."""
    last = month_start(today or uk_today())
    first = last
    for _n in range(count - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return Period(first, last)


@dataclass
class Figures:
    """The figures of one month (or one service, or one force) added up."""

    applications: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    payments: int = 0
    income_pence: int = 0
    refunds: int = 0
    refunded_pence: int = 0
    closed: int = 0
    deadline_checked: int = 0
    deadline_met: int = 0

    def add(self, channel: str, metric: str, value: int) -> None:
        """Add one grouped row's value."""
        if metric == m.APPLICATIONS:
            self.applications[channel] = self.applications.get(channel, 0) + value
        elif metric in (m.PAYMENTS, m.INCOME, m.REFUNDS, m.REFUNDED, m.CLOSED, m.DEADLINE_CHECKED, m.DEADLINE_MET):
            attr = {m.INCOME: "income_pence", m.REFUNDED: "refunded_pence"}.get(metric, metric)
            setattr(self, attr, getattr(self, attr) + value)

    @property
    def total_applications(self) -> int:
        """Applications by every channel."""
        return sum(self.applications.values())

    @property
    def net_pence(self) -> int:
        """Income less refunds."""
        return self.income_pence - self.refunded_pence

    @property
    def staff_share(self) -> int | None:
        """Percentage of applications staff entered (None without applications)."""
        total = self.total_applications
        return round(100 * self.applications.get("staff", 0) / total) if total else None

    @property
    def compliance(self) -> int | None:
        """Percentage of closed cases with a deadline that met it (None when none had one)."""
        return round(100 * self.deadline_met / self.deadline_checked) if self.deadline_checked else None


@dataclass
class Monthly:
    """Figures per month (all services or the chosen one), per service and in total, for a period."""

    period: Period
    by_month: dict[date, Figures]
    by_service: dict[str, Figures]
    total: Figures
    by_month_service: dict[tuple[date, str], Figures] = field(default_factory=dict)


@contextmanager
def _reading(national: bool) -> Iterator[None]:
    with platform_wide("national management figures for a platform admin") if national else nullcontext():
        yield


def monthly(period: Period, service: str | None = None, *, national: bool = False) -> Monthly:
    """Applications by channel, payments, income, refunds, closed cases and deadlines per month and per service."""
    f = m.DailyFigure
    query = (select(f.month, f.service_key, f.channel, f.metric, func.sum(f.value))
             .where(f.month >= period.first, f.month <= period.last)
             .group_by(f.month, f.service_key, f.channel, f.metric))
    if service:
        query = query.where(f.service_key == service)
    with _reading(national):
        rows = db.session.execute(query).all()
    result = Monthly(period, {month: Figures() for month in period.months}, {}, Figures())
    for month, key, channel, metric, value in rows:
        month = month if isinstance(month, date) else date.fromisoformat(str(month))
        result.by_month.setdefault(month, Figures()).add(channel, metric, int(value or 0))
        result.by_service.setdefault(key, Figures()).add(channel, metric, int(value or 0))
        result.by_month_service.setdefault((month, key), Figures()).add(channel, metric, int(value or 0))
        result.total.add(channel, metric, int(value or 0))
    return result


def by_force(period: Period, service: str | None = None) -> dict[int, Figures]:
    """Every force's figures over the period, keyed by force id (national)."""
    f = m.DailyFigure
    query = (select(f.tenant_id, f.channel, f.metric, func.sum(f.value))
             .where(f.month >= period.first, f.month <= period.last)
             .group_by(f.tenant_id, f.channel, f.metric))
    if service:
        query = query.where(f.service_key == service)
    with _reading(True):
        rows = db.session.execute(query).all()
    forces: dict[int, Figures] = {}
    for tenant_id, channel, metric, value in rows:
        forces.setdefault(tenant_id, Figures()).add(channel, metric, int(value or 0))
    return forces


@dataclass(frozen=True)
class StateTime:
    """How many stays in a state ended in the period and their average length."""

    service_key: str
    state: str
    visits: int
    seconds: int

    @property
    def average_days(self) -> float:
        """The average stay in days, to one decimal place."""
        return round(self.seconds / self.visits / 86400, 1) if self.visits else 0.0


def state_times(period: Period, service: str | None = None, *, national: bool = False) -> list[StateTime]:
    """The average time cases spent in each workflow state, for stays that ended in the period."""
    s = m.DailyStateTime
    query = (select(s.service_key, s.state, func.sum(s.visits), func.sum(s.seconds))
             .where(s.month >= period.first, s.month <= period.last)
             .group_by(s.service_key, s.state).order_by(s.service_key, s.state))
    if service:
        query = query.where(s.service_key == service)
    with _reading(national):
        rows = db.session.execute(query).all()
    return [StateTime(key, state, int(visits or 0), int(seconds or 0)) for key, state, visits, seconds in rows]


@dataclass
class Backlog:
    """Open cases of one service by age, and how many are past their deadline."""

    service_key: str
    ages: dict[str, int] = field(default_factory=lambda: {key: 0 for key, _a, _b in AGE_BUCKETS})
    overdue: int = 0

    @property
    def total(self) -> int:
        """Every open case of the service."""
        return sum(self.ages.values())


def _age_bucket(now: datetime) -> Any:
    whens = [(Case.created_at > now - timedelta(days=last + 1), n)
             for n, (_key, _first, last) in enumerate(AGE_BUCKETS) if last is not None]
    return case(*whens, else_=len(AGE_BUCKETS) - 1)


def backlog(service: str | None = None, *, national: bool = False, now: datetime | None = None) -> list[Backlog]:
    """Open cases now, per service, by age since they were opened (read live from the open-cases index)."""
    now = now or datetime.now(UTC)
    overdue = func.sum(case((Case.deadline_at < now, 1), else_=0))
    query = (select(Case.service_key, _age_bucket(now), func.count(), overdue)
             .where(Case.closed_at.is_(None))
             .group_by(literal_column("1"), literal_column("2")))
    if service:
        query = query.where(Case.service_key == service)
    with _reading(national):
        rows = db.session.execute(query).all()
    found: dict[str, Backlog] = {}
    for key, bucket, count, late in rows:
        row = found.setdefault(key, Backlog(key))
        row.ages[AGE_BUCKETS[int(bucket)][0]] += int(count)
        row.overdue += int(late or 0)
    return [found[key] for key in sorted(found)]


def open_by_force(service: str | None = None) -> dict[int, int]:
    """Open cases per force now (national)."""
    query = select(Case.tenant_id, func.count()).where(Case.closed_at.is_(None)).group_by(Case.tenant_id)
    if service:
        query = query.where(Case.service_key == service)
    with _reading(True):
        rows = db.session.execute(query).all()
    return {tenant_id: int(count) for tenant_id, count in rows}
