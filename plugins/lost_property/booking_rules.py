"""The hand-in and collection appointments: bookings slots of this service, located at a police station."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from frontcounter.bookings import Booking, BookingRules, active_bookings
from frontcounter.cases.models import Case

HAND_IN = "hand_in"
COLLECTION = "collection"

RULES = BookingRules(
    kinds={HAND_IN: _l("Hand in a found item"), COLLECTION: _l("Collect an item")},
    hold_minutes=15,
    min_notice_hours=1,
    change_cutoff_hours=2,
    max_active_per_case=3,  # the hand-in, a collection, and a collection being rebooked
    send_emails=False,  # the plugin's own emails say what to bring (and owners never see the finder's case)
)


def booking_of(case: Case, kind: str) -> Booking | None:
    """The case's held or confirmed appointment of `kind`, or None."""
    return next((b for b in active_bookings(case) if b.slot.kind == kind), None)
