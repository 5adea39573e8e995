"""Decisions under delegated authority: grant (certificates with numbers and the standard conditions) or
refuse (a reasons letter, a refused grant's fee refunded, the 21-day appeal window), and the s.28B mark.

grant() and refuse() run inside the transition's transaction (from the case_transitioned hook); the
PDFs and the refund are outbox work (jobs.py), done once the decision has committed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from frontcounter.audit import record as audit
from frontcounter.calendar import uk_today
from frontcounter.cases.engine import next_number
from frontcounter.extensions import db
from frontcounter.integrations.webhooks.events import publish
from frontcounter.jobs.outbox import defer
from frontcounter.payments import is_paid
from frontcounter.tenancy import current_tenant
from frontcounter_firearms.guards import application_of
from frontcounter_firearms.models import Certificate, certificate_number
from frontcounter_firearms.rules import (
    CERTIFICATE_YEARS,
    CERTIFICATES,
    GRANT,
    RENEWAL,
    appeal_deadline,
    expiry_for,
    section_28b_extension,
)

if TYPE_CHECKING:
    from frontcounter.cases.models import Case

UK = ZoneInfo("Europe/London")
CERTIFICATES_ISSUED = "firearms.certificates_issued"  # the webhook event this plugin adds

# The four standard conditions every certificate carries (Firearms Rules 2024, Home Office guidance).
CONDITIONS: tuple[LazyString, ...] = (
    _l("The holder must, on receipt of the certificate, sign it in ink with their usual signature."),
    _l(
        "The holder must inform the chief officer of police by whom the certificate was granted within 7 days "
        "of the theft, loss or destruction in Great Britain of the certificate, or of any firearm, shotgun or "
        "ammunition to which it relates."
    ),
    _l(
        "The holder must, without undue delay, inform the chief officer of police by whom the certificate was "
        "granted of any change in their permanent address."
    ),
    _l(
        "The firearms, shotguns and ammunition to which the certificate relates must at all times (except when "
        "in use or being transported) be stored securely so as to prevent, so far as is reasonably practicable, "
        "access to them by an unauthorised person."
    ),
)

TITLES: dict[str, LazyString] = {"fac": _l("Firearm certificate"), "sgc": _l("Shotgun certificate")}


def holder_name(case: Case) -> str:
    """The applicant's full name as the certificate shows it (title, forenames, surname)."""
    personal = (case.data or {}).get("personal") or {}
    parts = [personal.get("title"), personal.get("forenames"), personal.get("surname")]
    name = " ".join(str(p).strip() for p in parts if p)
    return name or case.applicant_name or case.applicant_email


def address_lines(case: Case) -> list[str]:
    """The applicant's home address as lines for a letter or a visit (empty when not given)."""
    address: Mapping[str, Any] = ((case.data or {}).get("personal") or {}).get("address") or {}
    return [str(address[key]) for key in ("line1", "line2", "town", "postcode") if address.get(key)]


def certificates_of(case: Case) -> list[Certificate]:
    """The certificates granted on this case, firearm certificate first."""
    rows = db.session.scalars(db.select(Certificate).where(Certificate.case_id == case.id).order_by(Certificate.id))
    return list(rows)


def certificate_series(kind: str) -> str:
    """The counter series certificate numbers of `kind` are drawn from (per force and year)."""
    return f"firearms-certificate-{kind}"


def current_certificate(case: Case) -> tuple[Certificate | None, date | None]:
    """The force's row for the certificate a renewal replaces (by its number) and that certificate's expiry
    (the row's, else the date the applicant gave); (None, None) when neither is known."""
    application = application_of(case)
    number = str(application.get("current_certificate_number") or "").strip()
    held = db.session.scalar(db.select(Certificate).where(Certificate.number == number)) if number else None
    stated = application.get("current_certificate_expiry")
    expiry = held.expires_on if held is not None else (date.fromisoformat(stated) if stated else None)
    return held, expiry


def renewal_runs_from(case: Case, today: date) -> date:
    """The day a granted certificate's 5 years run from: for a renewal decided while the old certificate was
    still in force (or extended under s.28B), the old certificate's expiry; otherwise the grant date."""
    if application_of(case).get("kind") != RENEWAL:
        return today
    _held, expiry = current_certificate(case)
    extended = (case.data or {}).get("s28b_extended_to")
    if expiry is None:
        return today
    in_force_until = max(expiry, date.fromisoformat(extended)) if extended else expiry
    return expiry if expiry >= today or today <= in_force_until else today


def end_section_28b(case: Case, decided_on: date, actor: str) -> None:
    """A decision ends the s.28B extension (it lasts 8 weeks or until the chief officer decides, whichever is
    first): the old certificate stays in force only to the decision date, if that is past its expiry."""
    extended = (case.data or {}).get("s28b_extended_to")
    if not extended or date.fromisoformat(extended) <= decided_on:
        return
    held, expiry = current_certificate(case)
    until = decided_on if expiry is not None and decided_on > expiry else None
    case.data = {
        **case.data,
        "s28b_extended_to": until.isoformat() if until else None,
        "s28b_ended_on": decided_on.isoformat(),
    }
    if held is not None and held.extended_to is not None:
        held.extended_to = until
    audit(
        "firearms.section_28b_ended",
        target=f"case:{case.reference}",
        after={"decided_on": decided_on.isoformat(), "until": until.isoformat() if until else None},
        actor=actor,
    )


def grant(case: Case, actor: str, *, today: date | None = None) -> list[Certificate]:
    """Issue the certificates applied for, valid 5 years (a renewal's from the old certificate's expiry), numbered
    per force; a s.28B extension ends; PDFs follow (outbox). Idempotent."""
    existing = certificates_of(case)
    if existing:
        return existing
    today = today or uk_today()
    runs_from = renewal_runs_from(case, today)
    end_section_28b(case, today, actor)
    tenant = current_tenant()
    wanted = application_of(case).get("certificates") or ()
    rows = []
    for kind in (k for k in CERTIFICATES if k in wanted):
        serial = next_number(certificate_series(kind), today.year)
        row = Certificate(
            case_id=case.id,
            number=certificate_number(tenant.code, kind, today.year, serial),
            kind=kind,
            holder_name=holder_name(case),
            holder_email=case.applicant_email,
            issued_on=today,
            expires_on=expiry_for(runs_from),
        )
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    summary = [{"number": r.number, "kind": r.kind, "expires_on": r.expires_on.isoformat()} for r in rows]
    case.data = {**case.data, "certificates_issued": summary}
    audit(
        "firearms.granted",
        target=f"case:{case.reference}",
        after={"certificates": summary, "years": CERTIFICATE_YEARS},
        actor=actor,
    )
    from frontcounter_firearms.jobs import issue_certificate_documents

    defer(issue_certificate_documents, case.id)
    publish(CERTIFICATES_ISSUED, {"case": {"reference": case.reference, "service": case.service_key},
                                  "certificates": summary})
    return rows


def refund_due(case: Case) -> bool:
    """True when refusing this case refunds its fee: a refused grant whose fee was paid (renewals keep it)."""
    return application_of(case).get("kind") == GRANT and is_paid(case)


def refuse(
    case: Case, reasons: str, actor: str, *, today: date | None = None, reasons_in_letter: bool = False
) -> dict[str, Any]:
    """Record the refusal and its appeal deadline (a s.28B extension ends); the reasons letter and any refund
    follow (outbox)."""
    today = today or uk_today()
    end_section_28b(case, today, actor)
    refusal = {
        "reasons": reasons.strip(),
        "refused_on": today.isoformat(),
        "appeal_deadline": appeal_deadline(today).isoformat(),
        "fee_refunded": refund_due(case),
        "reasons_in_letter": reasons_in_letter,
    }
    case.data = {**case.data, "refusal": refusal}
    audit("firearms.refused", target=f"case:{case.reference}", after=refusal, actor=actor)
    from frontcounter_firearms.jobs import issue_refusal_letter, refund_fee

    defer(issue_refusal_letter, case.id)
    if refusal["fee_refunded"]:
        defer(refund_fee, case.id)
    return refusal


def mark_section_28b(case: Case, received_on: date) -> date | None:
    """For a renewal received 8+ weeks before the current certificate expires, note the s.28B extension on the
    case (data["s28b_extended_to"], as online applications do) and extend the force's certificate row."""
    application = application_of(case)
    if application.get("kind") != RENEWAL:
        return None
    number = str(application.get("current_certificate_number") or "").strip()
    held, expiry = current_certificate(case)
    if expiry is None:
        return None
    until = section_28b_extension(expiry, received_on)
    case.data = {**case.data, "s28b_extended_to": until.isoformat() if until else None}
    if until is None:
        return None
    if held is not None and held.revoked_at is None:
        held.extended_to = max(until, held.extended_to or until)
    audit(
        "firearms.section_28b_extension",
        target=f"case:{case.reference}",
        after={"certificate": number, "until": until.isoformat()},
        actor="system: firearms",
    )
    return until
