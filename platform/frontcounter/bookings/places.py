"""Places and booking states, changed only by conditional UPDATEs, so the last place goes to one request only.

`UPDATE booking_slot SET taken = taken + 1 WHERE id = :id AND taken < capacity AND cancelled_at IS NULL`
is atomic on PostgreSQL and SQLite alike: of two requests racing for the last place, the second one's
UPDATE re-checks `taken < capacity` after the first commits and changes no row. No read-then-write.
Lock order everywhere in bookings: the case, then slots by id, then bookings (so no deadlocks).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from frontcounter.bookings.models import Booking, Slot
from frontcounter.extensions import db


def _changed(statement) -> int:  # type: ignore[no-untyped-def]
    result = db.session.execute(statement, execution_options={"synchronize_session": False})
    return int(result.rowcount or 0)


def _forget_counts(slot_id: int) -> None:
    slot = db.session.identity_map.get(db.session.identity_key(Slot, slot_id))  # type: ignore[arg-type]
    if slot is not None:
        db.session.expire(slot, ["taken", "capacity", "cancelled_at"])


def take_place(slot_id: int) -> bool:
    """Take one place on the slot if one is free and the slot is not cancelled; True when taken."""
    taken = _changed(
        db.update(Slot)
        .where(Slot.id == slot_id, Slot.taken < Slot.capacity, Slot.cancelled_at.is_(None))
        .values(taken=Slot.taken + 1)
    )
    _forget_counts(slot_id)
    return taken == 1


def release_place(slot_id: int) -> None:
    """Give one place back on the slot."""
    _changed(db.update(Slot).where(Slot.id == slot_id, Slot.taken > 0).values(taken=Slot.taken - 1))
    _forget_counts(slot_id)


def set_capacity(slot_id: int, capacity: int) -> bool:
    """Change how many places the slot has, never below those taken; True when changed."""
    changed = _changed(
        db.update(Slot)
        .where(Slot.id == slot_id, Slot.taken <= capacity, Slot.cancelled_at.is_(None))
        .values(capacity=capacity)
    )
    _forget_counts(slot_id)
    return changed == 1


def lock_slots(slot_ids: Iterable[int]) -> None:
    """Lock the slots' rows for this transaction, in id order (PostgreSQL; SQLite serialises writers anyway)."""
    ids = sorted(set(slot_ids))
    if ids:
        db.session.execute(db.select(Slot.id).where(Slot.id.in_(ids)).order_by(Slot.id).with_for_update())


def move_booking(booking: Booking, from_states: Iterable[str], to_state: str, **values: Any) -> bool:
    """Move the booking to `to_state` only if it is still in one of `from_states`; True when it moved.

    Two requests changing one booking at once (a double click, the sweeper and a late confirmation)
    cannot both succeed: the second one's UPDATE finds the state already changed.
    """
    moved = _changed(
        db.update(Booking)
        .where(Booking.id == booking.id, Booking.state.in_(list(from_states)))
        .values(state=to_state, **values)
    )
    db.session.expire(booking)
    return moved == 1
