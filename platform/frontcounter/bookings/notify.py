"""Emails about a booking: confirmed, moved, cancelled, or cancelled because the force cancelled the slot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import gettext as _
from jinja2 import TemplateNotFound

from frontcounter.bookings.times import slot_when
from frontcounter.cases.models import Case
from frontcounter.cases.tracking import tracking_url
from frontcounter.extensions import db
from frontcounter.notifications import send_email
from frontcounter.plugins.manager import registry
from frontcounter.web.i18n import in_language

if TYPE_CHECKING:
    from frontcounter.bookings.models import Booking
    from frontcounter.bookings.rules import BookingRules

EVENTS = ("confirmed", "rescheduled", "cancelled", "slot_cancelled")


def _subject(event: str, service: str) -> str:
    return {
        "confirmed": _("%(service)s: your booking is confirmed", service=service),
        "rescheduled": _("%(service)s: your booking has changed", service=service),
        "cancelled": _("%(service)s: your booking is cancelled", service=service),
        "slot_cancelled": _("%(service)s: we have had to cancel your booking", service=service),
    }[event]


def _template(service_key: str, event: str) -> str:
    """The plugin's email/bookings/<service>/<event> when it has one, else the core's email/bookings/<event>."""
    specific = f"email/bookings/{service_key}/{event}"
    try:
        current_app.jinja_env.get_template(f"{specific}.txt")
        return specific
    except TemplateNotFound:
        return f"email/bookings/{event}"


def notify_booking(booking: Booking, event: str, rules: BookingRules, *, reason: str = "") -> None:
    """Queue the email for `event` to the booking's person (sent after commit; none when rules say so)."""
    if event not in EVENTS:
        raise ValueError(f"Unknown booking event {event!r}")
    if not rules.send_emails or not booking.email:
        return
    slot = booking.slot
    service = registry().services[slot.service_key]
    case = db.session.get(Case, booking.case_id) if booking.case_id is not None else None
    with in_language(case.language if case is not None else None):
        _send(booking, event, rules, slot, service, case, reason)


def _send(booking: Booking, event: str, rules: BookingRules, slot, service, case, reason: str) -> None:  # type: ignore[no-untyped-def]
    send_email(
        booking.email,
        _subject(event, str(service.name)),
        _template(slot.service_key, event),
        booking=booking,
        slot=slot,
        case=case,
        service=service,
        kind=rules.kind_label(slot.kind),
        when=slot_when(slot.starts_at, slot.ends_at),
        reason=reason,
        link=tracking_url(case) if case is not None else "",
    )
