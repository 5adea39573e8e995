"""The police decision on a temporary event notice, within the objection window, and what follows it.

"no_objection", "modifications" (standard notices only) or "objection" on one or more licensing objectives
with reasons. An objection notice is generated as a PDF and emailed, with its text, to the premises user and
the licensing authority. After the last day of the window nothing can be issued. An objection to a late notice
means a counter notice at once; to a standard notice, a hearing at least 24 hours before the event.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.cases.tracking import tracking_url
from frontcounter.documents.pdf import generate_document
from frontcounter.notifications import send_email
from frontcounter.refusals import Refused
from frontcounter_liquor.models import EventNotice
from frontcounter_liquor.notices import team_email
from frontcounter_liquor.timing import within_window

OBJECTIVES = {
    "crime_and_disorder": _l("The prevention of crime and disorder"),
    "public_safety": _l("Public safety"),
    "public_nuisance": _l("The prevention of public nuisance"),
    "protection_of_children": _l("The protection of children from harm"),
}
DECISIONS = ("no_objection", "modifications", "objection")
HEARING_NOTICE = timedelta(hours=24)


class DecisionRefused(Refused):
    """A decision that may not be recorded (window_closed, wrong_state, not_standard, no_objectives, ...)."""


def check_decision(
    notice: EventNotice, decision: str, objectives: list[str], reasons: str, today: date
) -> dict[str, str]:
    """Problems with a decision, by form field (empty when it may be recorded)."""
    errors: dict[str, str] = {}
    if decision not in DECISIONS:
        errors["decision"] = _("Select the police decision")
    elif decision == "modifications" and notice.kind != "standard":
        errors["decision"] = _("Modifications can only be agreed on a standard notice; this notice is late")
    if decision == "objection":
        if not objectives or any(o not in OBJECTIVES for o in objectives):
            errors["objectives"] = _("Select the licensing objectives the objection is based on")
        if not reasons.strip():
            errors["reasons"] = _("Enter the reasons for the objection")
    if decision == "modifications" and not reasons.strip():
        errors["reasons"] = _("Enter the modifications agreed with the premises user")
    if not within_window(today, notice.objection_due):
        errors = {"decision": window_closed_message(notice)}
    return errors


def window_closed_message(notice: EventNotice) -> str:
    """Why nothing can be issued any more."""
    return _(
        "The objection window ended on %(day)s. The police can no longer object to or agree changes to this notice.",
        day=notice.objection_due.strftime("%-d %B %Y"),
    )


def decide(
    case: Case, notice: EventNotice, decision: str, *, objectives: list[str], reasons: str, actor: str, today: date
) -> None:
    """Record the police decision on `today` (UK date) and send it; raise DecisionRefused (not committed)."""
    if case.state != "received":
        raise DecisionRefused(_("The police have already decided on this notice."), "wrong_state")
    errors = check_decision(notice, decision, objectives, reasons, today)
    if errors:
        code = "window_closed" if not within_window(today, notice.objection_due) else "invalid"
        raise DecisionRefused(next(iter(errors.values())), code)
    notice.decision, notice.reasons, notice.decided_by = decision, reasons.strip(), actor
    notice.objectives = list(objectives) if decision == "objection" else []
    notice.decided_at = datetime.now(UTC)
    transition = {"no_objection": "no_objection", "modifications": "agree_modifications", "objection": "object"}
    engine.fire(case, transition[decision], actor=actor, as_system=True,
                note=reasons.strip() if decision != "objection" else "")
    if decision == "objection":
        send_objection(case, notice)
        if notice.kind == "late":
            engine.fire(case, "counter_notice", actor=actor, as_system=True,
                        note=_("A late notice the police object to cannot go ahead: counter notice."))
    else:
        _tell_authority(case, notice)
    case.deadline_at = None


def send_objection(case: Case, notice: EventNotice) -> None:
    """Generate the objection notice (PDF) and email it, with its text, to the premises user, authority and team."""
    labels = [str(OBJECTIVES[o]) for o in notice.objectives]
    document = generate_document(
        case, "objection_notice", "liquor/pdf/objection_notice.html", f"objection-notice-{case.reference}.pdf",
        notice=notice, objectives=labels,
    )
    subject = _("Police objection notice: temporary event notice %(reference)s", reference=case.reference)
    for address, link in ((notice.user_email, tracking_url(case)), (notice.authority_email, None),
                          (team_email(), None)):
        if address:
            send_email(address, subject, "email/liquor/objection", case=case, notice=notice, objectives=labels,
                       link=link, document=document)


def _tell_authority(case: Case, notice: EventNotice) -> None:
    subject = _("Police response to temporary event notice %(reference)s", reference=case.reference)
    send_email(notice.authority_email, subject, "email/liquor/decision", case=case, notice=notice)


def arrange_hearing(case: Case, notice: EventNotice, hearing: datetime, *, actor: str) -> None:
    """Record the hearing the authority arranged (at least 24 hours before the event); raise DecisionRefused."""
    if notice.kind != "standard":
        raise DecisionRefused(_("A late notice the police object to gets a counter notice, not a hearing."),
                              "not_standard")
    if hearing > notice.starts_at - HEARING_NOTICE:
        raise DecisionRefused(_("The hearing must be at least 24 hours before the event starts."), "too_late")
    notice.hearing_on = hearing
    engine.fire(case, "arrange_hearing", actor=actor, as_system=True,
                note=_("Hearing on %(when)s", when=hearing.strftime("%-d %B %Y at %H:%M")))


def close_window(case: Case, notice: EventNotice) -> None:
    """The window ended with no decision: no objection (the system records it)."""
    notice.decision = "no_objection"
    engine.fire(case, "window_closed", actor="system", as_system=True)
    case.deadline_at = None
