"""Book, confirm, cancel and reschedule under the service's rules.

Every function works in the caller's transaction (nothing is committed) inside a savepoint: when it
raises BookingRefused, nothing it did is left behind. The caller commits. Row locks are taken in one
order everywhere (the case, then slots by id, then bookings), so concurrent changes never deadlock.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, NoReturn, ParamSpec, TypeVar

from flask_babel import gettext as _
from flask_babel import ngettext

from frontcounter.audit import record as audit
from frontcounter.bookings.models import ACTIVE_STATES, Booking, BookingState, Slot
from frontcounter.bookings.notify import notify_booking
from frontcounter.bookings.places import lock_slots, move_booking, release_place, take_place
from frontcounter.bookings.rules import BookingRefused, BookingRules, rules_for
from frontcounter.bookings.times import as_utc, long_date, now_utc
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.integrations import emit
from frontcounter.tenancy.contact import contact_text

P = ParamSpec("P")
R = TypeVar("R")


def _atomic(func: Callable[P, R]) -> Callable[P, R]:
    """Run `func` in a savepoint, so a refusal half-way leaves nothing behind."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with db.session.begin_nested():
            return func(*args, **kwargs)

    return wrapper


def _refuse(message: str, code: str) -> NoReturn:
    raise BookingRefused(message, code)


def _lock_case(case: Case | None) -> None:
    """Serialise bookings for one case (so its limits hold under double submits)."""
    if case is not None:
        db.session.execute(db.select(Case.id).where(Case.id == case.id).with_for_update())


def _case_of(booking: Booking) -> Case | None:
    return db.session.get(Case, booking.case_id) if booking.case_id is not None else None


def _target(booking: Booking) -> str:
    return f"booking:{booking.id}"


def check_bookable(slot: Slot, case: Case | None, rules: BookingRules, now: datetime | None = None) -> None:
    """Raise BookingRefused unless `case` may book `slot` now under `rules` (places are checked on taking)."""
    now = now or now_utc()
    if case is not None and case.service_key != slot.service_key:
        _refuse(_("This time is for a different service."), "wrong_service")
    if slot.cancelled_at is not None:
        _refuse(_("This time has been cancelled. Choose another time."), "slot_cancelled")
    if as_utc(slot.starts_at) - timedelta(hours=rules.min_notice_hours) <= now:
        _refuse(_("This time can no longer be booked. Choose a later time."), "too_late")
    if case is None:
        return
    until = rules.bookable_until(case) if rules.bookable_until else None
    if until is not None and as_utc(slot.ends_at) > as_utc(until):
        _refuse(_("Choose a time that ends by %(date)s.", date=long_date(until)), "after_deadline")
    reason = rules.may_book(case) if rules.may_book else None
    if reason:
        _refuse(str(reason), "not_allowed")


def _check_may_change(booking: Booking, rules: BookingRules, now: datetime) -> None:
    if as_utc(booking.slot.starts_at) - timedelta(hours=rules.change_cutoff_hours) <= now:
        _refuse(
            _(
                "It is too late to change or cancel this booking online: changes close %(hours)d hours before "
                "the start. Contact %(contact)s instead.",
                hours=rules.change_cutoff_hours,
                contact=contact_text(),
            ),
            "past_cutoff",
        )


def _check_reschedules(booking: Booking, rules: BookingRules) -> None:
    if rules.max_reschedules is not None and booking.reschedules >= rules.max_reschedules:
        _refuse(
            ngettext(
                "You have already changed this booking once, the most allowed online. Contact %(contact)s instead.",
                "You have already changed this booking %(num)d times, the most allowed online. "
                "Contact %(contact)s instead.",
                booking.reschedules,
                contact=contact_text(),
            ),
            "too_many_reschedules",
        )


def why_not_changeable(
    booking: Booking, rules: BookingRules, *, cancelling: bool = False, now: datetime | None = None
) -> str | None:
    """Why the applicant may not change (or, with `cancelling`, cancel) this booking online now; None when they may."""
    try:
        _check_may_change(booking, rules, now or now_utc())
        if not cancelling:
            _check_reschedules(booking, rules)
    except BookingRefused as refused:
        return refused.message
    return None


def applicant_change_refusal(
    booking: Booking, *, rules: BookingRules | None = None, now: datetime | None = None
) -> str | None:
    """Why the applicant may not cancel `booking` online now (not active, past the cut-off), or None."""
    if not booking.is_active:
        return _("This booking has already been cancelled.")
    if booking.state != BookingState.CONFIRMED:
        return None
    return why_not_changeable(booking, rules or rules_for(booking.slot.service_key), cancelling=True, now=now)


def active_bookings(case: Case) -> list[Booking]:
    """The case's held and confirmed bookings, soonest first."""
    return list(
        db.session.scalars(
            db.select(Booking)
            .join(Slot, Slot.id == Booking.slot_id)
            .where(Booking.case_id == case.id, Booking.state.in_(ACTIVE_STATES))
            .order_by(Slot.starts_at, Booking.id)
        )
    )


def active_booking(case: Case) -> Booking | None:
    """The case's held or confirmed booking (the soonest, when it may have several), or None."""
    found = active_bookings(case)
    return found[0] if found else None


@_atomic
def hold(
    slot: Slot,
    case: Case | None = None,
    *,
    email: str = "",
    actor: str = "",
    rules: BookingRules | None = None,
    replace_holds: bool = True,
    now: datetime | None = None,
) -> Booking:
    """Hold a place on `slot` for `case` until rules.hold_minutes from now; confirm() makes it a booking.

    With replace_holds, the case's earlier unconfirmed holds are given up (the person chose again).
    Raises BookingRefused (slot_full, limit_reached, too_late, ...); not committed.
    """
    rules = rules or rules_for(slot.service_key)
    now = now or now_utc()
    check_bookable(slot, case, rules, now)
    if case is not None:
        _lock_case(case)
        current = active_bookings(case)
        earlier = [b for b in current if b.state == BookingState.HELD and replace_holds]
        if earlier:
            lock_slots([slot.id, *(b.slot_id for b in earlier)])
            for old in earlier:
                _end(old, BookingState.CANCELLED, actor or case.applicant_email, "replaced by a new choice", now)
        if len(current) - len(earlier) >= rules.max_active_per_case:
            _refuse(_("You already have a booking. Change or cancel it instead."), "limit_reached")
    if not take_place(slot.id):
        if slot.cancelled_at is not None:
            _refuse(_("This time has been cancelled. Choose another time."), "slot_cancelled")
        _refuse(_("Sorry, the last place at that time has just been taken. Choose another time."), "slot_full")
    booking = Booking(
        slot_id=slot.id,
        case_id=case.id if case is not None else None,
        email=(email or (case.applicant_email if case is not None else "")).strip().lower(),
        state=BookingState.HELD.value,
        hold_expires_at=now + timedelta(minutes=rules.hold_minutes),
        created_at=now,
    )
    db.session.add(booking)
    db.session.flush()
    audit(
        "booking.held",
        target=_target(booking),
        actor=actor or None,
        after={"slot_id": slot.id, "case_id": booking.case_id, "until": booking.hold_expires_at.isoformat()},
    )
    return booking


def _end(booking: Booking, state: BookingState, actor: str, reason: str, now: datetime) -> bool:
    """End an active booking and give its place back; False when it had already ended."""
    slot_id = booking.slot_id
    if not move_booking(booking, ACTIVE_STATES, state.value, ended_at=now, ended_by=actor[:320], end_reason=reason):
        return False
    release_place(slot_id)
    return True


@_atomic
def confirm(
    booking: Booking, *, actor: str = "", rules: BookingRules | None = None, now: datetime | None = None
) -> Booking:
    """Turn a hold into a booking. Confirming twice is harmless (a payment may be reported twice).

    A hold that has run out still counts while the place is free: the place is taken again if it can be,
    else BookingRefused("hold_lost"). Not committed.
    """
    now = now or now_utc()
    rules = rules or rules_for(booking.slot.service_key)
    confirmed = {"confirmed_at": now, "hold_expires_at": None}
    if booking.state == BookingState.HELD:
        # Fails only when the booking changed meanwhile (a double click, the sweeper): look again below.
        moved = move_booking(booking, (BookingState.HELD.value,), BookingState.CONFIRMED.value, **confirmed)
        if moved:
            return _confirmed(booking, actor, rules)
    if booking.state == BookingState.CONFIRMED:
        return booking
    if booking.state != BookingState.EXPIRED:
        _refuse(_("This booking has been cancelled."), "not_active")
    lock_slots([booking.slot_id])
    if as_utc(booking.slot.starts_at) <= now or not take_place(booking.slot_id):
        _refuse(_("Sorry, the place we were holding for you has gone. Choose another time."), "hold_lost")
    if not move_booking(booking, (BookingState.EXPIRED.value,), BookingState.CONFIRMED.value, **confirmed):
        _refuse(_("This booking has changed in the meantime. Check it and try again."), "not_active")
    return _confirmed(booking, actor, rules)


def _confirmed(booking: Booking, actor: str, rules: BookingRules) -> Booking:
    from frontcounter.billing.ledger import booking_confirmed

    audit("booking.confirmed", target=_target(booking), actor=actor or None, after={"slot_id": booking.slot_id})
    booking_confirmed(booking.id, booking.slot.service_key)  # the platform's charge, if the service bills bookings
    notify_booking(booking, "confirmed", rules)
    emit.booking_changed(booking, "confirmed", _case_of(booking))
    return booking


def book(slot: Slot, case: Case | None = None, **kwargs: Any) -> Booking:
    """Hold and confirm in one go (for services with nothing to do in between); see hold()."""
    booking = hold(slot, case, **kwargs)
    return confirm(booking, actor=kwargs.get("actor", ""), rules=kwargs.get("rules"), now=kwargs.get("now"))


@_atomic
def cancel(
    booking: Booking,
    *,
    actor: str,
    reason: str = "",
    as_staff: bool = False,
    rules: BookingRules | None = None,
    now: datetime | None = None,
) -> Booking:
    """Cancel a held or confirmed booking and free its place; applicants only up to the cut-off.

    Raises BookingRefused (past_cutoff, not_active); not committed.
    """
    now = now or now_utc()
    rules = rules or rules_for(booking.slot.service_key)
    if not booking.is_active:
        _refuse(_("This booking has already been cancelled."), "not_active")
    if not as_staff and booking.state == BookingState.CONFIRMED:
        _check_may_change(booking, rules, now)
    was_confirmed = booking.state == BookingState.CONFIRMED
    _lock_case(_case_of(booking))
    lock_slots([booking.slot_id])
    reason = reason or ("by staff" if as_staff else "by the applicant")
    if not _end(booking, BookingState.CANCELLED, actor, reason, now):
        _refuse(_("This booking has already been cancelled."), "not_active")
    audit(
        "booking.cancelled",
        target=_target(booking),
        actor=actor or None,
        after={"slot_id": booking.slot_id, "reason": booking.end_reason, "by_staff": as_staff},
    )
    if was_confirmed:
        notify_booking(booking, "cancelled", rules)
    emit.booking_changed(booking, "cancelled", _case_of(booking))
    return booking


@_atomic
def reschedule(
    booking: Booking,
    new_slot: Slot,
    *,
    actor: str,
    as_staff: bool = False,
    rules: BookingRules | None = None,
    now: datetime | None = None,
) -> Booking:
    """Move a confirmed booking to `new_slot`: the new place is taken before the old one is given back.

    Applicants are held to the cut-off and rules.max_reschedules; staff are not. Returns the new booking
    (its rescheduled_from_id is the old one). Raises BookingRefused; not committed.
    """
    now = now or now_utc()
    old_slot = booking.slot
    rules = rules or rules_for(old_slot.service_key)
    if booking.state != BookingState.CONFIRMED:
        _refuse(_("Only a confirmed booking can be changed."), "not_active")
    if new_slot.id == old_slot.id:
        _refuse(_("That is the time you are already booked for. Choose a different time."), "same_slot")
    if new_slot.service_key != old_slot.service_key:
        _refuse(_("This time is for a different service."), "wrong_service")
    if not as_staff:
        _check_may_change(booking, rules, now)
        _check_reschedules(booking, rules)
    case = _case_of(booking)
    check_bookable(new_slot, case, rules, now)
    _lock_case(case)
    lock_slots([old_slot.id, new_slot.id])
    if not take_place(new_slot.id):
        _refuse(_("Sorry, the last place at that time has just been taken. Choose another time."), "slot_full")
    if not _end(booking, BookingState.RESCHEDULED, actor, f"moved to slot {new_slot.id}", now):
        _refuse(_("This booking has changed in the meantime. Check it and try again."), "not_active")
    moved = Booking(
        slot_id=new_slot.id,
        case_id=booking.case_id,
        email=booking.email,
        state=BookingState.CONFIRMED.value,
        created_at=now,
        confirmed_at=now,
        rescheduled_from_id=booking.id,
        reschedules=booking.reschedules + 1,
    )
    db.session.add(moved)
    db.session.flush()
    audit(
        "booking.rescheduled",
        target=_target(moved),
        actor=actor or None,
        before={"booking_id": booking.id, "slot_id": old_slot.id},
        after={"slot_id": new_slot.id, "by_staff": as_staff},
    )
    notify_booking(moved, "rescheduled", rules)
    emit.booking_changed(moved, "rescheduled", case)
    return moved
