"""The firearm and shotgun certificate case: from the application being sent to a grant, refusal or appeal.

A case opens when the applicant sends the finished form (awaiting_payment) and moves on once the fee
is paid (or at once for a free like-for-like variation):

    awaiting_payment -> submitted -> (completeness check) -> awaiting_referees_gp
        -> background_checks -> visit_to_arrange -> visit_booked -> decision -> granted | refused
    submitted -> incomplete -> submitted                  (returned to the applicant, then resubmitted)
    awaiting_referees_gp -> referees_overdue              (7 days without every referee: flagged, applicant told)
    visit_to_arrange -> decision                          (renewals only: enquiry by phone)
    refused -> closed                                     (after the 21-day appeal window)
    refused | closed -> appealed -> granted | closed      (appeal to the Crown Court)
    any open state -> withdrawn;  awaiting_payment -> lapsed (unpaid after 28 days)

Caseworkers (and supervisors) check completeness and run checks; field officers (firearms enquiry
officers) record the visit; supervisors decide under delegated authority. Force admins hold every
role. Transitions without roles are fired by the system (payments, referee links, timers).
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from frontcounter.cases import ApplicantPage, State, Timer, Transition, Workflow
from frontcounter_firearms.guards import (
    CHECKS_COMPLETE,
    FEE_SETTLED,
    GP_INFORMATION_PRESENT,
    PHOTO_PRESENT,
    REFEREES_CONFIRMED,
    REFEREES_OUTSTANDING,
    RENEWAL_ONLY,
)
from frontcounter_firearms.rules import APPEAL_DAYS

CASEWORK = ("caseworker", "supervisor")
FIELD = ("field_officer",)
BOOKING = ("caseworker", "field_officer")
DECIDE = ("supervisor",)

REFEREE_DAYS = 7
UNPAID_DAYS = 28
INCOMPLETE_REMINDER_DAYS = 14

OPEN = (
    "awaiting_payment",
    "submitted",
    "incomplete",
    "awaiting_referees_gp",
    "referees_overdue",
    "background_checks",
    "visit_to_arrange",
    "visit_booked",
    "decision",
)

STATES = [
    State(
        "awaiting_payment",
        _l("Waiting for payment"),
        _l("We have your application but not the fee yet."),
        next_steps=_l("Pay the fee to send us your application."),
    ),
    State(
        "submitted",
        _l("Received"),
        _l("We have received your application (and your fee, when one is due)."),
        next_steps=_l("The firearms licensing team will check that your application is complete."),
        notify=True,
    ),
    State(
        "incomplete",
        _l("More information needed"),
        _l("Your application is missing something we need. Our email tells you what."),
        next_steps=_l("Send us what is missing, then send your application again."),
        notify=True,
        email_note=_l("What we need from you:"),
    ),
    State(
        "awaiting_referees_gp",
        _l("Waiting for referees and GP"),
        _l("We have asked your referees to confirm your details. We are checking your GP's medical information."),
        next_steps=_l(
            "Your referees have 7 days to reply using the link we emailed them. Ask them to check their email."
        ),
        notify=True,
    ),
    State(
        "referees_overdue",
        _l("Referees have not replied"),
        _l("Not every referee replied within 7 days."),
        next_steps=_l("Ask your referees to reply using the link we emailed them, or give us a different referee."),
        notify=True,
    ),
    State(
        "background_checks",
        _l("Checks in progress"),
        _l("Your referees have replied and we have your GP's information. We are carrying out background checks."),
        next_steps=_l("You do not need to do anything. A firearms enquiry officer will contact you."),
        notify=True,
    ),
    State(
        "visit_to_arrange",
        _l("Visit to arrange"),
        _l("A firearms enquiry officer will contact you to arrange a home visit, or for some renewals a phone call."),
        next_steps=_l("Wait for the firearms enquiry officer to contact you."),
    ),
    State(
        "visit_booked",
        _l("Home visit booked"),
        _l("A firearms enquiry officer will visit you to check your security and go through your application."),
        next_steps=_l("Be at home at the agreed time, with your firearms and their storage ready to inspect."),
        # no state email: the booking's own email (time, place, how to change it) is the one the applicant gets
    ),
    State(
        "decision",
        _l("Awaiting a decision"),
        _l("Your application is with a senior officer for a decision."),
        next_steps=_l("You do not need to do anything. We will write to you with the decision."),
    ),
    State(
        "granted",
        _l("Granted"),
        _l("Your certificate has been granted."),
        next_steps=_l("We will send you your certificate. Check it carefully and keep it safe."),
        terminal=True,
        notify=True,
    ),
    State(
        "refused",
        _l("Refused"),
        _l("Your application has been refused. Our letter gives the reasons. A refused grant's fee is refunded."),
        next_steps=_l("You can appeal to the Crown Court within 21 days of the date of our letter."),
        notify=True,
    ),
    State(
        "appealed",
        _l("Appeal in progress"),
        _l("You have appealed to the Crown Court against our decision."),
        next_steps=_l("The Crown Court will tell you when your appeal will be heard."),
        notify=True,
    ),
    State(
        "closed",
        _l("Closed"),
        _l("Your application was refused and the case is closed."),
        next_steps=_l("You can apply again at any time."),
        terminal=True,
    ),
    State(
        "withdrawn",
        _l("Withdrawn"),
        _l("The application was withdrawn."),
        next_steps=_l("You can apply again at any time."),
        terminal=True,
        notify=True,
    ),
    State(
        "lapsed",
        _l("Closed: not paid"),
        _l("We closed the application because the fee was not paid within 28 days."),
        next_steps=_l("You can apply again at any time."),
        terminal=True,
        notify=True,
    ),
]

TRANSITIONS = [
    Transition("pay", ("awaiting_payment",), "submitted", _l("Record payment"), guards=(FEE_SETTLED,)),
    Transition("lapse", ("awaiting_payment",), "lapsed", _l("Close unpaid")),
    Transition(
        "return_incomplete",
        ("submitted",),
        "incomplete",
        _l("Return as incomplete"),
        roles=CASEWORK,
        needs_note=True,
        note_label=_l("What the applicant must send us (emailed to them)"),
    ),
    Transition(
        "resubmit",
        ("incomplete",),
        "submitted",
        _l("Send the application again"),
        roles=CASEWORK,
        by_applicant=True,
        applicant_page=ApplicantPage(
            prompt=_l("Tell us what you are sending and upload it if it is a document. Your application then goes "
                      "back to the firearms licensing team."),
            note=True,
            upload="more_information",
            done=_l("Thank you. We have your reply and your application is back with the firearms licensing team."),
        ),
    ),
    Transition(
        "accept",
        ("submitted",),
        "awaiting_referees_gp",
        _l("Accept as complete"),
        roles=CASEWORK,
        guards=(FEE_SETTLED, PHOTO_PRESENT),
    ),
    Transition(
        "flag_referees_overdue",
        ("awaiting_referees_gp",),
        "referees_overdue",
        _l("Flag referees overdue"),
        guards=(REFEREES_OUTSTANDING,),
    ),
    Transition(
        "change_referees",
        ("referees_overdue",),
        "awaiting_referees_gp",
        _l("Change referees"),
        roles=CASEWORK,
        by_applicant=True,
        applicant_page=None,  # the applicant names the new referees on the firearms pages
    ),
    Transition(
        "start_checks",
        ("awaiting_referees_gp", "referees_overdue"),
        "background_checks",
        _l("Start background checks"),
        roles=CASEWORK,
        guards=(REFEREES_CONFIRMED, GP_INFORMATION_PRESENT),
    ),
    Transition(
        "checks_done",
        ("background_checks",),
        "visit_to_arrange",
        _l("Finish background checks"),
        roles=CASEWORK,
        guards=(CHECKS_COMPLETE,),
    ),
    Transition("book_visit", ("visit_to_arrange",), "visit_booked", _l("Book a home visit"), roles=BOOKING),
    Transition(
        "rearrange_visit",
        ("visit_booked",),
        "visit_to_arrange",
        _l("Rearrange the home visit"),
        roles=BOOKING,
        needs_note=True,
    ),
    Transition(
        "record_visit", ("visit_booked",), "decision", _l("Record the home visit"), roles=FIELD, needs_note=True
    ),
    Transition(
        "record_phone_enquiry",
        ("visit_to_arrange",),
        "decision",
        _l("Record a phone enquiry"),
        roles=FIELD,
        guards=(RENEWAL_ONLY,),
        needs_note=True,
    ),
    Transition(
        "refer_back",
        ("decision",),
        "visit_to_arrange",
        _l("Send back for more enquiries"),
        roles=DECIDE,
        needs_note=True,
    ),
    Transition(
        "grant",
        ("decision",),
        "granted",
        _l("Grant"),
        roles=DECIDE,
        guards=(FEE_SETTLED, PHOTO_PRESENT, REFEREES_CONFIRMED, GP_INFORMATION_PRESENT, CHECKS_COMPLETE),
        confirm=True,
    ),
    Transition("refuse", ("decision",), "refused", _l("Refuse"), roles=DECIDE, needs_note=True, confirm=True),
    Transition("close_appeal_window", ("refused",), "closed", _l("Close after the appeal window")),
    Transition(
        "record_appeal", ("refused", "closed"), "appealed", _l("Record an appeal"), roles=DECIDE, needs_note=True
    ),
    Transition(
        "appeal_allowed", ("appealed",), "granted", _l("Record the appeal as allowed"), roles=DECIDE, needs_note=True
    ),
    Transition(
        "appeal_dismissed", ("appealed",), "closed", _l("Record the appeal as dismissed"), roles=DECIDE, needs_note=True
    ),
    Transition(
        "withdraw",
        OPEN,
        "withdrawn",
        _l("Withdraw"),
        roles=CASEWORK,
        by_applicant=True,
        applicant_page=ApplicantPage(
            prompt=_l("Withdrawing stops your application and cannot be undone. You can apply again at any time."),
            note=True,
            done=_l("Your application has been withdrawn."),
        ),
    ),
]

TIMERS = [
    Timer("awaiting_payment", timedelta(days=UNPAID_DAYS), transition="lapse"),
    Timer("incomplete", timedelta(days=INCOMPLETE_REMINDER_DAYS), remind="incomplete_reminder"),
    # The force's referee_days setting, ending at the end of that UK day.
    Timer("awaiting_referees_gp", "referee_days", transition="flag_referees_overdue"),
    # The applicant may appeal on every one of the 21 days after the refusal: close the day after.
    Timer("refused", timedelta(days=APPEAL_DAYS + 1), transition="close_appeal_window"),
]

WORKFLOW = Workflow(states=STATES, transitions=TRANSITIONS, timers=TIMERS)
