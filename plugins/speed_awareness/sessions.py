"""Course sessions as bookings slots, and the booking rules the service declares to the bookings core.

A session is a bookings Slot: service_key "speed_awareness", kind = course type key, capacity = places
(the force's venue_places for a venue), location = the venue's name and address or "Online", and
details = {"venue_id", "trainer_id", "online", "joining_link"}. Online sessions send the joining link
48 hours before (JOINING_LINK_NOTICE), which a later job does.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from frontcounter.bookings import BookingRules, Slot, SlotSpec
from frontcounter.bookings.times import uk_to_utc
from frontcounter.cases.models import Case
from frontcounter.tenancy.services import service_settings
from frontcounter_speed_awareness.courses import COURSE_TYPES, course_kinds
from frontcounter_speed_awareness.models import OfferStatus, Trainer, Venue
from frontcounter_speed_awareness.offers import SERVICE_KEY, offer_for_case
from frontcounter_speed_awareness.rules import change_cutoff, max_reschedules, uk_today

JOINING_LINK_NOTICE = timedelta(hours=48)
ONLINE = "Online"
HOLD_MINUTES = 30  # time to pay: long enough for a card payment with a bank's extra check


def session_spec(
    course_type: str,
    starts_at: datetime,
    venue: Venue,
    *,
    trainer: Trainer | None = None,
    places: int,
    joining_link: str = "",
    ends_at: datetime | None = None,
) -> SlotSpec:
    """The bookings SlotSpec for one course session (ends after the course's usual length unless given)."""
    course = COURSE_TYPES[course_type]
    # Stored, so not translated: pages show _("Online") for a session whose details say online.
    location = ONLINE if venue.online else ", ".join(p for p in (venue.name, venue.address, venue.postcode) if p)
    return SlotSpec(
        kind=course.key,
        starts_at=starts_at,
        ends_at=ends_at or starts_at + course.duration,
        capacity=places,
        location=location,
        details={
            "venue_id": venue.id,
            "trainer_id": trainer.id if trainer else None,
            "online": venue.online,
            "joining_link": joining_link if venue.online else "",
        },
    )


def session_details(slot: Slot) -> Mapping[str, Any]:
    """A session slot's venue_id, trainer_id, online flag and joining link (empty values when unset)."""
    details = slot.details or {}
    return {
        "venue_id": details.get("venue_id"),
        "trainer_id": details.get("trainer_id"),
        "online": bool(details.get("online")),
        "joining_link": details.get("joining_link") or "",
    }


def end_of_day(day: date) -> datetime:
    """The UTC instant a UK day ends (midnight at the start of the next day)."""
    return uk_to_utc(day + timedelta(days=1), time(0, 0))


def _bookable_until(case: Case) -> datetime | None:
    offer = offer_for_case(case)
    return end_of_day(offer.complete_by) if offer else None


def _may_book(case: Case) -> str | None:
    offer = offer_for_case(case)
    if offer is None:
        return _("This booking is not linked to a course offer.")
    if offer.status not in (OfferStatus.OFFERED, OfferStatus.BOOKED):
        return _("This offer can no longer be booked.")
    if offer.status == OfferStatus.OFFERED and uk_today() > offer.book_by:
        return _("The date to book this course by (%(date)s) has passed.", date=offer.book_by.strftime("%d/%m/%Y"))
    return None


def booking_rules() -> BookingRules:
    """The rules for the force in scope, from its settings (declare as Service.extra["booking_rules"])."""
    settings = service_settings(SERVICE_KEY)
    return BookingRules(
        kinds=course_kinds(),
        hold_minutes=HOLD_MINUTES,
        min_notice_hours=0,
        change_cutoff_hours=int(change_cutoff(settings).total_seconds() // 3600),
        max_reschedules=max_reschedules(settings),
        max_active_per_case=1,
        bookable_until=_bookable_until,
        may_book=_may_book,
        send_emails=True,
    )
