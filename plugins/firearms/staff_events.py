"""What follows a firearms case's transitions (called from the case_transitioned hook, in its transaction).

- entering background checks: the checks job is queued (outbox);
- entering granted (a grant, or an appeal allowed): certificates issued, their PDFs queued;
- refused: the reasons (the transition's note) recorded with the appeal deadline, letter and refund queued.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontcounter.cases.models import CaseEvent
from frontcounter.extensions import db
from frontcounter.jobs.outbox import defer
from frontcounter_firearms.decisions import grant, refuse

if TYPE_CHECKING:
    from frontcounter.cases.models import Case

SERVICE = "firearms"


def latest_event(case: Case) -> CaseEvent | None:
    """The case's newest history entry (the transition that just fired: its actor and note)."""
    return db.session.scalar(
        db.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id.desc()).limit(1)
    )


def react(case: Case, transition: str, from_state: str | None) -> None:
    """Do what the firearms service does after `transition` moved `case` out of `from_state`."""
    if case.service_key != SERVICE:
        return
    event = latest_event(case)
    actor = event.actor if event is not None else "system: firearms"
    note = event.note if event is not None else ""
    if case.state == "background_checks":
        from frontcounter_firearms.jobs import run_background_checks

        defer(run_background_checks, case.id)
    elif case.state == "granted":
        grant(case, actor)
    elif case.state == "refused" and transition == "refuse":
        refuse(case, note, actor, reasons_in_letter=letter_includes_note())


def letter_includes_note() -> bool:
    """True when the supervisor ticked "print my note in the refusal letter" on the confirmation page."""
    from flask import has_request_context, request

    return has_request_context() and request.form.get("letter_includes_note") == "yes"
