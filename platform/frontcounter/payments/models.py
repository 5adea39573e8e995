"""Payment and Refund (each with its own state, amounts in pence), the platform's charge per paid
transaction, the provider events already handled, and the sandbox provider's own records."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.payments.purposes import DEFAULT_PURPOSE
from frontcounter.tenancy.models import TenantOwned


class PaymentState(enum.StrEnum):
    """A payment's state, after GOV.UK Pay's: created, started, then success, failed, cancelled or error,
    or expired (ours: not finished within the force's expiry time, see payments.expiry).

    Only success is final: a provider may still take the money after a failed attempt (a Stripe
    PaymentIntent can be retried), so the provider's truth may move failed to success, never back.
    """

    CREATED = "created"
    STARTED = "started"
    SUCCESS = "success"
    FAILED = "failed"
    CANCELLED = "cancelled"
    ERROR = "error"
    EXPIRED = "expired"


class RefundState(enum.StrEnum):
    """A refund's state: submitted to the provider, then success or error."""

    SUBMITTED = "submitted"
    SUCCESS = "success"
    ERROR = "error"


def _public_id() -> str:
    return secrets.token_urlsafe(18)


class Payment(TenantOwned, db.Model):
    """One attempt to pay for a case through one provider, for one purpose (e.g. "fee").

    A case is paid for a purpose once: a second payment for the same purpose that succeeds anyway
    (two tabs, a slow provider) is refunded automatically (see service.complete).

    `refunded_pence` counts refunds that succeeded or are still submitted, so what is left to refund
    is always amount_pence - refunded_pence; the database refuses anything outside 0..amount_pence.
    """

    __tablename__ = "payment"
    __table_args__ = (
        UniqueConstraint("provider", "provider_ref"),
        Index("ix_payment_tenant_state", "tenant_id", "state", "created_at"),
        Index("ix_payment_case_purpose", "case_id", "purpose", "state"),
        CheckConstraint("amount_pence > 0", name="amount_positive"),
        CheckConstraint("refunded_pence >= 0 AND refunded_pence <= amount_pence", name="refunds_within_amount"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=_public_id)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    provider: Mapped[str] = mapped_column(String(32))
    purpose: Mapped[str] = mapped_column(String(64), default=DEFAULT_PURPOSE, server_default=DEFAULT_PURPOSE)
    provider_ref: Mapped[str | None] = mapped_column(String(255))
    amount_pence: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="gbp")
    state: Mapped[str] = mapped_column(String(16), default=PaymentState.CREATED.value)
    description: Mapped[str] = mapped_column(String(255))
    fulfil_transition: Mapped[str | None] = mapped_column(String(64))
    next_url: Mapped[str] = mapped_column(String(2000), default="")
    failure: Mapped[str] = mapped_column(String(500), default="")
    refunded_pence: Mapped[int] = mapped_column(Integer, default=0)
    receipt_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    discrepancy: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    case: Mapped[Case] = relationship()
    refunds: Mapped[list[Refund]] = relationship(order_by="Refund.id", back_populates="payment")

    @property
    def refundable_pence(self) -> int:
        """What may still be refunded (nothing unless the payment succeeded)."""
        if self.state != PaymentState.SUCCESS:
            return 0
        return self.amount_pence - self.refunded_pence


class Refund(TenantOwned, db.Model):
    """Part or all of a successful payment given back, by a member of staff, with a reason."""

    __tablename__ = "refund"
    __table_args__ = (
        CheckConstraint("amount_pence > 0", name="amount_positive"),
        Index("ix_refund_tenant_created", "tenant_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), index=True)
    amount_pence: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=RefundState.SUBMITTED.value)
    provider_ref: Mapped[str | None] = mapped_column(String(255))
    actor: Mapped[str] = mapped_column(String(320))
    error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    payment: Mapped[Payment] = relationship(back_populates="refunds")


class ProviderEvent(db.Model):
    """A webhook event already handled, so a repeated delivery does nothing.

    Not TenantOwned: it is recorded before the payment (and so its force) is known.
    """

    __tablename__ = "provider_event"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(255))
    event_type: Mapped[str] = mapped_column(String(100), default="")
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SandboxPayment(TenantOwned, db.Model):
    """The sandbox provider's own record of a payment: its truth, kept apart from ours."""

    __tablename__ = "sandbox_payment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    amount_pence: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="created")
    refunded_pence: Mapped[int] = mapped_column(Integer, default=0)
    return_url: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
