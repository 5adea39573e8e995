"""The driver's booking: hold a place and pay, confirm it once paid, change it under the force's rules, cancel it.

Nothing here commits: the view commits, so a booking, its payment and its emails go in together or
not at all. The place held while the driver pays is confirmed when the case's "pay" transition
fires, whether the driver comes back from the payment page or only the provider's webhook arrives
(the case_transitioned hook below); the confirmation page confirms it again, harmlessly.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from frontcounter.bookings import (
    Booking,
    BookingRefused,
    BookingState,
    Slot,
    active_booking,
    book,
    cancel,
    confirm,
    hold,
    reschedule,
)
from frontcounter.bookings.times import as_utc, long_date, now_utc
from frontcounter.cases.engine import fire
from frontcounter.cases.models import Case
from frontcounter.cases.tracking import tracking_token
from frontcounter.extensions import db
from frontcounter.payments import start_payment
from frontcounter.payments.models import Payment, PaymentState
from frontcounter.plugins import hookimpl
from frontcounter.tenancy.services import service_settings
from frontcounter.web.urls import external_url
from frontcounter_speed_awareness.courses import course_label
from frontcounter_speed_awareness.models import Offer
from frontcounter_speed_awareness.offers import SERVICE_KEY, open_offer_case
from frontcounter_speed_awareness.public_joining import schedule_joining_link
from frontcounter_speed_awareness.rules import change_fee_pence
from frontcounter_speed_awareness.sessions import booking_rules

log = logging.getLogger(__name__)
SYSTEM_ACTOR = "system: speed awareness bookings"
FEES_KEY = "late_change_fees_pence"  # case.data: the late-change fees charged so far, one entry per change


def course_fee_pence(settings: Mapping[str, Any] | None = None) -> int:
    """The force's course fee in pence (the central charge included)."""
    return int((settings or service_settings(SERVICE_KEY))["course_fee_pence"])


def manage_url(case: Case) -> str:
    """The absolute link to the driver's booking page (it works without signing in: it carries a token)."""
    return external_url("speed_awareness.manage", reference=case.reference, token=tracking_token(case))


def _paid_url(case: Case) -> str:
    return external_url("speed_awareness.paid", reference=case.reference, token=tracking_token(case))


def start_booking(offer: Offer, slot: Slot, email: str, *, account_id: int | None = None) -> str:
    """Open the offer's case if need be, hold a place on `slot` and start paying the fee; return where to pay.

    Raises OfferUnavailable, BookingRefused or PaymentRefused (roll back). Not committed.
    """
    case = open_offer_case(offer, email, account_id=account_id)
    hold(slot, case, actor=case.applicant_email, rules=booking_rules())
    description = _("%(course)s, %(day)s", course=course_label(offer.course_type), day=long_date(slot.starts_at))
    return start_payment(case, course_fee_pence(), description, fulfil_transition="pay", next_url=_paid_url(case))


def _latest_booking(case: Case) -> Booking | None:
    return db.session.scalar(db.select(Booking).where(Booking.case_id == case.id).order_by(Booking.id.desc()).limit(1))


UNPAID_STATES = (PaymentState.FAILED, PaymentState.CANCELLED, PaymentState.ERROR)


def release_unpaid_hold(case: Case) -> bool:
    """Free the place held for an unpaid case whose latest payment was cancelled or declined; True when it did.

    The driver may choose the same or another session again at once. Not committed.
    """
    if case.state != "offered":
        return False
    booking = _latest_booking(case)
    if booking is None or booking.state != BookingState.HELD:
        return False
    latest = db.session.scalar(
        db.select(Payment).where(Payment.case_id == case.id).order_by(Payment.id.desc()).limit(1)
    )
    if latest is None or PaymentState(latest.state) not in UNPAID_STATES:
        return False
    cancel(booking, actor=SYSTEM_ACTOR, reason="the payment was not completed", rules=booking_rules())
    return True


def confirm_paid_place(case: Case, actor: str = SYSTEM_ACTOR) -> Booking | None:
    """Confirm the place held for a paid case (a hold that ran out counts while its place is free).

    Returns the confirmed booking, or None when there is none (the place went: the driver chooses
    again without paying twice). Safe to call any number of times. Not committed.
    """
    if case.state not in ("booked", "attended", "completed"):
        return None
    booking = _latest_booking(case)
    if booking is None or booking.state not in (BookingState.HELD, BookingState.CONFIRMED, BookingState.EXPIRED):
        return None
    if booking.state == BookingState.CONFIRMED:
        return booking
    try:
        confirm(booking, actor=actor, rules=booking_rules())
    except BookingRefused as refused:
        log.info("Case %s paid but its place could not be confirmed: %s", case.reference, refused.code)
        return None
    schedule_joining_link(booking)
    return booking


@hookimpl(specname="case_transitioned")
def speed_awareness_public_case_transitioned(case: Any, transition: str, from_state: str | None) -> None:
    """Once the course fee is paid, confirm the place held while the driver paid; cancel the place when asked."""
    if case.service_key == SERVICE_KEY and transition == "pay":
        confirm_paid_place(case)
    elif case.service_key == SERVICE_KEY and transition == "cancel_place":
        booking = active_booking(case)
        if booking is None:
            raise BookingRefused(_("You do not have a place on a course to cancel."), "not_active")
        cancel_place(case, booking)  # raises BookingRefused past the cut-off: the transition is rolled back


def book_without_paying(case: Case, slot: Slot) -> Booking:
    """Book `slot` straight away for a case already paid for whose place went (cancelled, or lost while paying).

    Raises BookingRefused. Not committed.
    """
    booking = book(slot, case, actor=case.applicant_email, rules=booking_rules())
    schedule_joining_link(booking)
    return booking


def change_booking(case: Case, booking: Booking, new_slot: Slot, *, now: datetime | None = None) -> tuple[Booking, int]:
    """Move the driver's booking to `new_slot` under the force's rules; return the new booking and the fee due.

    Inside the last 7 days before the course (and before the cut-off) the force's late-change fee is
    due: it is added to the case's fees and the caller takes it (start_fee_payment). Raises
    BookingRefused. Not committed.
    """
    now = now or now_utc()
    fee = change_fee_pence(as_utc(booking.slot.starts_at), now, service_settings(SERVICE_KEY))
    moved = reschedule(booking, new_slot, actor=case.applicant_email, rules=booking_rules(), now=now)
    note = _("Moved to %(day)s.", day=long_date(new_slot.starts_at))
    if fee:
        case.data = {**(case.data or {}), FEES_KEY: [*(case.data or {}).get(FEES_KEY, []), fee]}
        note = _("%(note)s A late change fee of £%(fee).2f applies.", note=note, fee=fee / 100)
    fire(case, "reschedule", actor=case.applicant_email, as_applicant=True, note=note)
    schedule_joining_link(moved, now)
    return moved, fee


def fees_outstanding_pence(case: Case) -> int:
    """Late-change fees charged to the case and not yet paid."""
    charged = sum(int(fee) for fee in (case.data or {}).get(FEES_KEY, []))
    if not charged:
        return 0
    paid = db.session.scalar(
        db.select(db.func.coalesce(db.func.sum(Payment.amount_pence - Payment.refunded_pence), 0)).where(
            Payment.case_id == case.id, Payment.state == PaymentState.SUCCESS, Payment.fulfil_transition.is_(None)
        )
    )
    return max(charged - int(paid or 0), 0)


def start_fee_payment(case: Case, amount_pence: int) -> str:
    """Start paying the late-change fee (no transition to fire); return where to pay. Raises PaymentRefused."""
    # One purpose per fee charged so far: paying the same fees twice (two tabs) is refunded automatically.
    charged = len((case.data or {}).get(FEES_KEY, []))
    return start_payment(
        case,
        amount_pence,
        _("Late change fee"),
        purpose=f"late-change-fees-{charged}",
        fulfil_transition=None,
        next_url=manage_url(case),
    )


def cancel_place(case: Case, booking: Booking) -> Booking:
    """Cancel the driver's place (up to the cut-off). The fee paid stays with the case: the driver may book again
    before the complete-by date without paying again. Raises BookingRefused. Not committed."""
    return cancel(booking, actor=case.applicant_email, rules=booking_rules())
