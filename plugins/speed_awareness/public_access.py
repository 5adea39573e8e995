"""How a driver gets to their offer: reference, PIN and licence number, rate limited, then remembered in the session.

A failed attempt never says which of the three was wrong. Failures are counted per reference (in
this force) and per address with the core's sign-in limiter, so guessing PINs is slow whichever
way it is tried.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, session
from flask_babel import gettext as _
from frontcounter.accounts import ratelimit
from frontcounter.extensions import db
from frontcounter.tenancy import current_tenant
from frontcounter_speed_awareness.models import Offer, OfferStatus
from frontcounter_speed_awareness.offer_rows import normalise_reference
from frontcounter_speed_awareness.offers import find_offer_for_driver
from frontcounter_speed_awareness.rules import uk_today

SESSION_KEY = "speed_awareness_offers"  # force slug -> the offer id the driver proved is theirs


class AccessRefused(Exception):
    """The driver may not see an offer; `message` is safe to show, `field` is the input to point at."""

    def __init__(self, message: str, field: str = "reference") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class OfferLogin:
    """What the driver typed on the start page."""

    reference: str
    pin: str
    licence_number: str

    def missing(self) -> dict[str, str]:
        """An error message for each field left blank, by field name."""
        errors = {}
        if not self.reference.strip():
            errors["reference"] = _("Enter the offer reference from your letter")
        if not self.pin.strip():
            errors["pin"] = _("Enter the PIN from your letter")
        if not self.licence_number.strip():
            errors["licence_number"] = _("Enter your driving licence number")
        return errors


def _limit_key(reference: str) -> str:
    return f"offer:{current_tenant().slug}:{normalise_reference(reference)}"[:320]


def not_found_message() -> str:
    """The one message for every failed attempt."""
    return _("We could not find an offer with those details. Check your letter and try again.")


def closed_message(offer: Offer) -> str | None:
    """Why an offer the driver has proved is theirs can no longer be booked online, or None when it can."""
    if offer.status == OfferStatus.EXPIRED or (offer.status == OfferStatus.OFFERED and uk_today() > offer.book_by):
        return _(
            "The date to book this course by (%(date)s) has passed, so it can no longer be booked. "
            "The offence will be dealt with in the usual way.",
            date=offer.book_by.strftime("%d/%m/%Y"),
        )
    if offer.status == OfferStatus.WITHDRAWN:
        return _("This offer has been withdrawn, so it can no longer be booked.")
    return None


def sign_in_to_offer(login: OfferLogin, ip: str) -> Offer:
    """Return the offer when reference, PIN and licence match and attempts are not locked; remember it.

    Raises AccessRefused (the same message for a wrong reference, PIN or licence). Commits the
    attempt's record.
    """
    key = _limit_key(login.reference)
    if ratelimit.is_locked(key, ip):
        minutes = max(1, current_app.config["SIGN_IN_WINDOW_SECONDS"] // 60)
        raise AccessRefused(_("Too many failed attempts. Wait %(n)d minutes and try again.", n=minutes))
    offer = find_offer_for_driver(login.reference, login.pin, login.licence_number)
    ratelimit.record(key, ip, offer is not None)
    if offer is None:
        raise AccessRefused(not_found_message())
    session[SESSION_KEY] = {**session.get(SESSION_KEY, {}), current_tenant().slug: offer.id}
    return offer


def signed_in_offer() -> Offer | None:
    """The offer the driver proved is theirs in this browser, for the force in scope, or None."""
    offer_id = session.get(SESSION_KEY, {}).get(current_tenant().slug)
    return db.session.get(Offer, offer_id) if isinstance(offer_id, int) else None


def sign_out_of_offer() -> None:
    """Forget the driver's offer for the force in scope."""
    remembered = dict(session.get(SESSION_KEY, {}))
    remembered.pop(current_tenant().slug, None)
    session[SESSION_KEY] = remembered
