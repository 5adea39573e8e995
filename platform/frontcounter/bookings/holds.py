"""The sweeper that ends holds nobody confirmed in time and gives their places back."""

from __future__ import annotations

from datetime import datetime

from frontcounter.audit import record as audit
from frontcounter.bookings.models import Booking, BookingState
from frontcounter.bookings.places import lock_slots, move_booking, release_place
from frontcounter.bookings.times import now_utc
from frontcounter.extensions import db
from frontcounter.tenancy.context import platform_wide, tenant_context
from frontcounter.tenancy.models import Tenant


def expire_holds(now: datetime | None = None, limit: int = 500) -> int:
    """Expire every lapsed hold across forces (each in its force's scope); return how many expired.

    Run by `frontcounter sweep` (a PeriodicTask). A hold confirmed at the same moment is safe: the
    state change is conditional, so exactly one of the two happens.
    """
    now = now or now_utc()
    with platform_wide("sweeper: find lapsed booking holds in every force"):
        due = db.session.execute(
            db.select(Booking.id, Booking.tenant_id)
            .where(Booking.state == BookingState.HELD.value, Booking.hold_expires_at <= now)
            .order_by(Booking.tenant_id, Booking.hold_expires_at)
            .limit(limit)
        ).all()
    expired = 0
    for booking_id, tenant_id in due:
        tenant = db.session.get(Tenant, tenant_id)
        with tenant_context(tenant):
            expired += _expire_one(booking_id, now)
            db.session.commit()
    return expired


def _expire_one(booking_id: int, now: datetime) -> int:
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        return 0
    lock_slots([booking.slot_id])
    slot_id = booking.slot_id
    still_held = (BookingState.HELD.value,)
    lapsed = {"ended_at": now, "ended_by": "system: hold expired", "end_reason": "not confirmed in time"}
    if not move_booking(booking, still_held, BookingState.EXPIRED.value, **lapsed):
        return 0
    release_place(slot_id)
    audit("booking.expired", target=f"booking:{booking_id}", actor="system", after={"slot_id": slot_id})
    return 1
