"""What an applicant may do to their own case from the tracking page, and doing it all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.cases.workflow import Transition
from frontcounter.refusals import Refused

NOTE_MAX = 2000


@dataclass
class ActionInvalid(Exception):
    """The applicant's answers need correcting: field id -> message, for a GOV.UK error summary."""

    errors: dict[str, str] = field(default_factory=dict)


def applicant_actions(case: Case) -> list[Transition]:
    """Transitions the applicant may take now on the core page: from this state, with every guard passing."""
    workflow = engine.workflow_for(case.service_key)
    return [
        t
        for t in workflow.transitions_from(case.state)
        if t.by_applicant and t.applicant_page is not None and engine.refusal(case, t) is None
    ]


def offered_action(case: Case, name: str) -> Transition | None:
    """The transition `name` when it is offered to the applicant now, else None."""
    return next((t for t in applicant_actions(case) if t.name == name), None)


def take_action(
    case: Case, transition: Transition, *, actor: str, note: str = "", upload: FileStorage | None = None
) -> Case:
    """Fire `transition` as the applicant with their note and upload (checked by content); not committed.

    Raises ActionInvalid (field errors) or a Refused (the action may not happen now). The caller rolls back
    on either, so nothing of a refused action is kept: no transition, no document, no file.
    """
    from frontcounter.documents.uploads import store_upload

    page = transition.applicant_page
    if page is None:
        raise ValueError(f"{transition.name!r} is not offered on the applicant action page")
    errors: dict[str, str] = {}
    note = note.strip() if page.note else ""
    if page.note and transition.needs_note and not note:
        errors["note"] = _("Enter a note to say why.")
    elif len(note) > NOTE_MAX:
        errors["note"] = _("The note must be %(max)d characters or fewer.", max=NOTE_MAX)
    if errors:
        raise ActionInvalid(errors)
    engine.fire(case, transition.name, actor=actor, note=note, as_applicant=True)
    if page.upload and upload is not None and upload.filename:
        try:
            store_upload(upload, case, page.upload)
        except Refused as refused:
            raise ActionInvalid({"upload": refused.message}) from refused
    return case
