"""Staff managing slots: create (one or a series), change capacity, cancel (telling everyone booked)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from frontcounter.audit import record as audit
from frontcounter.bookings.models import ACTIVE_STATES, Booking, BookingState, Slot
from frontcounter.bookings.notify import notify_booking
from frontcounter.bookings.places import lock_slots, move_booking, set_capacity
from frontcounter.bookings.rules import BookingRefused, rules_for
from frontcounter.bookings.times import as_utc, now_utc, slot_when
from frontcounter.extensions import db

MAX_CAPACITY = 500


@dataclass(frozen=True)
class SlotSpec:
    """One slot to create: its kind, UTC start and end, places and where it is."""

    kind: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    location: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def _clash(service_key: str, specs: Sequence[SlotSpec]) -> Slot | None:
    """The first live slot that already has the kind, place and start of one of `specs`."""
    starts = {as_utc(s.starts_at) for s in specs}
    wanted = {(s.kind, s.location, as_utc(s.starts_at)) for s in specs}
    existing = db.session.scalars(
        db.select(Slot)
        .where(Slot.service_key == service_key, Slot.cancelled_at.is_(None), Slot.starts_at.in_(starts))
        .order_by(Slot.starts_at)
    )
    return next((s for s in existing if (s.kind, s.location, as_utc(s.starts_at)) in wanted), None)


def create_slots(service_key: str, specs: Sequence[SlotSpec], *, actor: str | None = None) -> list[Slot]:
    """Create all the slots or none: BookingRefused("duplicate") when one already exists; not committed."""
    clash = _clash(service_key, specs)
    if clash is not None:
        raise BookingRefused(
            _(
                "There is already a slot at %(when)s. Change the times or cancel that slot first.",
                when=slot_when(clash.starts_at, clash.ends_at),
            ),
            "duplicate",
        )
    slots = [
        Slot(
            service_key=service_key,
            kind=s.kind,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            capacity=s.capacity,
            taken=0,
            location=s.location,
            details=dict(s.details),
        )
        for s in specs
    ]
    db.session.add_all(slots)
    db.session.flush()
    audit(
        "slots.created",
        target=f"service:{service_key}",
        actor=actor,
        after={
            "count": len(slots),
            "slot_ids": [s.id for s in slots],
            "kind": specs[0].kind if specs else "",
            "capacity": specs[0].capacity if specs else 0,
        },
    )
    return slots


def change_capacity(slot: Slot, capacity: int, *, actor: str | None = None) -> None:
    """Set the number of places (1 to MAX_CAPACITY, never below those taken); BookingRefused when not allowed."""
    if slot.cancelled_at is not None:
        raise BookingRefused(_("This slot has been cancelled."), "slot_cancelled")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise BookingRefused(_("Places must be a whole number from 1 to %(max)d", max=MAX_CAPACITY), "bad_capacity")
    before = slot.capacity
    if not set_capacity(slot.id, capacity):
        raise BookingRefused(
            _("%(num)d places are already taken: places cannot be fewer than that", num=slot.taken), "bad_capacity"
        )
    audit(
        "slot.capacity_changed",
        target=f"slot:{slot.id}",
        actor=actor,
        before={"capacity": before},
        after={"capacity": capacity},
    )


def cancel_slot(slot: Slot, reason: str, *, actor: str) -> list[Booking]:
    """Cancel the slot and every live booking on it, and email each person; returns those bookings."""
    lock_slots([slot.id])
    db.session.refresh(slot)
    if slot.cancelled_at is not None:
        raise BookingRefused(_("This slot has already been cancelled."), "slot_cancelled")
    now = now_utc()
    live = list(
        db.session.scalars(
            db.select(Booking).where(Booking.slot_id == slot.id, Booking.state.in_(ACTIVE_STATES)).order_by(Booking.id)
        )
    )
    ended = {"ended_at": now, "ended_by": actor[:320], "end_reason": reason}
    told = [b for b in live if move_booking(b, ACTIVE_STATES, BookingState.CANCELLED.value, **ended)]
    slot.cancelled_at, slot.cancel_reason, slot.taken = now, reason, 0
    db.session.flush()
    audit(
        "slot.cancelled",
        target=f"slot:{slot.id}",
        actor=actor,
        after={"reason": reason, "bookings_cancelled": [b.id for b in told]},
    )
    rules = rules_for(slot.service_key)
    for booking in told:
        notify_booking(booking, "slot_cancelled", rules, reason=reason)
    return told
