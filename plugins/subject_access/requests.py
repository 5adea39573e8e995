"""A request's life before the search: opening it, identity evidence, the clock, regime, extension, clarifications."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from frontcounter.audit import record as audit
from frontcounter.calendar import force_calendar, uk_end_of_day, uk_today
from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.cases.tracking import tracking_url
from frontcounter.documents.models import Document
from frontcounter.documents.uploads import IMAGES_AND_PDF, MB, store_upload
from frontcounter.extensions import db
from frontcounter.notifications import send_email
from frontcounter.refusals import Refused
from frontcounter_subject_access import rules
from frontcounter_subject_access.models import SarClarification, SarRequest
from frontcounter_subject_access.workflow import OPEN, SERVICE_KEY
from werkzeug.datastructures import FileStorage

ID_EVIDENCE = "id-evidence"
AUTHORITY = "sar-authority"
MAX_UPLOAD_BYTES = 10 * MB


def request_for(case: Case) -> SarRequest:
    """The request row of a subject access case."""
    found = db.session.scalar(db.select(SarRequest).filter_by(case_id=case.id))
    if found is None:
        raise LookupError(f"case {case.reference} has no subject access request")
    return found


def find(reference: str) -> tuple[Case, SarRequest] | None:
    """The force's subject access case with this reference and its request, or None."""
    case = engine.find_case(reference)
    if case is None or case.service_key != SERVICE_KEY:
        return None
    return case, request_for(case)


def tell(sar: SarRequest, case: Case, subject: str, paragraphs: list[str], link: str = "", link_text: str = "") -> None:
    """Email the requester (after commit) in the plugin's one plain message layout."""
    send_email(
        sar.email,
        _("%(subject)s (%(reference)s)", subject=subject, reference=case.reference),
        "email/subject_access/message",
        name=sar.full_name,
        paragraphs=paragraphs,
        link=link or tracking_url(case),
        link_text=link_text or _("Track your request"),
    )


def open_request(
    answers: dict[str, Any],
    *,
    received_on: date,
    channel: str,
    actor: str,
    account_id: int | None = None,
    regime: str = rules.UK_GDPR,
) -> tuple[Case, SarRequest]:
    """Open a request from checked answers (added to the session, not committed) and email the requester."""
    born = answers.get("date_of_birth")
    case = engine.open_case(
        SERVICE_KEY,
        applicant_email=answers["email"],
        applicant_name=answers["full_name"],
        account_id=account_id,
        data={"channel": channel},
        actor=actor,
        channel=channel if channel in ("online", "api") else "staff",  # post and email requests are staff-entered
    )
    sar = SarRequest(
        case_id=case.id,
        reference=case.reference,
        channel=channel,
        regime=regime,
        full_name=answers["full_name"],
        date_of_birth=date.fromisoformat(born) if born else None,
        email=case.applicant_email,
        answers={k: v for k, v in answers.items() if k not in {"email", "full_name", "date_of_birth"}},
        received_on=received_on,
        last_reminder_on=received_on,
    )
    db.session.add(sar)
    db.session.flush()
    audit("subject_access.requested", target=f"case:{case.reference}",
          after={"channel": channel, "received_on": received_on.isoformat(), "regime": regime}, actor=actor)
    tell(sar, case, _("We have your subject access request"), [
        _("Thank you. We received your subject access request on %(day)s. Your reference is %(reference)s.",
          day=received_on.strftime("%d/%m/%Y"), reference=case.reference),
        _("There is no charge."),
        _("Before we can start, we need proof of your identity: a photo or scan of your driving licence, passport "
          "or national identity card. If you have not uploaded it yet, use the link below."),
        _("We must respond within one calendar month of receiving both your request and your proof of identity. "
          "We will email you the date once we have accepted your proof of identity."),
    ], link_text=_("Upload proof of identity or track your request"))
    return case, sar


def upload_evidence(case: Case, sar: SarRequest, file: FileStorage | None, kind: str = ID_EVIDENCE,
                    *, received_on: date | None = None) -> Document:
    """Check and store identity evidence (or a signed authority); evidence moves the case to the identity check."""
    document = store_upload(file, case, kind, allowed=IMAGES_AND_PDF, max_bytes=MAX_UPLOAD_BYTES, public=False)
    if kind == ID_EVIDENCE:
        sar.identity_status = "received"
        sar.identity_received_on = received_on or uk_today()
        if case.state == "awaiting_identity":
            engine.fire(case, "evidence_received", actor=f"requester:{sar.email}", as_system=True)
    return document


def accept_identity(case: Case, sar: SarRequest, actor: str) -> None:
    """Accept the evidence: the clock starts on the day request and evidence were both received."""
    if sar.identity_received_on is None:
        raise Refused(_("There is no proof of identity to accept."), "no_evidence")
    calendar = force_calendar()
    sar.identity_status = "accepted"
    sar.identity_reason = ""
    sar.clock_started_on = rules.clock_start(sar.received_on, sar.identity_received_on)
    sar.due_on = rules.statutory_deadline(sar.clock_started_on, calendar)
    engine.fire(case, "accept_identity", actor=actor)
    audit("subject_access.clock_started", target=f"case:{case.reference}",
          after={"clock_started_on": sar.clock_started_on.isoformat(), "due_on": sar.due_on.isoformat()}, actor=actor)


def reject_identity(case: Case, sar: SarRequest, reason: str, actor: str) -> None:
    """Reject the evidence with a reason the requester is told; they may send more."""
    engine.fire(case, "reject_identity", actor=actor, note=reason)
    sar.identity_status = "rejected"
    sar.identity_reason = reason
    sar.last_reminder_on = uk_today()
    tell(sar, case, _("We could not accept your proof of identity"), [
        _("We could not accept the proof of identity you sent, for this reason:"),
        reason,
        _("Please upload a clear photo or scan of your driving licence, passport or national identity card."),
    ], link_text=_("Upload proof of identity"))


def set_regime(case: Case, sar: SarRequest, regime: str, actor: str) -> None:
    """Record whether the request falls under UK GDPR or DPA 2018 Part 3 (Part 3 cannot keep an extension)."""
    if regime not in rules.REGIMES:
        raise Refused(_("Choose UK GDPR or DPA 2018 Part 3."), "bad_regime")
    if regime == rules.PART3 and sar.extended_due_on is not None:
        raise Refused(_("This request has been extended, which Part 3 does not allow."), "extended")
    before = sar.regime
    sar.regime = regime
    audit("subject_access.regime_set", target=f"case:{case.reference}", before={"regime": before},
          after={"regime": regime}, actor=actor)


def extend(case: Case, sar: SarRequest, months: int, reason: str, actor: str, today: date | None = None) -> None:
    """Extend a complex UK GDPR request within its first month, with a reason, and tell the requester."""
    today = today or uk_today()
    if sar.due_on is None or sar.clock_started_on is None:
        raise rules.ExtensionRefused(_("The clock has not started yet."), "not_started")
    if case.state not in OPEN:
        raise rules.ExtensionRefused(_("This request is no longer open."), "closed")
    if not reason.strip():
        raise rules.ExtensionRefused(_("Enter why the request is complex."), "reason_required")
    rules.check_extension(sar.regime, months, today, sar.due_on, sar.extended_due_on is not None)
    sar.extended_due_on = rules.extended_deadline(sar.clock_started_on, months, force_calendar())
    sar.extension_reason = reason.strip()
    sar.extended_on = today
    sync_deadline(case, sar)
    audit("subject_access.extended", target=f"case:{case.reference}", before={"due_on": sar.due_on.isoformat()},
          after={"due_on": sar.extended_due_on.isoformat(), "months": months, "reason": sar.extension_reason},
          actor=actor)
    tell(sar, case, _("We need more time to respond"), [
        _("Your request is complex, so the law allows us up to %(months)d more months to respond.", months=months),
        _("Why we need more time: %(reason)s", reason=sar.extension_reason),
        _("We will now respond by %(day)s.", day=sar.extended_due_on.strftime("%d/%m/%Y")),
        _("If you are unhappy with this, you can complain to the Information Commissioner's Office (ico.org.uk)."),
    ])


def clarify(case: Case, sar: SarRequest, question: str, actor: str) -> SarClarification:
    """Record and send a clarification question; the deadline stands (there is no stop the clock)."""
    if not question.strip():
        raise Refused(_("Enter what you need the requester to clarify."), "question_required")
    row = SarClarification(case_id=case.id, asked_on=uk_today(), question=question.strip(), asked_by=actor)
    db.session.add(row)
    audit("subject_access.clarification", target=f"case:{case.reference}", after={"question": row.question},
          actor=actor)
    tell(sar, case, _("A question about your request"), [
        _("To help us find your information, please answer this question by replying to this email:"),
        row.question,
        _("We are still working on your request and the date we must respond by has not changed."),
    ])
    return row


def sync_deadline(case: Case, sar: SarRequest) -> None:
    """Put the statutory deadline on the case (the core's queues order by it); none once it is closed."""
    deadline = sar.deadline
    case.deadline_at = uk_end_of_day(deadline) if deadline is not None and case.state in OPEN else None


def follow_case(case: Case, transition: str) -> None:
    """Keep the request row in step with its case after a transition (the case_transitioned hook)."""
    sar = request_for(case)
    today = uk_today()
    if transition == "approve":
        sar.responded_on = today
    if case.state in {"closed", "cancelled", "withdrawn"}:
        sar.closed_on = sar.closed_on or today
    sar.open = case.state in OPEN
    sync_deadline(case, sar)


def clarifications(case: Case) -> list[SarClarification]:
    """The clarifications asked on a case, oldest first."""
    return list(db.session.scalars(db.select(SarClarification).filter_by(case_id=case.id)
                                   .order_by(SarClarification.id)))


def documents(case: Case, kinds: tuple[str, ...]) -> list[Document]:
    """The case's stored files of these kinds, oldest first."""
    return list(db.session.scalars(db.select(Document).where(Document.case_id == case.id, Document.kind.in_(kinds))
                                   .order_by(Document.id)))
