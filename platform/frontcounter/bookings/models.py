"""Slot (a session or visit window with places) and Booking (one person's hold or booking of a place)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from frontcounter.extensions import db
from frontcounter.tenancy.models import TenantOwned


class BookingState(enum.StrEnum):
    """Where a booking is: held (waiting to be confirmed), confirmed, or ended one of three ways."""

    HELD = "held"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    RESCHEDULED = "rescheduled"  # moved: the booking in rescheduled_from_id's place is the live one


ACTIVE_STATES = (BookingState.HELD.value, BookingState.CONFIRMED.value)


class Slot(TenantOwned, db.Model):
    """A time a force offers places in: a course session, a home-visit window.

    `taken` counts the held and confirmed bookings and is only ever changed by one conditional
    UPDATE (see bookings.places), so two requests can never take the same last place.
    """

    __tablename__ = "booking_slot"
    __table_args__ = (
        Index("ix_booking_slot_when", "tenant_id", "service_key", "starts_at"),
        CheckConstraint("taken >= 0 AND taken <= capacity", name="places"),
        CheckConstraint("ends_at > starts_at", name="times"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    capacity: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    location: Mapped[str] = mapped_column(String(300), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_reason: Mapped[str] = mapped_column(Text, default="")

    @property
    def places_left(self) -> int:
        """How many places are still free (0 once cancelled)."""
        return 0 if self.cancelled_at is not None else max(self.capacity - self.taken, 0)


class Booking(TenantOwned, db.Model):
    """One place on a slot for one person (usually the applicant of a case)."""

    __tablename__ = "booking"
    __table_args__ = (
        Index("ix_booking_slot_state", "slot_id", "state"),
        Index("ix_booking_case_state", "case_id", "state"),
        Index("ix_booking_holds", "state", "hold_expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("booking_slot.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="SET NULL"))
    email: Mapped[str] = mapped_column(String(320), default="")
    state: Mapped[str] = mapped_column(String(16), default=BookingState.HELD.value)
    hold_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_by: Mapped[str] = mapped_column(String(320), default="")
    end_reason: Mapped[str] = mapped_column(Text, default="")
    rescheduled_from_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id", ondelete="SET NULL"))
    reschedules: Mapped[int] = mapped_column(Integer, default=0)

    slot: Mapped[Slot] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:
        """True while the booking holds a place (held or confirmed)."""
        return self.state in ACTIVE_STATES
