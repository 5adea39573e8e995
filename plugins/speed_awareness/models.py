"""The course service's own tables: offers from the camera or ticket office, venues and trainers.

Course sessions are not a table of this plugin: each is a bookings Slot (frontcounter.bookings) with
service_key "speed_awareness", kind = the course type key, capacity = places, location = the venue's
name and address (or "Online"), and details = {"venue_id", "trainer_id", "online", "joining_link"};
see sessions.py. A driver's place is a bookings Booking on the case their offer became.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from frontcounter.extensions import db
from frontcounter.tenancy import TenantOwned
from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column


class OfferStatus(enum.StrEnum):
    """Where an offer is: offered (not booked yet), booked, completed, withdrawn (back to prosecution) or
    expired (the book-by date passed before the driver ever started booking)."""

    OFFERED = "offered"
    BOOKED = "booked"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class Offer(TenantOwned, db.Model):
    """A course offered to one driver for one offence, as the camera or ticket office sent it.

    The driver proves it is theirs with the reference, the PIN (stored only as an argon2 hash) and
    their driving licence number (stored normalised: upper case, no spaces). When they start booking,
    the offer becomes a case (case_id). A completed offer is kept until erase_after, then erased.
    """

    __tablename__ = "speed_awareness_offer"
    __table_args__ = (
        UniqueConstraint("tenant_id", "reference"),
        Index("ix_speed_awareness_offer_licence", "tenant_id", "licence_number"),
        Index("ix_speed_awareness_offer_erase", "status", "erase_after"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20))
    pin_hash: Mapped[str] = mapped_column(String(200))
    driver_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), default="")
    licence_number: Mapped[str] = mapped_column(String(16))
    offence_date: Mapped[date] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(200))
    motorway: Mapped[bool] = mapped_column(Boolean, default=False)
    vehicle: Mapped[str] = mapped_column(String(16), default="car")
    limit_mph: Mapped[int] = mapped_column(Integer)
    recorded_mph: Mapped[int] = mapped_column(Integer)
    course_type: Mapped[str] = mapped_column(String(40))
    admission_received_on: Mapped[date] = mapped_column(Date)
    book_by: Mapped[date] = mapped_column(Date)
    complete_by: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=OfferStatus.OFFERED.value)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="SET NULL"), index=True)
    source: Mapped[str] = mapped_column(String(16), default="csv")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_on: Mapped[date | None] = mapped_column(Date)
    erase_after: Mapped[date | None] = mapped_column(Date)

    def __repr__(self) -> str:
        return f"<Offer {self.reference} {self.status}>"


class Venue(TenantOwned, db.Model):
    """Where a force's courses are held (or one row with online=True for sessions on a video call)."""

    __tablename__ = "speed_awareness_venue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Trainer(TenantOwned, db.Model):
    """A trainer who runs sessions. To mark attendance a trainer signs in as a member of staff with the
    field_officer role (staff_member_id links the two)."""

    __tablename__ = "speed_awareness_trainer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    staff_member_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
