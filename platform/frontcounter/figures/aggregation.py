"""Fill daily_figure and daily_state_time from cases, payments, refunds and case history.

Each force is rebuilt for a range of UK days with a fixed number of grouped INSERT ... SELECT statements
(delete the range, then one statement per metric), so the work is done in the database and the number of
statements does not grow with the data. The sweeper's `figures` task rebuilds the last days every hour;
`frontcounter figures rebuild` rebuilds any range.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    String,
    and_,
    case,
    cast,
    delete,
    extract,
    func,
    insert,
    literal,
    literal_column,
    select,
    true,
)
from sqlalchemy.sql import Select

from frontcounter.cases.models import Case, CaseEvent
from frontcounter.extensions import db
from frontcounter.figures import models as m
from frontcounter.figures.ukdays import uk_day, uk_month, uk_today, window
from frontcounter.payments.models import Payment, PaymentState, Refund, RefundState
from frontcounter.tenancy.context import platform_wide
from frontcounter.tenancy.models import Tenant

# The sweeper rebuilds this many days before today as well, to catch late changes (a payment that
# succeeded after midnight, a refund the provider confirmed the next day).
RECENT_DAYS = 7
FIGURE_COLUMNS = ("tenant_id", "day", "month", "service_key", "channel", "metric", "value")
STATE_COLUMNS = ("tenant_id", "day", "month", "service_key", "state", "visits", "seconds")


class _Days:
    """The UK day and month of timestamps on this database, for a range of years."""

    def __init__(self, dialect: str, first: date, last: date) -> None:
        self.dialect = dialect
        self.years = range(first.year - 1, last.year + 2)

    def day(self, column: Any) -> Any:
        return uk_day(column, self.dialect, self.years)

    def month(self, column: Any) -> Any:
        return uk_month(column, self.dialect, self.years)


def _metric(name: str) -> Any:
    return literal(name, String)


def by_position(count: int) -> list[Any]:
    """GROUP BY 1, 2, ... count: the same expressions as the select list, bound parameters and all (PostgreSQL
    would see `timezone($1, ...)` and `timezone($5, ...)` as different expressions)."""
    return [literal_column(str(n)) for n in range(1, count + 1)]


def _case_figures(tid: int, start: datetime, end: datetime, days: _Days) -> Iterable[Select]:
    c = Case.__table__.c
    opened_day, opened_month = days.day(c.created_at), days.month(c.created_at)
    yield (select(c.tenant_id, opened_day, opened_month, c.service_key, c.channel, _metric(m.APPLICATIONS),
                  func.count())
           .where(c.tenant_id == tid, c.created_at >= start, c.created_at < end)
           .group_by(*by_position(5)))
    closed_day, closed_month = days.day(c.closed_at), days.month(c.closed_at)
    keys = (c.tenant_id, closed_day, closed_month, c.service_key, c.channel)
    in_window = and_(c.tenant_id == tid, c.closed_at >= start, c.closed_at < end)
    met = func.sum(case((c.deadline_met == true(), 1), else_=0))
    yield select(*keys, _metric(m.CLOSED), func.count()).where(in_window).group_by(*by_position(len(keys)))
    yield (select(*keys, _metric(m.DEADLINE_CHECKED), func.count(c.deadline_met)).where(in_window)
           .group_by(*by_position(len(keys))).having(func.count(c.deadline_met) > 0))
    yield select(*keys, _metric(m.DEADLINE_MET), met).where(in_window).group_by(*by_position(len(keys))).having(met > 0)


def _money_figures(tid: int, start: datetime, end: datetime, days: _Days) -> Iterable[Select]:
    c, p, r = Case.__table__.c, Payment.__table__, Refund.__table__
    paid_day, paid_month = days.day(p.c.created_at), days.month(p.c.created_at)
    keys = (p.c.tenant_id, paid_day, paid_month, c.service_key, c.channel)
    paid = and_(p.c.tenant_id == tid, p.c.state == PaymentState.SUCCESS.value, p.c.created_at >= start,
                p.c.created_at < end)
    joined = p.join(Case.__table__, c.id == p.c.case_id)
    for name, value in ((m.PAYMENTS, func.count()), (m.INCOME, func.sum(p.c.amount_pence))):
        yield select(*keys, _metric(name), value).select_from(joined).where(paid).group_by(*by_position(len(keys)))
    refund_day, refund_month = days.day(r.c.created_at), days.month(r.c.created_at)
    keys = (r.c.tenant_id, refund_day, refund_month, c.service_key, c.channel)
    made = and_(r.c.tenant_id == tid, r.c.state.in_([RefundState.SUCCESS.value, RefundState.SUBMITTED.value]),
                r.c.created_at >= start, r.c.created_at < end)
    joined = r.join(p, p.c.id == r.c.payment_id).join(Case.__table__, c.id == p.c.case_id)
    for name, value in ((m.REFUNDS, func.count()), (m.REFUNDED, func.sum(r.c.amount_pence))):
        yield select(*keys, _metric(name), value).select_from(joined).where(made).group_by(*by_position(len(keys)))


def _state_times(tid: int, start: datetime, end: datetime, days: _Days) -> Select:
    """Each history entry in the window ends a stay in its from_state that began at the case's previous entry."""
    e, c = CaseEvent.__table__.c, Case.__table__.c
    touched = select(e.case_id).where(e.tenant_id == tid, e.at >= start, e.at < end)
    stays = (select(e.case_id, e.at, e.from_state,
                    func.lag(e.at).over(partition_by=e.case_id, order_by=e.id).label("began"))
             .where(e.tenant_id == tid, e.case_id.in_(touched))
             .subquery("stays"))
    if days.dialect == "postgresql":
        seconds = extract("epoch", stays.c.at - stays.c.began)
    else:
        seconds = (func.julianday(stays.c.at) - func.julianday(stays.c.began)) * 86400
    left_day, left_month = days.day(stays.c.at), days.month(stays.c.at)
    keys = (left_day, left_month, c.service_key, stays.c.from_state)
    return (select(literal(tid), *keys, func.count(), cast(func.round(func.sum(seconds)), BigInteger))
            .select_from(stays.join(Case.__table__, c.id == stays.c.case_id))
            .where(stays.c.at >= start, stays.c.at < end, stays.c.began.is_not(None), stays.c.from_state.is_not(None))
            .group_by(*by_position(1 + len(keys))))


def rebuild(first: date, last: date, tenant_ids: Iterable[int] | None = None) -> int:
    """Recompute the figures of UK days `first`..`last` for every force (or those given); return rows written."""
    if last < first:
        raise ValueError("The last day is before the first")
    days = _Days(db.engine.dialect.name, first, last)
    start, end = window(first, last)
    figures, states = m.DailyFigure.__table__, m.DailyStateTime.__table__
    with platform_wide("rebuild the daily management figures of every force"):
        ids = list(tenant_ids) if tenant_ids is not None else list(db.session.scalars(select(Tenant.id)))
        for tid in ids:
            for table in (figures, states):
                db.session.execute(delete(table).where(table.c.tenant_id == tid, table.c.day >= first,
                                                       table.c.day <= last))
            for query in (*_case_figures(tid, start, end, days), *_money_figures(tid, start, end, days)):
                db.session.execute(insert(figures).from_select(FIGURE_COLUMNS, query))
            db.session.execute(insert(states).from_select(STATE_COLUMNS, _state_times(tid, start, end, days)))
        return sum(db.session.scalar(select(func.count()).select_from(table)
                                     .where(table.c.day >= first, table.c.day <= last)) or 0
                   for table in (figures, states))


def first_day() -> date:
    """The UK day of the oldest case on the platform (today when there is none)."""
    with platform_wide("find the oldest case to rebuild figures from"):
        oldest = db.session.scalar(select(func.min(Case.created_at)))
    if oldest is None:
        return uk_today()
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return uk_today(oldest)


def mark_rebuilt(through: date) -> None:
    """Remember the last day the figures are complete up to (not committed)."""
    row = db.session.get(m.FigureRebuild, 1)
    if row is None:
        row = m.FigureRebuild(id=1, through_day=through, rebuilt_at=datetime.now(UTC))
        db.session.add(row)
    row.through_day, row.rebuilt_at = through, datetime.now(UTC)


def last_rebuilt() -> datetime | None:
    """When the figures were last rebuilt (None: never)."""
    row = db.session.get(m.FigureRebuild, 1)
    if row is None:
        return None
    return row.rebuilt_at if row.rebuilt_at.tzinfo else row.rebuilt_at.replace(tzinfo=UTC)


def refresh() -> str:
    """The sweeper's task: rebuild from a week before today (or the last day rebuilt, if older) to today."""
    today = uk_today()
    row = db.session.get(m.FigureRebuild, 1)
    first = min(today - timedelta(days=RECENT_DAYS), row.through_day) if row is not None else first_day()
    written = rebuild(first, today)
    mark_rebuilt(today)
    return f"{written} figure rows for {first.isoformat()} to {today.isoformat()}"
