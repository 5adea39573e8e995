"""The firearms plugin's background work: checks on entering the checks stage, certificate and letter PDFs,
the refund of a refused grant (outbox jobs, run in the case's force), and renewal reminders (periodic).

Every job is safe to run twice: it looks at what is already done first.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.documents.models import Document
from frontcounter.documents.pdf import generate_document
from frontcounter.extensions import db
from frontcounter.jobs.outbox import RetryLater
from frontcounter.jobs.schedule import PeriodicTask
from frontcounter.notifications import send_email
from frontcounter.payments.models import PaymentState
from frontcounter.payments.service import PaymentRefused, payments_for, refund
from frontcounter.tenancy import current_tenant, platform_wide, tenant_context
from frontcounter.tenancy.models import Tenant, TenantService
from frontcounter.tenancy.services import service_settings, tenant_hooks
from frontcounter.web.urls import external_url
from frontcounter_firearms.checks import latest_checks, run_checks
from frontcounter_firearms.decisions import (
    CONDITIONS,
    TITLES,
    address_lines,
    certificates_of,
    holder_name,
    uk_today,
)
from frontcounter_firearms.models import Certificate, CheckStatus
from frontcounter_firearms.referees_public import photo_data_url
from frontcounter_firearms.rules import reminder_date

log = logging.getLogger(__name__)

SERVICE = "firearms"
SYSTEM_ACTOR = "system: firearms"
CHECKS_STATE = "background_checks"
CERTIFICATE_KIND = "certificate"
REFUSAL_KIND = "refusal-letter"


def _case(case_id: int) -> Case | None:
    return db.session.scalar(db.select(Case).where(Case.id == case_id))


# -- background checks ---------------------------------------------------------------------------


def person_of(case: Case) -> dict[str, Any]:
    """The applicant as the intelligence adapters see them: names, date of birth and every address."""
    data = case.data or {}
    personal: Mapping[str, Any] = data.get("personal") or {}
    history = (data.get("addresses") or {}).get("addresses") or []
    current = personal.get("address")
    return {
        "surname": personal.get("surname") or "",
        "forenames": personal.get("forenames") or "",
        "previous_names": list(personal.get("previous_names") or []),
        "date_of_birth": personal.get("date_of_birth"),
        "addresses": [a for a in [current, *history] if a],
    }


def check_adapters() -> list[Any]:
    """The adapters the force's plugins offer through the core's person_checks hook, flattened."""
    groups = tenant_hooks().person_checks(tenant=current_tenant())
    return [adapter for group in groups for adapter in (group or [])]


def run_background_checks(case_id: int) -> str:
    """Outbox job: run every adapter on the applicant; all clear moves the case on, anything else waits."""
    case = _case(case_id)
    if case is None or case.state != CHECKS_STATE:
        return "not in the checks stage"
    adapters = check_adapters()
    if not adapters:
        log.warning("No intelligence systems for case %s: a caseworker must check by hand", case.reference)
        return "no systems"
    run_checks(case, person_of(case), adapters)
    statuses = {row.status for row in latest_checks(case).values()}
    if statuses == {CheckStatus.CLEAR.value}:
        engine.fire(case, "checks_done", actor=SYSTEM_ACTOR, as_system=True, note=_("Every check was clear."))
        return "clear"
    return ", ".join(sorted(statuses))


# -- documents -----------------------------------------------------------------------------------


def _has_document(case: Case, kind: str, filename: str) -> bool:
    found = db.session.scalar(
        db.select(Document.id).where(Document.case_id == case.id, Document.kind == kind, Document.filename == filename)
    )
    return found is not None


def certificate_filename(certificate: Certificate) -> str:
    """The PDF's file name, e.g. 'firearm-certificate-ALP-FAC-2026-00001.pdf'."""
    stem = "firearm-certificate" if certificate.kind == "fac" else "shotgun-certificate"
    return f"{stem}-{certificate.number.replace('/', '-')}.pdf"


def issue_certificate_documents(case_id: int) -> int:
    """Outbox job: one certificate PDF per certificate granted on the case (public: the applicant sees it)."""
    case = _case(case_id)
    if case is None:
        return 0
    made = 0
    for certificate in certificates_of(case):
        filename = certificate_filename(certificate)
        if _has_document(case, CERTIFICATE_KIND, filename):
            continue
        generate_document(
            case,
            CERTIFICATE_KIND,
            "pdf/firearms_certificate.html",
            filename,
            certificate=certificate,
            certificate_name=TITLES[certificate.kind],
            holder=certificate.holder_name,
            address=address_lines(case),
            conditions=CONDITIONS,
            data=case.data or {},
            photo=photo_data_url(case),
        )
        made += 1
    return made


def issue_refusal_letter(case_id: int) -> bool:
    """Outbox job: the letter giving the reasons for refusal, the appeal deadline and any refund."""
    case = _case(case_id)
    refusal = (case.data or {}).get("refusal") if case is not None else None
    if case is None or not refusal:
        return False
    filename = f"refusal-letter-{case.reference}.pdf"
    if _has_document(case, REFUSAL_KIND, filename):
        return False
    generate_document(
        case,
        REFUSAL_KIND,
        "pdf/firearms_refusal.html",
        filename,
        recipient_name=holder_name(case),
        recipient_address=address_lines(case),
        reasons=refusal["reasons"] if refusal.get("reasons_in_letter") else "",
        refused_on=date.fromisoformat(refusal["refused_on"]),
        appeal_deadline=date.fromisoformat(refusal["appeal_deadline"]),
        fee_refunded=refusal.get("fee_refunded", False),
        signed_by=_("Firearms Licensing Unit"),
        signed_role=_("On behalf of the chief officer of police"),
    )
    return True


# -- refunds -------------------------------------------------------------------------------------


def refund_fee(case_id: int) -> int:
    """Outbox job: refund what is left of every successful payment for a refused grant; return pence refunded."""
    case = _case(case_id)
    if case is None:
        return 0
    refunded = 0
    for payment in payments_for(case):
        left = payment.refundable_pence
        if payment.state != PaymentState.SUCCESS or left <= 0:
            continue
        try:
            refund(
                payment,
                left,
                _("Application for a grant refused: the fee is refunded"),
                actor=SYSTEM_ACTOR,
                expected_refundable=left,
            )
        except PaymentRefused as refused:
            raise RetryLater(f"Refund for case {case_id} not made: {refused.message}") from refused
        refunded += left
    return refunded


# -- renewal reminders ---------------------------------------------------------------------------


def _forces_with_firearms() -> list[Tenant]:
    with platform_wide("firearms renewal reminders: forces with the firearms service switched on"):
        return list(
            db.session.scalars(
                db.select(Tenant)
                .join(TenantService, TenantService.tenant_id == Tenant.id)
                .where(TenantService.service_key == SERVICE, TenantService.enabled.is_(True))
                .order_by(Tenant.id)
            )
        )


def remind_force(today: date) -> int:
    """Send the current force's due renewal reminders (once per certificate); return how many."""
    weeks = int(service_settings(SERVICE)["renewal_reminder_weeks"])
    due = db.session.scalars(
        db.select(Certificate)
        .where(
            Certificate.renewal_reminder_sent_at.is_(None),
            Certificate.revoked_at.is_(None),
            Certificate.holder_email != "",
            Certificate.expires_on >= today,
            Certificate.expires_on <= today + timedelta(weeks=weeks),
        )
        .order_by(Certificate.expires_on, Certificate.id)
    ).all()
    if not due:
        return 0
    tenant = current_tenant()
    link = external_url("force.start", force=tenant.slug, service_key=SERVICE)
    for certificate in due:
        send_email(
            certificate.holder_email,
            _("Renew your %(certificate)s %(number)s", certificate=TITLES[certificate.kind], number=certificate.number),
            "email/firearms/renewal_reminder",
            certificate=certificate,
            certificate_name=TITLES[certificate.kind],
            reminder_on=reminder_date(certificate.expires_on, weeks),
            link=link,
        )
        certificate.renewal_reminder_sent_at = datetime.now(UTC)
    return len(due)


def send_renewal_reminders(today: date | None = None) -> int:
    """Periodic task: in every force with firearms switched on, remind holders whose certificates expire soon."""
    today = today or uk_today()
    sent = 0
    for tenant in _forces_with_firearms():
        with tenant_context(tenant):
            sent += remind_force(today)
            db.session.commit()
    return sent


def periodic_tasks() -> list[PeriodicTask]:
    """The firearms plugin's periodic work."""
    return [PeriodicTask("firearms-renewal-reminders", send_renewal_reminders, timedelta(hours=6))]
