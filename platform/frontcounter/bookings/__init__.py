"""Bookings: slots with capacity, holds that expire, book, cancel and reschedule under rules.

A service declares BookingRules (Service.extra["booking_rules"]); staff manage its slots at
/<force>/staff/slots/<service>/; its own public pages call the functions below and render
bookings/choose_slot.html. See docs in each module.
"""

from frontcounter.bookings.holds import expire_holds
from frontcounter.bookings.models import Booking, BookingState, Slot
from frontcounter.bookings.queries import available_query, available_slots
from frontcounter.bookings.rules import BookingRefused, BookingRules, rules_for
from frontcounter.bookings.service import (
    active_booking,
    active_bookings,
    applicant_change_refusal,
    book,
    cancel,
    confirm,
    hold,
    reschedule,
    why_not_changeable,
)
from frontcounter.bookings.slots import SlotSpec, cancel_slot, change_capacity, create_slots

__all__ = [
    "Booking",
    "BookingRefused",
    "BookingRules",
    "BookingState",
    "Slot",
    "SlotSpec",
    "active_booking",
    "active_bookings",
    "applicant_change_refusal",
    "available_query",
    "available_slots",
    "book",
    "cancel",
    "cancel_slot",
    "change_capacity",
    "confirm",
    "create_slots",
    "expire_holds",
    "hold",
    "reschedule",
    "rules_for",
    "why_not_changeable",
]
