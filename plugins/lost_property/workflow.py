"""A found item's stages (DOMAIN: reported -> received -> matching -> owner claim -> returned | finder claim
after 28 days -> returned to finder | retention over -> disposal).

- The case opens when a finder reports an item online ("reported": they will bring it to a station at the
  slot they booked), or when staff record an item handed in at the counter (opened, then "receive").
- Matching against lost reports is not a state: it runs whenever an item is received or a report arrives.
- A serial flagged by the national property register makes the item a crime matter (terminal here: it
  leaves lost property for investigation).
- Passports and bank cards are sent on (to HM Passport Office or the issuer): a recorded disposal route.
- Disposal fires only when a second member of staff has approved it (the DISPOSAL_APPROVED guard).
- Transitions that record something (receive, accept a claim, hand over, send on, dispose) have no staff
  roles: only the plugin's own staff pages fire them (as the system, with the member of staff as the actor),
  after recording the storage, the ID checked, the second person's approval. The core's generic case page
  and case API therefore cannot skip those records; they offer only "pass to officers", "put back in store"
  and "cancel".
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from frontcounter.cases import Guard, State, Transition, Workflow

SERVICE_KEY = "lost_property"
STAFF = ("caseworker", "supervisor")


def _disposal_approved(case) -> str | None:  # type: ignore[no-untyped-def]
    from frontcounter_lost_property.disposals import approved_disposal

    return None if approved_disposal(case) is not None else str(_l("A second person must approve the disposal."))


def _claim_approved(case) -> str | None:  # type: ignore[no-untyped-def]
    from frontcounter_lost_property.claims import approved_claim

    return None if approved_claim(case) is not None else str(_l("No claim for this item has been approved."))


DISPOSAL_APPROVED = Guard("disposal_approved", _disposal_approved)
CLAIM_APPROVED = Guard("claim_approved", _claim_approved)

WORKFLOW = Workflow(
    states=[
        State(
            "reported",
            _l("Reported, waiting to be handed in"),
            _l("You told us about an item you found."),
            next_steps=_l("Bring the item to the police station at the time you booked."),
        ),
        State(
            "received",
            _l("Handed in and kept safe"),
            _l("The item has been handed in and is kept safe at a police station."),
            next_steps=_l("We look for its owner. We will email you if you can claim it."),
            notify=True,
        ),
        State(
            "awaiting_collection",
            _l("Waiting to be collected"),
            _l("A claim for the item has been accepted."),
            next_steps=_l("The person whose claim was accepted collects it at the time they booked, with photo ID."),
        ),
        State(
            "returned",
            _l("Returned"),
            _l("The item has been collected."),
            next_steps=_l("You do not need to do anything else. Thank you for handing it in."),
            terminal=True,
            notify=True,
        ),
        State(
            "sent_on",
            _l("Sent to the issuer"),
            _l("The item has been sent to the organisation that issued it, which will contact its owner."),
            terminal=True,
        ),
        State(
            "crime_matter",
            _l("Passed to officers"),
            _l("The item is now part of a police investigation."),
            next_steps=_l("You do not need to do anything. Officers may contact you."),
            terminal=True,
        ),
        State(
            "disposed",
            _l("Disposed of"),
            _l("Nobody claimed the item in time, so it has been disposed of as the law allows."),
            terminal=True,
        ),
        State(
            "not_handed_in",
            _l("Not handed in"),
            _l("The item was not handed in."),
            terminal=True,
        ),
    ],
    transitions=[
        Transition("receive", ("reported",), "received", _l("Receive the item")),
        Transition("approve_claim", ("received",), "awaiting_collection", _l("Accept a claim"),
                   guards=(CLAIM_APPROVED,)),
        Transition("claim_lapsed", ("awaiting_collection",), "received", _l("Put back in store"), roles=STAFF,
                   needs_note=True),
        Transition("hand_over", ("awaiting_collection",), "returned", _l("Hand over the item")),
        Transition("send_on", ("received",), "sent_on", _l("Send to the issuer")),
        Transition("flag_crime", ("reported", "received"), "crime_matter", _l("Pass to officers as a crime"),
                   roles=STAFF, needs_note=True),
        Transition("dispose", ("received",), "disposed", _l("Dispose of the item"), guards=(DISPOSAL_APPROVED,)),
        Transition("cancel_report", ("reported",), "not_handed_in", _l("Cancel: not handed in"), roles=STAFF,
                   by_applicant=True),
    ],
)
