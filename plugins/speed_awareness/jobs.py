"""Scheduled work (`frontcounter sweep`): withdraw offers whose deadlines passed.

It finds rows across forces platform-wide, then works inside each force's scope, and is safe to run
again: a row already dealt with is not found twice. Retention is the core's (personal_data.py's policy).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta

from frontcounter.audit import record as audit
from frontcounter.bookings import active_booking
from frontcounter.cases.engine import TransitionRefused, fire
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.jobs.schedule import PeriodicTask
from frontcounter.tenancy import Tenant, platform_wide, tenant_context
from frontcounter_speed_awareness.models import Offer, OfferStatus
from frontcounter_speed_awareness.offers import SERVICE_KEY, follow_case
from frontcounter_speed_awareness.rules import uk_today
from sqlalchemy import ColumnElement, or_

log = logging.getLogger(__name__)
SYSTEM_ACTOR = "system: speed awareness deadlines"


def periodic_tasks() -> list[PeriodicTask]:
    """The plugin's periodic tasks, for the periodic_tasks hook."""
    return [
        PeriodicTask("speed-awareness-deadlines", expire_missed_deadlines, timedelta(hours=1)),
    ]


def _each_force(where: ColumnElement[bool], why: str, work: Callable[[Offer], bool]) -> int:
    """Run `work` on every offer matching `where`, inside its force's scope; commit per offer; count the Trues."""
    with platform_wide(why):
        found = db.session.execute(db.select(Offer.id, Offer.tenant_id).where(where).order_by(Offer.id)).all()
    done = 0
    for offer_id, tenant_id in found:
        with tenant_context(db.session.get(Tenant, tenant_id)):
            offer = db.session.get(Offer, offer_id, with_for_update=True)
            try:
                done += bool(offer is not None and work(offer))
                db.session.commit()
            except TransitionRefused as refused:
                db.session.rollback()
                log.warning("Offer %s: deadline not applied: %s", offer_id, refused.message)
    return done


def expire_missed_deadlines(today: date | None = None) -> int:
    """Withdraw offers not booked by their book-by date, and bookings left without a place after complete-by.

    An offer never started (no case) becomes "expired"; a case still "offered" after book-by, or
    "booked" after complete-by with no place held (its session was cancelled and not replaced), fires
    "deadline_missed". A booked driver whose session has been held is left for the trainer to mark.
    """
    today = today or uk_today()
    where = or_(
        (Offer.status == OfferStatus.OFFERED.value) & (Offer.book_by < today),
        (Offer.status == OfferStatus.BOOKED.value) & (Offer.complete_by < today),
    )
    return _each_force(
        where, "sweeper: offers past their deadlines in every force", lambda offer: _apply_deadline(offer, today)
    )


def _apply_deadline(offer: Offer, today: date) -> bool:
    case = db.session.get(Case, offer.case_id) if offer.case_id is not None else None
    if case is None:
        if offer.status != OfferStatus.OFFERED or offer.book_by >= today:
            return False
        offer.status = OfferStatus.EXPIRED.value
        audit(
            f"{SERVICE_KEY}.offer_expired",
            target=f"offer:{offer.reference}",
            actor=SYSTEM_ACTOR,
            after={"book_by": offer.book_by.isoformat()},
        )
        return True
    missed_booking = case.state == "offered" and offer.book_by < today
    missed_course = case.state == "booked" and offer.complete_by < today and active_booking(case) is None
    if not (missed_booking or missed_course):
        return False
    fire(case, "deadline_missed", actor=SYSTEM_ACTOR, as_system=True)
    follow_case(case, today)
    return True
