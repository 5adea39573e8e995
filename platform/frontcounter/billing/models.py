"""Billing rows: prices (platform-wide, with history), onboarding, the transaction ledger, statements, credits."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from frontcounter.appendonly import AppendOnly
from frontcounter.extensions import db
from frontcounter.tenancy.models import TenantOwned


class Price(db.Model):
    """The platform's price for one transaction of a service from a UK date on (rows are never changed).

    Not tenant-owned: the platform admin sets one national price per service.
    """

    __tablename__ = "billing_price"
    __table_args__ = (UniqueConstraint("service_key", "effective_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_key: Mapped[str] = mapped_column(String(64))
    net_pence: Mapped[int] = mapped_column(Integer)
    vat_basis_points: Mapped[int] = mapped_column(Integer)  # 2000 = 20%
    effective_from: Mapped[date] = mapped_column(Date)
    set_by: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Onboarding(db.Model):
    """Where a force is on its way onto (or off) the platform, with the date of each step."""

    __tablename__ = "billing_onboarding"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), unique=True)
    letter_of_intent_on: Mapped[date | None] = mapped_column(Date)
    agreement_signed_on: Mapped[date | None] = mapped_column(Date)
    acceptance_signed_off_on: Mapped[date | None] = mapped_column(Date)
    live_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())


class PlatformCharge(TenantOwned, db.Model):
    """One billable transaction (or the reversal of one), priced when it happened: the statements' only source.

    `kind` is what the service declared billable ("paid_application", "booking", "request") or "refund"
    (a fully refunded paid application, with negative amounts); `source` names the row it came from
    ("payment:12", "booking:7", "case:31") so each is charged once.
    """

    __tablename__ = "platform_charge"
    __table_args__ = (
        UniqueConstraint("tenant_id", "kind", "source", name="uq_platform_charge_source"),
        Index("ix_platform_charge_tenant_occurred", "tenant_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payment.id"), unique=True)
    service_key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(24), default="paid_application")
    source: Mapped[str] = mapped_column(String(64), default="")
    amount_pence: Mapped[int] = mapped_column(Integer)
    vat_pence: Mapped[int] = mapped_column(Integer)
    vat_basis_points: Mapped[int] = mapped_column(Integer, default=2000)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Statement(AppendOnly, TenantOwned, db.Model):
    """A force's statement for one calendar month (UK), issued once and never changed."""

    __tablename__ = "billing_statement"
    __table_args__ = (UniqueConstraint("tenant_id", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    number: Mapped[str] = mapped_column(String(40))
    net_pence: Mapped[int] = mapped_column(Integer)
    vat_pence: Mapped[int] = mapped_column(Integer)
    total_pence: Mapped[int] = mapped_column(Integer)
    transactions: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    issued_by: Mapped[str] = mapped_column(String(320), default="")

    lines: Mapped[list[StatementLine]] = relationship(order_by="StatementLine.position", lazy="selectin")


class StatementLine(AppendOnly, TenantOwned, db.Model):
    """One line of an issued statement, stored as issued (never recomputed)."""

    __tablename__ = "billing_statement_line"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("billing_statement.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))  # transaction, refund, joining_fee, credit
    service_key: Mapped[str] = mapped_column(String(64), default="")
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_pence: Mapped[int] = mapped_column(Integer)
    net_pence: Mapped[int] = mapped_column(Integer)
    vat_basis_points: Mapped[int] = mapped_column(Integer)
    vat_pence: Mapped[int] = mapped_column(Integer)
    total_pence: Mapped[int] = mapped_column(Integer)


class Credit(TenantOwned, db.Model):
    """A correction the platform admin owes a force: carried, as a negative line, onto its next statement."""

    __tablename__ = "billing_credit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    net_pence: Mapped[int] = mapped_column(Integer)  # what is credited, before VAT (positive)
    vat_basis_points: Mapped[int] = mapped_column(Integer, default=2000)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("billing_statement.id"), index=True)
