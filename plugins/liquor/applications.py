"""Premises licence applications and variations, and personal licence applications, on which the police are
consulted as a responsible authority: 28 days to make representations on a premises licence, 14 days to
object to a personal licence (only where the applicant has unspent relevant convictions)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from frontcounter.audit import record as audit
from frontcounter.calendar import uk_end_of_day
from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.notifications import send_email
from frontcounter.tenancy.services import service_settings
from frontcounter_liquor.authorities import SERVICE_KEY, authority_by_key, authority_for, normalise_postcode
from frontcounter_liquor.decisions import OBJECTIVES, DecisionRefused
from frontcounter_liquor.models import LicenceApplication

KINDS = {
    "premises_new": _l("Premises licence application"),
    "premises_variation": _l("Premises licence variation"),
    "personal": _l("Personal licence application"),
}
RESPONSES = ("representation", "none")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def window_days(kind: str) -> int:
    """Days the police have to respond to an application of `kind` (force settings, statutory defaults)."""
    settings = service_settings(SERVICE_KEY)
    return settings["personal_licence_objection_days" if kind == "personal" else "premises_representation_days"]


def read_application(raw: dict[str, Any], today: date) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """Check an application copy; return clean values or the problems by field."""
    errors: dict[str, str] = {}
    text = {k: str(raw.get(k) or "").strip() for k in (
        "kind", "applicant_name", "applicant_email", "premises_name", "premises_address", "premises_postcode",
        "summary", "authority", "authority_reference", "received_on", "applicant_dob")}
    if text["kind"] not in KINDS:
        errors["kind"] = _("Choose premises_new, premises_variation or personal")
    if not text["applicant_name"]:
        errors["applicant_name"] = _("Enter the applicant's name")
    if not _EMAIL.match(text["applicant_email"]):
        errors["applicant_email"] = _("Enter an email address in the correct format, like name@example.com")
    received = today
    if text["received_on"]:
        try:
            received = date.fromisoformat(text["received_on"])
        except ValueError:
            errors["received_on"] = _("Enter the date the application was received as YYYY-MM-DD")
        else:
            if received > today:
                errors["received_on"] = _("The date the application was received cannot be in the future")
    authority = authority_by_key(text["authority"]) if text["authority"] else None
    postcode = normalise_postcode(text["premises_postcode"]) if text["premises_postcode"] else None
    if text["kind"] != "personal":
        if not text["premises_address"]:
            errors["premises_address"] = _("Enter the address of the premises")
        if postcode is None:
            errors["premises_postcode"] = _("Enter a real postcode, like BH15 1AA")
        elif authority is None:
            authority = authority_for(postcode)
            if authority is None:
                errors["premises_postcode"] = _("%(postcode)s is not in this force's area.", postcode=postcode)
    if authority is None and "premises_postcode" not in errors:
        errors["authority"] = _("Name the licensing authority by its key in the force's list")
    unspent = raw.get("unspent_convictions")
    unspent = unspent if isinstance(unspent, bool) else str(unspent).lower() in ("yes", "true")
    if errors:
        return None, errors
    return {**text, "authority": authority, "premises_postcode": postcode or "", "received_on": received,
            "unspent_convictions": unspent}, {}


def open_application(values: dict[str, Any], *, source: str, actor: str) -> Case:
    """Open the consultation case for a checked application (not committed)."""
    kind = values["kind"]
    received: date = values["received_on"]
    respond_by = received + timedelta(days=window_days(kind))
    case = engine.open_case(SERVICE_KEY, applicant_email=values["applicant_email"],
                            applicant_name=values["applicant_name"], data={"type": "application", "kind": kind},
                            actor=actor, channel=source)
    authority = values["authority"]
    row = LicenceApplication(
        case_id=case.id, kind=kind, source=source, authority_key=authority.key, authority_name=authority.name,
        authority_email=authority.email, authority_reference=values["authority_reference"][:60],
        applicant_name=values["applicant_name"], applicant_email=values["applicant_email"].lower(),
        premises_name=values["premises_name"][:200], premises_address=values["premises_address"],
        premises_postcode=values["premises_postcode"], summary=values["summary"],
        unspent_convictions=values["unspent_convictions"], received_on=received, respond_by=respond_by,
    )
    db.session.add(row)
    engine.fire(case, "consult", actor=actor, as_system=True)
    case.deadline_at = uk_end_of_day(respond_by)
    audit("liquor.application_received", target=f"case:{case.reference}", after={"kind": kind}, actor=actor)
    db.session.flush()
    return case


def respond(case: Case, application: LicenceApplication, response: str, *, objectives: list[str], reasons: str,
            actor: str, today: date) -> None:
    """Record the police representation (or objection) or that there is none; raise DecisionRefused."""
    if case.state != "consultation":
        raise DecisionRefused(_("The police have already responded to this application."), "wrong_state")
    if today > application.respond_by:
        raise DecisionRefused(_("The time to respond ended on %(day)s.",
                                day=application.respond_by.strftime("%-d %B %Y")), "window_closed")
    if response not in RESPONSES:
        raise DecisionRefused(_("Select the police response"), "invalid")
    if response == "representation":
        if application.kind == "personal" and not application.unspent_convictions:
            raise DecisionRefused(_("The police can object to a personal licence only where the applicant has "
                                    "unspent relevant convictions."), "no_convictions")
        if not objectives or any(o not in OBJECTIVES for o in objectives):
            raise DecisionRefused(_("Select the licensing objectives the representation is based on"), "invalid")
    if not reasons.strip():
        raise DecisionRefused(_("Enter the reasons"), "invalid")
    application.response = response
    application.objectives = list(objectives) if response == "representation" else []
    application.reasons, application.responded_by = reasons.strip(), actor
    application.responded_at = datetime.now(UTC)
    engine.fire(case, "represent" if response == "representation" else "no_representation", actor=actor,
                as_system=True, note=reasons.strip())
    case.deadline_at = None
    subject = _("Police response to %(kind)s %(reference)s", kind=str(KINDS[application.kind]).lower(),
                reference=case.reference)
    send_email(application.authority_email, subject, "email/liquor/application_response", case=case,
               application=application, objectives=[str(OBJECTIVES[o]) for o in application.objectives])


def record_outcome(case: Case, application: LicenceApplication, outcome: str, *, actor: str,
                   roles: frozenset[str] | None = None) -> None:
    """The licensing authority's decision (granted or refused); raise TransitionRefused when not possible now."""
    engine.fire(case, "grant" if outcome == "granted" else "refuse", actor=actor, roles=roles)
    application.outcome = outcome


def close_consultation(case: Case, application: LicenceApplication) -> None:
    """The window ended with no response: no representation."""
    application.response = "none"
    engine.fire(case, "consultation_closed", actor="system", as_system=True)
    case.deadline_at = None


def application_of(case: Case) -> LicenceApplication | None:
    """The application behind a case, or None."""
    return db.session.scalar(db.select(LicenceApplication).where(LicenceApplication.case_id == case.id))
