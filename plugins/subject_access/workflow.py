"""The subject access request case: from the request to the secure disclosure.

    awaiting_identity -> identity_check -> searching -> review -> approval -> disclosed -> closed
    identity_check -> awaiting_identity           (evidence rejected, with a reason the requester is told)
    awaiting_identity -> cancelled                (no evidence within the force's days: the sweeper)
    approval -> review                            (sent back by the approver)
    any open state -> withdrawn

The statutory deadline is the plugin's (rules.py); it is written to the case's deadline after each
transition, so the core's queues order by it. Caseworkers search and review; a supervisor other
than the person who sent it for approval approves the response.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from frontcounter.cases import State, Transition, Workflow
from frontcounter_subject_access.guards import CLOCK_SET, SECOND_PERSON, SENT_FOR_APPROVAL

SERVICE_KEY = "subject_access"
CASEWORK = ("caseworker", "supervisor")
APPROVE = ("supervisor",)
OPEN = ("awaiting_identity", "identity_check", "searching", "review", "approval")
CLOCK_RUNNING = ("searching", "review", "approval")

STATES = [
    State(
        "awaiting_identity",
        _l("Waiting for proof of identity"),
        _l("We have your request. We need proof of your identity before we can start."),
        next_steps=_l("Upload a photo or scan of your driving licence, passport or national identity card."),
    ),
    State(
        "identity_check",
        _l("Checking your proof of identity"),
        _l("We have your proof of identity and are checking it."),
        next_steps=_l("You do not need to do anything. We will email you when we have checked it."),
    ),
    State(
        "searching",
        _l("Searching our records"),
        _l("We have accepted your proof of identity and are searching our records for your information."),
        next_steps=_l("You do not need to do anything. We will respond by the date shown."),
        notify=True,
    ),
    State(
        "review",
        _l("Preparing your information"),
        _l("We are reviewing the information we found and preparing it for you."),
        next_steps=_l("You do not need to do anything. We will respond by the date shown."),
    ),
    State(
        "approval",
        _l("Preparing your information"),
        _l("We are reviewing the information we found and preparing it for you."),
        next_steps=_l("You do not need to do anything. We will respond by the date shown."),
    ),
    State(
        "disclosed",
        _l("Response ready"),
        _l("Our response is ready. We have emailed you a secure link to download it, or we are posting it to you."),
        next_steps=_l("Use the link in our email, with the one-time code we send you, or look out for our letter."),
        terminal=True,
    ),
    State(
        "closed",
        _l("Closed"),
        _l("We have responded to your request and closed it."),
        next_steps=_l(
            "If you are unhappy with our response you can complain to the Information Commissioner's Office."
        ),
        terminal=True,
    ),
    State(
        "cancelled",
        _l("Cancelled: no proof of identity"),
        _l("We closed your request because we did not receive proof of your identity in time."),
        next_steps=_l("You can make a new request at any time."),
        terminal=True,
        notify=True,
    ),
    State(
        "withdrawn",
        _l("Withdrawn"),
        _l("The request was withdrawn."),
        next_steps=_l("You can make a new request at any time."),
        terminal=True,
        notify=True,
    ),
]

TRANSITIONS = [
    Transition("evidence_received", ("awaiting_identity",), "identity_check", _l("Receive proof of identity"),
               by_applicant=True),
    Transition("accept_identity", ("identity_check",), "searching", _l("Accept proof of identity"), roles=CASEWORK,
               guards=(CLOCK_SET,)),
    Transition("reject_identity", ("identity_check",), "awaiting_identity", _l("Reject proof of identity"),
               roles=CASEWORK, needs_note=True),
    Transition("cancel_no_identity", ("awaiting_identity",), "cancelled", _l("Cancel: no proof of identity")),
    Transition("finish_search", ("searching",), "review", _l("Finish searching"), roles=CASEWORK),
    Transition("send_for_approval", ("review",), "approval", _l("Send for approval"), roles=CASEWORK,
               guards=(SENT_FOR_APPROVAL,)),
    Transition("send_back", ("approval",), "review", _l("Send back for changes"), roles=APPROVE, needs_note=True),
    Transition("approve", ("approval",), "disclosed", _l("Approve and send"), roles=APPROVE,
               guards=(SECOND_PERSON,)),
    Transition("close", ("disclosed",), "closed", _l("Close")),
    Transition("record_posted", ("disclosed",), "closed", _l("Record that the response was posted"), roles=CASEWORK),
    Transition("withdraw", OPEN, "withdrawn", _l("Withdraw"), roles=CASEWORK, needs_note=True),
]

WORKFLOW = Workflow(states=STATES, transitions=TRANSITIONS)
