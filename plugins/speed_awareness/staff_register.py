"""A session's register for its trainer: the drivers booked on it, and marking each attended or a no-show.

Marking fires the course workflow as the signed-in trainer: "attended" fires mark_attended then complete
(the offer is completed and the offence lapses); "no_show" fires no_show (the offer is withdrawn, the
driver is emailed and the case waits in the prosecution queue). The case_transitioned hook keeps the
offer's status in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from frontcounter.bookings import Booking, BookingState, Slot
from frontcounter.bookings.times import in_uk
from frontcounter.cases.engine import TransitionRefused, fire
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter_speed_awareness.models import Offer
from frontcounter_speed_awareness.rules import uk_today

MARKS = ("attended", "no_show")
UNMARKED = "booked"


@dataclass(frozen=True)
class RegisterLine:
    """One driver on the register: their booking, case, offer reference and name, and where their case is."""

    booking_id: int
    case: Case
    reference: str
    driver_name: str

    @property
    def marked(self) -> bool:
        """True once the trainer has marked this driver (their case has left "booked")."""
        return self.case.state != UNMARKED


def register_lines(slot: Slot) -> list[RegisterLine]:
    """The drivers with a confirmed place on `slot`, by name (one query)."""
    rows = db.session.execute(
        db.select(Booking.id, Case, Offer.reference, Offer.driver_name)
        .join(Case, Case.id == Booking.case_id)
        .outerjoin(Offer, Offer.case_id == Case.id)
        .where(Booking.slot_id == slot.id, Booking.state == BookingState.CONFIRMED.value)
    ).all()
    lines = [
        RegisterLine(booking_id, case, reference or case.reference, driver_name or case.applicant_name)
        for booking_id, case, reference, driver_name in rows
    ]
    return sorted(lines, key=lambda line: (line.driver_name.lower(), line.booking_id))


def register_problem(slot: Slot) -> str | None:
    """Why the register cannot be marked yet (a cancelled session, or before the day of the course), or None."""
    if slot.cancelled_at is not None:
        return _("This session has been cancelled.")
    if in_uk(slot.starts_at).date() > uk_today():
        return _("You can mark the register from the day of the course.")
    return None


def mark(slot: Slot, booking_id: int, outcome: str, *, actor: str) -> RegisterLine:
    """Mark one driver on the session's register; TransitionRefused when it cannot be done. Not committed."""
    problem = register_problem(slot)
    if problem:
        raise TransitionRefused(problem, "wrong_state")
    line = next((line for line in register_lines(slot) if line.booking_id == booking_id), None)
    if line is None or outcome not in MARKS:
        raise TransitionRefused(_("This driver is not booked on this session."), "unknown_transition")
    if outcome == "attended":
        if line.case.state == UNMARKED:
            fire(line.case, "mark_attended", actor=actor)
        fire(line.case, "complete", actor=actor)
    else:
        fire(line.case, "no_show", actor=actor)
    return line
