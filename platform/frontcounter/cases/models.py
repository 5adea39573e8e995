"""Case, its append-only history, its timers, and per-force reference counters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from frontcounter.appendonly import AppendOnly, AppendOnlyError
from frontcounter.extensions import db
from frontcounter.tenancy.models import TenantOwned


class Case(TenantOwned, db.Model):
    """One application or request to a force's service, moving through the service's workflow."""

    __tablename__ = "case"
    __table_args__ = (
        Index("ix_case_queue", "tenant_id", "service_key", "state", "deadline_at"),
        Index("ix_case_assignee", "tenant_id", "assignee_id", "state"),
        Index("ix_case_applicant_email", "tenant_id", "applicant_email"),
        # Open work only: most cases in a force's lifetime are closed, so queues read this small index.
        Index(
            "ix_case_open", "tenant_id", "service_key", "state", "deadline_at",
            postgresql_where=text("closed_at IS NULL"), sqlite_where=text("closed_at IS NULL"),
        ),
        Index("ix_case_closed", "tenant_id", "closed_at"),
        Index("ix_case_created", "tenant_id", "created_at"),
        # The backlog by age (figures): an index-only scan of open cases.
        Index(
            "ix_case_open_age", "tenant_id", "service_key", "created_at", "deadline_at",
            postgresql_where=text("closed_at IS NULL"), sqlite_where=text("closed_at IS NULL"),
        ),
        # Lists in deadline order read their page straight off these (0016_scale): open work, and all cases.
        Index(
            "ix_case_open_deadline", "tenant_id", "service_key", "deadline_at", "id",
            postgresql_where=text("closed_at IS NULL"), sqlite_where=text("closed_at IS NULL"),
        ),
        Index("ix_case_service_deadline", "tenant_id", "service_key", "deadline_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    service_key: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(64))
    applicant_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"), index=True)
    applicant_email: Mapped[str] = mapped_column(String(320))
    applicant_name: Mapped[str] = mapped_column(String(200), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The language the applicant used ("en" or "cy"): every email about the case is written in it.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id", ondelete="SET NULL"))
    deadline_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())
    # When the case entered a terminal state of its workflow (None while it is open); set by the engine.
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # How the case came in: "online" (the public), "staff" (entered from paper, post or the counter) or "api".
    channel: Mapped[str] = mapped_column(String(16), default="online", server_default="online")
    # Whether every deadline the case had was met when it left the state it applied to (None: it never had one).
    deadline_met: Mapped[bool | None] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer, default=1)

    events: Mapped[list[CaseEvent]] = relationship(order_by="CaseEvent.id", back_populates="case",
                                                   cascade="all, delete-orphan", passive_deletes=True)
    assignee = relationship("StaffMember", lazy="joined")

    __mapper_args__ = {"version_id_col": version}


class CaseEvent(AppendOnly, TenantOwned, db.Model):
    """One entry in a case's history: who, when, from which state to which, and any note."""

    __tablename__ = "case_event"
    __table_args__ = (Index("ix_case_event_tenant_at", "tenant_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(320))
    transition: Mapped[str] = mapped_column(String(64))
    from_state: Mapped[str | None] = mapped_column(String(64))
    to_state: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(default=True)

    case: Mapped[Case] = relationship(back_populates="events")


class CaseTimer(TenantOwned, db.Model):
    """A pending timer: at due_at, fire a transition or send a reminder, unless the case moved on."""

    __tablename__ = "case_timer"
    __table_args__ = (Index("ix_case_timer_due", "fired_at", "cancelled_at", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(128))
    state: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    fired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReferenceCounter(TenantOwned, db.Model):
    """The last number used in a force's references for one service and year."""

    __tablename__ = "reference_counter"
    __table_args__ = (UniqueConstraint("tenant_id", "service_key", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_key: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer, default=0)


# Kept for callers that name it: changing case history raises AppendOnlyError.
CaseHistoryIsAppendOnly = AppendOnlyError
