"""The case type of a booked course: offered -> booked (paid) -> attended -> completed, or withdrawn and
returned to prosecution.

- The case opens when the driver starts booking (offers.open_offer_case) in "offered".
- "pay" fires as the system when the course fee is paid (payments.start_payment(..., fulfil_transition="pay")).
- "reschedule" is a recorded self-transition on "booked" after bookings.reschedule moved the place.
- Trainers mark attendance and completion. The core roles are caseworker, field_officer, supervisor
  and force_admin: trainers are field officers (they work away from the office), supervisors may do
  anything a trainer does.
- A no-show, a course not completed, a missed deadline or the driver declining withdraws the offer
  (the driver gets an automatic email); a caseworker then returns the case to the ticket office for
  prosecution ("returned_to_prosecution", terminal).
- Deadlines: "deadline_missed" fires after the offer's book-by date (in "offered") and complete-by date
  (in "booked"), from the plugin's hourly deadlines task (jobs.py), which reads the offer's dates; a
  supervisor may also fire it by hand. (A core Timer could now end on such a date: its `after` may be a
  function of the case returning a datetime.)
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from frontcounter.cases import ApplicantPage, Guard, State, Transition, Workflow
from frontcounter.payments.guards import PAID


def _place_cancellable(case) -> str | None:  # type: ignore[no-untyped-def]
    """None when the driver has a confirmed place they may still cancel online, else why not."""
    from frontcounter.bookings import BookingState, active_booking, applicant_change_refusal
    from frontcounter_speed_awareness.sessions import booking_rules

    booking = active_booking(case)
    if booking is None or booking.state != BookingState.CONFIRMED:
        return _l("You do not have a place on a course to cancel.")
    return applicant_change_refusal(booking, rules=booking_rules())


PLACE_CANCELLABLE = Guard("place_cancellable", _place_cancellable)
TRAINER_ROLES = ("field_officer", "supervisor")
OFFICE_ROLES = ("caseworker", "supervisor")
RETURN_WITHIN = timedelta(days=5)

WORKFLOW = Workflow(
    states=[
        State(
            "offered",
            _l("Course offered"),
            _l("You can book a place on the course you were offered instead of prosecution."),
            next_steps=_l("Choose a course date and pay by the book-by date in your letter."),
        ),
        State(
            "booked",
            _l("Booked"),
            _l("You have paid and have a place on a course."),
            next_steps=_l(
                "Go to the course at the time you booked. You can change the date online until shortly "
                "before the course, as your booking confirmation explains."
            ),
        ),
        State(
            "attended",
            _l("Attended"),
            _l("You went to your course."),
            next_steps=_l("Your trainer will confirm that you completed the course."),
        ),
        State(
            "completed",
            _l("Course completed"),
            _l(
                "You completed the course. You will not be prosecuted for this offence and no penalty points "
                "will be added to your licence."
            ),
            next_steps=_l("You do not need to do anything else."),
            terminal=True,
            notify=True,
        ),
        State(
            "withdrawn",
            _l("Offer withdrawn"),
            _l("The offer of a course has been withdrawn, so the offence will be dealt with in the usual way."),
            next_steps=_l(
                "Your case goes back to the police to be dealt with in the usual way. They will write "
                "to you about what happens next."
            ),
            deadline=RETURN_WITHIN,
            notify=True,
        ),
        State(
            "returned_to_prosecution",
            _l("Returned for prosecution"),
            _l("Your case has been passed back to the police to be dealt with in the usual way."),
            next_steps=_l("The police will write to you about what happens next."),
            terminal=True,
        ),
    ],
    transitions=[
        Transition("pay", ("offered",), "booked", _l("Record payment"), guards=(PAID,)),
        Transition(
            "reschedule",
            ("booked",),
            "booked",
            _l("Change course date"),
            roles=OFFICE_ROLES,
            by_applicant=True,
            applicant_page=None,  # the driver chooses the new session on the booking pages
        ),
        Transition(
            "cancel_place",
            ("booked",),
            "booked",
            _l("Cancel your place"),
            guards=(PLACE_CANCELLABLE,),
            by_applicant=True,
            applicant_page=ApplicantPage(
                prompt=_l(
                    "The fee you paid is kept for your next booking: you can choose another session later without "
                    "paying again. You must still go on a course by the complete-by date in your letter, or the "
                    "offer will be withdrawn and the offence dealt with in the usual way."
                ),
                done=_l("Your place on the course is cancelled."),
            ),
        ),
        Transition("mark_attended", ("booked",), "attended", _l("Mark as attended"), roles=TRAINER_ROLES),
        Transition("no_show", ("booked",), "withdrawn", _l("Mark as not attended"), roles=TRAINER_ROLES),
        Transition("complete", ("attended",), "completed", _l("Confirm course completed"), roles=TRAINER_ROLES),
        Transition(
            "not_completed",
            ("attended",),
            "withdrawn",
            _l("Mark as not completed"),
            roles=TRAINER_ROLES,
            needs_note=True,
        ),
        Transition(
            "deadline_missed",
            ("offered", "booked"),
            "withdrawn",
            _l("Withdraw: deadline missed"),
            roles=("supervisor",),
        ),
        Transition("decline", ("offered",), "withdrawn", _l("Decline the course"), by_applicant=True),
        Transition(
            "return_to_prosecution",
            ("withdrawn",),
            "returned_to_prosecution",
            _l("Return for prosecution"),
            roles=OFFICE_ROLES,
        ),
    ],
)
