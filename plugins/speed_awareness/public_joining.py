"""The joining link of an online session, emailed 48 hours before it starts by a job waiting in the outbox.

When a booking on an online session is confirmed (or moved to one), schedule_joining_link() defers
send_joining_link() until 48 hours before the start (at once when that has passed). The job checks
again that the booking is still confirmed on that session and sends the link once only: a booking
moved or cancelled meanwhile gets nothing, and the booking its place moved to has its own job.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask_babel import gettext as _
from frontcounter.audit import record as audit
from frontcounter.audit.models import AuditEvent
from frontcounter.bookings import Booking, BookingState
from frontcounter.bookings.times import as_utc, now_utc, slot_when
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.jobs.outbox import OutboxMessage, RetryLater, defer
from frontcounter.notifications import send_email
from frontcounter.web.i18n import in_language
from frontcounter_speed_awareness.courses import course_label
from frontcounter_speed_awareness.offers import SERVICE_KEY
from frontcounter_speed_awareness.sessions import JOINING_LINK_NOTICE, session_details

log = logging.getLogger(__name__)
SENT = f"{SERVICE_KEY}.joining_link_sent"
SYSTEM_ACTOR = "system: speed awareness joining links"


def schedule_joining_link(booking: Booking, now: datetime | None = None) -> OutboxMessage | None:
    """Defer the joining link email of a confirmed online booking to 48 hours before it starts; None offline."""
    slot = booking.slot
    if not session_details(slot)["online"]:
        return None
    wait = as_utc(slot.starts_at) - JOINING_LINK_NOTICE - (now or now_utc())
    return defer(send_joining_link, booking.id, slot.id, delay=wait if wait > timedelta(0) else None)


def _already_sent(booking_id: int) -> bool:
    return (
        db.session.scalar(
            db.select(AuditEvent.id).where(AuditEvent.action == SENT, AuditEvent.target == f"booking:{booking_id}")
        )
        is not None
    )


def send_joining_link(booking_id: int, slot_id: int) -> bool:
    """Email the joining link if the booking is still confirmed on that session and has not had it; True when sent.

    A session whose link staff have not entered yet is tried again later (RetryLater).
    """
    # Lock the booking's row (only: its slot is joined eagerly) so two runs of this job send one email.
    db.session.execute(db.select(Booking.id).where(Booking.id == booking_id).with_for_update())
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.state != BookingState.CONFIRMED or booking.slot_id != slot_id or not booking.email:
        return False
    slot = booking.slot
    if slot.cancelled_at is not None or as_utc(slot.ends_at) <= now_utc() or _already_sent(booking_id):
        return False
    link = session_details(slot)["joining_link"]
    if not link:
        raise RetryLater(f"session {slot_id} has no joining link yet")
    case = db.session.get(Case, booking.case_id) if booking.case_id is not None else None
    course = course_label(slot.kind)
    with in_language(case.language if case is not None else None):
        send_email(
            booking.email,
            _("Your joining link for the %(course)s", course=course),
            "email/speed_awareness/joining_link",
            course=course,
            when=slot_when(slot.starts_at, slot.ends_at),
            joining_link=link,
            case=case,
        )
    audit(SENT, target=f"booking:{booking_id}", actor=SYSTEM_ACTOR, after={"slot_id": slot_id})
    return True
