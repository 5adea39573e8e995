"""The staff queue and the overdue dashboard: grouped queries, no query per row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from frontcounter.calendar import add_calendar_months
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter_subject_access.models import SarRequest
from sqlalchemy import Select, and_, case, func, nulls_last


def queue_query(today: date, mine: int | None = None, state: str = "") -> Select:
    """Open requests, fewest days remaining first (no clock yet: last), to paginate."""
    query = (db.select(SarRequest).join(Case, Case.id == SarRequest.case_id)
             .where(SarRequest.open.is_(True)))
    if mine is not None:
        query = query.where(Case.assignee_id == mine)
    if state:
        query = query.where(Case.state == state)
    deadline = func.coalesce(SarRequest.extended_due_on, SarRequest.due_on)
    return query.order_by(nulls_last(deadline.asc()), SarRequest.received_on, SarRequest.id)


def with_cases(rows: list[SarRequest]) -> list[tuple[SarRequest, Case]]:
    """Each request with its case, loaded in one query."""
    ids = [row.case_id for row in rows]
    cases = {c.id: c for c in db.session.scalars(db.select(Case).where(Case.id.in_(ids)))} if ids else {}
    return [(row, cases[row.case_id]) for row in rows]


@dataclass(frozen=True)
class Counts:
    """The dashboard's figures for the force."""

    open: int
    due_this_week: int
    overdue: int
    over_three_months: int
    awaiting_identity: int


def counts(today: date) -> Counts:
    """Open, due in the next 7 days, overdue, received over three calendar months ago, clock not started."""
    deadline = func.coalesce(SarRequest.extended_due_on, SarRequest.due_on)
    three_months_ago = add_calendar_months(today, -3)
    row = db.session.execute(
        db.select(
            func.count(SarRequest.id),
            func.sum(case((and_(deadline >= today, deadline <= today + timedelta(days=7)), 1), else_=0)),
            func.sum(case((deadline < today, 1), else_=0)),
            func.sum(case((SarRequest.received_on < three_months_ago, 1), else_=0)),
            func.sum(case((SarRequest.due_on.is_(None), 1), else_=0)),
        ).where(SarRequest.open.is_(True))
    ).one()
    return Counts(*(int(v or 0) for v in row))


@dataclass(frozen=True)
class Month:
    """Responses in one month: how many, how many on time, and the percentage."""

    year: int
    month: int
    answered: int
    in_time: int

    @property
    def percent(self) -> int | None:
        """Whole percentage answered in time, or None when nothing was answered."""
        return round(100 * self.in_time / self.answered) if self.answered else None

    @property
    def first_day(self) -> date:
        """The month's first day (for labels)."""
        return date(self.year, self.month, 1)


def compliance(today: date, months: int = 12) -> list[Month]:
    """For each of the last `months` months (oldest first), requests answered and answered by their deadline."""
    start = add_calendar_months(today.replace(day=1), -(months - 1))
    deadline = func.coalesce(SarRequest.extended_due_on, SarRequest.due_on)
    year, month = func.extract("year", SarRequest.responded_on), func.extract("month", SarRequest.responded_on)
    rows = db.session.execute(
        db.select(year, month, func.count(SarRequest.id),
                  func.sum(case((SarRequest.responded_on <= deadline, 1), else_=0)))
        .where(SarRequest.responded_on >= start).group_by(year, month)
    ).all()
    found = {(int(y), int(m)): (int(n), int(ok or 0)) for y, m, n, ok in rows}
    out = []
    for n in range(months):
        first = add_calendar_months(start, n)
        answered, in_time = found.get((first.year, first.month), (0, 0))
        out.append(Month(first.year, first.month, answered, in_time))
    return out


def chart(months: list[Month], width: int = 640, height: int = 220) -> dict:
    """Bar positions for the compliance chart (percent in time per month), drawn as SVG by the template."""
    left, bottom, top = 40, 30, 10
    plot_h = height - bottom - top
    step = (width - left) / max(len(months), 1)
    bars = []
    for n, m in enumerate(months):
        pct = m.percent or 0
        bar_h = plot_h * pct / 100
        bars.append({"x": left + n * step + step * 0.15, "w": step * 0.7, "y": top + plot_h - bar_h, "h": bar_h,
                     "month": m, "label_x": left + n * step + step / 2})
    grid = [{"y": top + plot_h - plot_h * p / 100, "label": p} for p in (0, 25, 50, 75, 100)]
    return {"width": width, "height": height, "bars": bars, "grid": grid, "baseline": top + plot_h, "left": left}
