"""The firearms licensing team's named queues: which workflow state each one holds, with counts."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from frontcounter.cases.queries import state_counts

SERVICE = "firearms"


@dataclass(frozen=True)
class NamedQueue:
    """A queue the team knows by name: one workflow state, who works it, and what to do there."""

    key: str
    state: str
    label: LazyString
    hint: LazyString


QUEUES: tuple[NamedQueue, ...] = (
    NamedQueue("new", "submitted", _l("New applications"), _l("Check each application is complete")),
    NamedQueue("incomplete", "incomplete", _l("Returned as incomplete"), _l("Waiting for the applicant")),
    NamedQueue(
        "referees", "awaiting_referees_gp", _l("Awaiting referees and GP"), _l("Waiting for replies and GP information")
    ),
    NamedQueue(
        "referees_overdue", "referees_overdue", _l("Referees overdue"), _l("A referee has not replied within 7 days")
    ),
    NamedQueue("checks", "background_checks", _l("Background checks"), _l("Review flagged or failed checks")),
    NamedQueue("visit", "visit_to_arrange", _l("Visit to arrange"), _l("Book a home visit or phone enquiry")),
    NamedQueue("visit_booked", "visit_booked", _l("Visit booked"), _l("Waiting for the enquiry officer's visit")),
    NamedQueue("decision", "decision", _l("Decision"), _l("Grant or refuse under delegated authority")),
    NamedQueue("issued", "granted", _l("Issued"), _l("Certificates granted")),
    NamedQueue("refused", "refused", _l("Refused"), _l("In the 21-day appeal window")),
    NamedQueue("appeals", "appealed", _l("Appeals"), _l("Appeals to the Crown Court in progress")),
)


def queue_counts() -> list[tuple[NamedQueue, int]]:
    """Each named queue with how many of the force's cases it holds (one grouped query)."""
    counts = state_counts(SERVICE)
    return [(queue, counts.get(queue.state, 0)) for queue in QUEUES]
