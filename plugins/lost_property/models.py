"""The lost property tables: found items (each one a case), lost reports, proposed matches, claims,
disposals and the Police Property Act Fund ledger.

A found item's stage is its case's state (workflow.py). Hand-in and collection appointments are bookings
Slots of this service (kinds "hand_in" and "collection", location = the station) booked on the item's case.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from frontcounter.appendonly import AppendOnly
from frontcounter.extensions import db
from frontcounter.tenancy import TenantOwned
from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship


class FoundItem(TenantOwned, db.Model):
    """What was found, where and when, and (once received) where it is kept and in what condition."""

    __tablename__ = "lost_property_item"
    __table_args__ = (
        Index("ix_lost_property_item_register", "tenant_id", "station", "category", "received_on"),
        Index("ix_lost_property_item_serial", "tenant_id", "serial"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), unique=True)
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    serial: Mapped[str] = mapped_column(String(64), default="")
    found_on: Mapped[date] = mapped_column(Date)
    found_where: Mapped[str] = mapped_column(String(300))
    found_district: Mapped[str] = mapped_column(String(8), default="")
    finder_name: Mapped[str] = mapped_column(String(200), default="")
    finder_phone: Mapped[str] = mapped_column(String(40), default="")
    finder_wants_item: Mapped[bool] = mapped_column(Boolean, default=False)
    station: Mapped[str] = mapped_column(String(300), default="")
    property_reference: Mapped[str] = mapped_column(String(40), default="")
    storage_location: Mapped[str] = mapped_column(String(200), default="")
    condition: Mapped[str] = mapped_column(Text, default="")
    received_on: Mapped[date | None] = mapped_column(Date)
    received_by: Mapped[str] = mapped_column(String(320), default="")
    cash_pence: Mapped[int | None] = mapped_column(Integer)
    cash_counted_by: Mapped[str] = mapped_column(String(320), default="")
    cash_checked_pence: Mapped[int | None] = mapped_column(Integer)
    cash_checked_by: Mapped[str] = mapped_column(String(320), default="")
    register_result: Mapped[str] = mapped_column(String(32), default="")
    register_note: Mapped[str] = mapped_column(Text, default="")
    sent_to: Mapped[str] = mapped_column(String(200), default="")
    finder_told_on: Mapped[date | None] = mapped_column(Date)

    case = relationship("Case", lazy="joined")


class LostReport(TenantOwned, db.Model):
    """Someone's report of an item they lost; open until matched and claimed, or until it expires."""

    __tablename__ = "lost_property_lost_report"
    __table_args__ = (
        UniqueConstraint("tenant_id", "reference"),
        Index("ix_lost_property_lost_open", "tenant_id", "status", "category"),
        Index("ix_lost_property_lost_expiry", "status", "expires_on"),
        Index("ix_lost_property_lost_serial", "tenant_id", "serial"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    serial: Mapped[str] = mapped_column(String(64), default="")
    lost_from: Mapped[date] = mapped_column(Date)
    lost_to: Mapped[date] = mapped_column(Date)
    lost_where: Mapped[str] = mapped_column(String(300))
    lost_district: Mapped[str] = mapped_column(String(8), default="")
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    phone: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, claimed, expired, closed
    expires_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Match(TenantOwned, db.Model):
    """A found item the service thinks may be a lost report's item, with its score; staff confirm or dismiss."""

    __tablename__ = "lost_property_match"
    __table_args__ = (
        UniqueConstraint("item_id", "report_id"),
        Index("ix_lost_property_match_queue", "tenant_id", "status", "score"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("lost_property_item.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("lost_property_lost_report.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    serial_match: Mapped[bool] = mapped_column(Boolean, default=False)
    reasons: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="proposed")  # proposed, confirmed, dismissed
    decided_by: Mapped[str] = mapped_column(String(320), default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    item: Mapped[FoundItem] = relationship(lazy="joined")
    report: Mapped[LostReport] = relationship(lazy="joined")


class Claim(TenantOwned, db.Model):
    """An owner's or finder's claim to an item: the questions staff set, the answers, the decision and the
    hand-over (with the identity document checked)."""

    __tablename__ = "lost_property_claim"
    __table_args__ = (Index("ix_lost_property_claim_queue", "tenant_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("lost_property_item.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("lost_property_lost_report.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(8))  # owner, finder
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    answers: Mapped[list[str]] = mapped_column(JSON, default=list)
    proof_document_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # invited, submitted, approved, refused, returned
    status: Mapped[str] = mapped_column(String(16), default="invited")
    decided_by: Mapped[str] = mapped_column(String(320), default="")
    decision_note: Mapped[str] = mapped_column(Text, default="")
    id_checked: Mapped[str] = mapped_column(String(200), default="")
    returned_by: Mapped[str] = mapped_column(String(320), default="")
    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    item: Mapped[FoundItem] = relationship(lazy="joined")


class Disposal(TenantOwned, db.Model):
    """How an unclaimed item is to be disposed of, proposed by one member of staff and approved by another."""

    __tablename__ = "lost_property_disposal"
    __table_args__ = (Index("ix_lost_property_disposal_status", "tenant_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("lost_property_item.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(String(16))  # sale, destruction, donation, police_use
    recipient: Mapped[str] = mapped_column(String(200), default="")
    proceeds_pence: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="proposed")  # proposed, approved, rejected
    proposed_by: Mapped[str] = mapped_column(String(320))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[str] = mapped_column(String(320), default="")
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    item: Mapped[FoundItem] = relationship(lazy="joined")


class FundEntry(AppendOnly, TenantOwned, db.Model):
    """One line of the force's Police Property Act Fund ledger (money in from sales and unclaimed cash)."""

    __tablename__ = "lost_property_fund_entry"
    __table_args__ = (Index("ix_lost_property_fund_on", "tenant_id", "entered_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entered_on: Mapped[date] = mapped_column(Date)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("lost_property_item.id", ondelete="SET NULL"))
    disposal_id: Mapped[int | None] = mapped_column(ForeignKey("lost_property_disposal.id", ondelete="SET NULL"))
    property_reference: Mapped[str] = mapped_column(String(40), default="")
    description: Mapped[str] = mapped_column(String(300))
    amount_pence: Mapped[int] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(320))
    approved_by: Mapped[str] = mapped_column(String(320), default="")
