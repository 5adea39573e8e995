"""Unfinished payments expire: after the force's expiry time (90 minutes by default) the sweeper asks the
provider, cancels where it can, marks the payment expired and gives back any place the case was holding.

Payments never move a case until the money is taken (start_payment leaves it in the state that waits
for payment), so once its payment has expired the case is waiting for payment again and the payer may
start a new one. A payment the provider reports as taken is completed instead, as any other.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from frontcounter.audit import record as audit
from frontcounter.bookings.models import Booking, BookingState
from frontcounter.bookings.places import lock_slots, move_booking, release_place
from frontcounter.extensions import db
from frontcounter.payments.models import Payment, PaymentState
from frontcounter.payments.providers import ProviderError, provider_for
from frontcounter.payments.service import SYSTEM_ACTOR, apply_truth
from frontcounter.payments.settings import expiry_minutes
from frontcounter.tenancy.context import current_tenant, tenant_context
from frontcounter.tenancy.models import Tenant

log = logging.getLogger(__name__)
UNFINISHED = (PaymentState.CREATED.value, PaymentState.STARTED.value)
BATCH = 200


def _now() -> datetime:
    return datetime.now(UTC)


def expire_payments(now: datetime | None = None) -> dict[str, int]:
    """Periodic task: expire every force's payments left unfinished past its expiry time; return the counts."""
    now = now or _now()
    totals = {"expired": 0, "completed": 0, "ended": 0, "errors": 0}
    for tenant in db.session.scalars(db.select(Tenant).order_by(Tenant.id)).all():
        with tenant_context(tenant):
            cutoff = now - timedelta(minutes=expiry_minutes(current_tenant()))
            due = db.session.scalars(
                db.select(Payment)
                .where(Payment.state.in_(UNFINISHED), Payment.created_at <= cutoff)
                .order_by(Payment.created_at)
                .limit(BATCH)
            ).all()
            for payment in due:
                outcome = expire(payment, now)
                if outcome in totals:
                    totals[outcome] += 1
                db.session.commit()
    return totals


def expire(payment: Payment, now: datetime | None = None) -> str:
    """Ask the provider about one overdue payment: complete it if paid, else cancel it there and expire it.

    Returns "completed", "expired", "ended" (it failed or was cancelled at the provider: its places are
    given back all the same), "errors" (the provider could not be asked: tried again next run) or
    "unchanged". Not committed.
    """
    now = now or _now()
    try:
        provider = provider_for(payment.provider)
        truth = provider.fetch(payment) if payment.provider_ref else None
        if truth is not None and truth.state == PaymentState.STARTED and not provider.cancel(payment):
            truth = provider.fetch(payment)  # it could not be cancelled: perhaps the payer just paid
    except ProviderError as exc:
        log.warning("Could not expire payment %s at %s: %s", payment.public_id, payment.provider, exc)
        return "errors"
    if truth is not None and truth.state != PaymentState.STARTED:
        apply_truth(payment, truth)  # the provider's word stands: paid, failed, cancelled or expired there
        if payment.state == PaymentState.SUCCESS:
            return "completed"
        if payment.state == PaymentState.EXPIRED:
            return "expired"
        release_holds(payment, now)
        return "ended"
    return "expired" if mark_expired(payment, "not finished in time", now) else "unchanged"


def mark_expired(payment: Payment, why: str, now: datetime | None = None) -> bool:
    """Mark an unfinished (or failed) payment expired and give back the case's held places; not committed.

    Conditional, like every payment state change: a payment that succeeded meanwhile is never expired.
    """
    before = payment.state
    changed = db.session.execute(
        db.update(Payment)
        .where(Payment.case_id == payment.case_id, Payment.id == payment.id,
               Payment.state.in_([*UNFINISHED, PaymentState.FAILED.value]))
        .values(state=PaymentState.EXPIRED.value, failure=why[:500], updated_at=now or _now())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(payment)
    if changed != 1:
        return False
    released = release_holds(payment, now or _now())
    audit(
        "payment.expired",
        target=f"payment:{payment.public_id}",
        before={"state": before},
        after={"state": PaymentState.EXPIRED.value, "why": why, "released_bookings": released},
        actor=SYSTEM_ACTOR,
    )
    return True


def release_holds(payment: Payment, now: datetime) -> list[int]:
    """Give back the places the case is holding (not yet confirmed), unless another payment of the case is
    still open, or has paid for the same purpose (the place is then the service's to confirm)."""
    still_open = db.session.scalar(
        db.select(Payment.id)
        .where(
            Payment.case_id == payment.case_id,
            Payment.id != payment.id,
            Payment.state.in_(UNFINISHED)
            | ((Payment.state == PaymentState.SUCCESS.value) & (Payment.purpose == payment.purpose)),
        )
        .limit(1)
    )
    if still_open is not None:
        return []
    held = db.session.scalars(
        db.select(Booking).where(Booking.case_id == payment.case_id, Booking.state == BookingState.HELD.value)
    ).all()
    if not held:
        return []
    lock_slots([b.slot_id for b in held])
    released = []
    ended = {"ended_at": now, "ended_by": SYSTEM_ACTOR, "end_reason": "payment not finished in time"}
    for booking in held:
        if move_booking(booking, (BookingState.HELD.value,), BookingState.EXPIRED.value, **ended):
            release_place(booking.slot_id)
            after = {"slot_id": booking.slot_id}
            audit("booking.expired", target=f"booking:{booking.id}", actor=SYSTEM_ACTOR, after=after)
            released.append(booking.id)
    return released
