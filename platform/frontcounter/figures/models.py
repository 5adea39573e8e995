"""Pre-aggregated figures: one row per force, UK day, service, channel and metric; time in state per day."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontcounter.extensions import db
from frontcounter.tenancy.models import TenantOwned

# The metrics kept in daily_figure (the day is the UK day the thing happened).
APPLICATIONS = "applications"  # cases opened
PAYMENTS = "payments"  # successful payments (paid transactions), on the day they were started
INCOME = "income_pence"  # what those payments took, in pence
REFUNDS = "refunds"  # refunds made (succeeded or still with the provider)
REFUNDED = "refunded_pence"  # what those refunds gave back, in pence
CLOSED = "closed"  # cases that reached a terminal state
DEADLINE_CHECKED = "deadline_checked"  # closed cases that had a deadline
DEADLINE_MET = "deadline_met"  # closed cases that met every deadline they had
METRICS = (APPLICATIONS, PAYMENTS, INCOME, REFUNDS, REFUNDED, CLOSED, DEADLINE_CHECKED, DEADLINE_MET)


class DailyFigure(TenantOwned, db.Model):
    """How many (or how much) of one metric a force had on one UK day for one service and channel."""

    __tablename__ = "daily_figure"
    __table_args__ = (
        UniqueConstraint("tenant_id", "day", "service_key", "channel", "metric"),
        Index("ix_daily_figure_month", "month", "tenant_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    month: Mapped[date] = mapped_column(Date)  # the first day of the day's month, for grouping by month
    service_key: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    metric: Mapped[str] = mapped_column(String(32))
    value: Mapped[int] = mapped_column(BigInteger)


class DailyStateTime(TenantOwned, db.Model):
    """Cases of a service that left a workflow state on one UK day, and the seconds they had spent in it."""

    __tablename__ = "daily_state_time"
    __table_args__ = (
        UniqueConstraint("tenant_id", "day", "service_key", "state"),
        Index("ix_daily_state_time_month", "month", "tenant_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    month: Mapped[date] = mapped_column(Date)
    service_key: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(64))
    visits: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[int] = mapped_column(BigInteger)


class FigureRebuild(db.Model):
    """National: the last UK day the sweeper's figures are complete up to, and when they were last rebuilt."""

    __tablename__ = "figure_rebuild"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    through_day: Mapped[date] = mapped_column(Date)
    rebuilt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
