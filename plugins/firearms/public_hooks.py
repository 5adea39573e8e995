"""What the public side does when a firearms case moves: ask the referees, invite the applicant to book."""

from __future__ import annotations

from typing import Any

from frontcounter.bookings import BookingRefused, active_booking, cancel
from frontcounter.plugins import hookimpl
from frontcounter_firearms.public_visits import BOOKABLE_STATE, VISIT_RULES, ask_to_choose_visit
from frontcounter_firearms.referees_public import request_references

SYSTEM_ACTOR = "system: firearms"


@hookimpl(specname="case_transitioned")
def firearms_public_case_transitioned(case: Any, transition: str, from_state: str | None) -> None:
    """Email referees when a case starts waiting for them; invite the applicant to book a home visit."""
    if case.service_key != "firearms":
        return
    if case.state == "awaiting_referees_gp":
        request_references(case)
    elif case.state == BOOKABLE_STATE:
        booking = active_booking(case)
        if booking is not None:  # the visit is being rearranged: the old time goes
            try:
                cancel(booking, actor=SYSTEM_ACTOR, reason="visit rearranged", as_staff=True, rules=VISIT_RULES)
            except BookingRefused:
                pass  # already ended meanwhile
        ask_to_choose_visit(case)
    elif case.state == "visit_booked":  # booked (perhaps by staff on the phone): no longer waiting for times
        from frontcounter_firearms.visit_times import WAITING

        case.data = {key: value for key, value in (case.data or {}).items() if key != WAITING}
