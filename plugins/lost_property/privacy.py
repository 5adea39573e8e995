"""Data protection for lost property: what the service holds about a person (finder, owner, claimant), erasing
it on request, and the retention schedule (personal details anonymised a year after an item's or report's end).

The property record itself (what was found, where it was kept, how it left) stays: it is the force's register
of property under the Police (Property) Act 1897 and the Fund ledger refers to it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from frontcounter.cases.models import Case
from frontcounter.dataprotection import ErasureResult, PersonDocument, PersonQuery, PersonRecord, RetentionPolicy
from frontcounter.documents.models import Document
from frontcounter.documents.records import delete_document
from frontcounter.extensions import db
from frontcounter_lost_property.models import Claim, FoundItem, LostReport
from frontcounter_lost_property.workflow import SERVICE_KEY, WORKFLOW
from sqlalchemy import or_

KEEP_DAYS = 365
ERASED = "erased"
TERMINAL = tuple(s.name for s in WORKFLOW.states if s.terminal)
CLOSED_REPORTS = ("expired", "claimed", "closed")


def _email(person: PersonQuery) -> str:
    return (person.email or "").strip().lower()


def _items(person: PersonQuery) -> list[FoundItem]:
    email, refs = _email(person), list(person.references)
    conditions = []
    if email:
        conditions.append(Case.applicant_email == email)
    if refs:
        conditions.append(Case.reference.in_(refs))
    if not conditions:
        return []
    return list(db.session.scalars(db.select(FoundItem).join(Case, Case.id == FoundItem.case_id)
                                   .where(Case.service_key == SERVICE_KEY, or_(*conditions))))


def _reports(person: PersonQuery) -> list[LostReport]:
    email, refs = _email(person), list(person.references)
    conditions = []
    if email:
        conditions.append(LostReport.email == email)
    if refs:
        conditions.append(LostReport.reference.in_(refs))
    if not conditions:
        return []
    return list(db.session.scalars(db.select(LostReport).where(or_(*conditions))))


def _claims(person: PersonQuery) -> list[Claim]:
    email = _email(person)
    return list(db.session.scalars(db.select(Claim).where(Claim.email == email))) if email else []


def person_data(person: PersonQuery) -> list[PersonRecord]:
    """Every found item the person handed in, lost report they made and claim they sent."""
    records = []
    for item in _items(person):
        case = item.case
        photos = db.session.scalars(db.select(Document).where(Document.case_id == case.id,
                                                               Document.kind == "finder-photo")).all()
        records.append(PersonRecord(
            SERVICE_KEY, "found_item", case.reference, f"Found item: {item.category}",
            data={"name": item.finder_name, "email": case.applicant_email, "phone": item.finder_phone,
                  "description": item.description, "found_on": item.found_on.isoformat(),
                  "found_where": item.found_where, "wants_item": item.finder_wants_item, "state": case.state},
            documents=[PersonDocument(d.id, d.filename, d.content_type) for d in photos],
            created_on=item.found_on, matched_by="email or reference"))
    for report in _reports(person):
        records.append(PersonRecord(
            SERVICE_KEY, "lost_report", report.reference, f"Lost report: {report.category}",
            data={"name": report.name, "email": report.email, "phone": report.phone,
                  "description": report.description, "serial": report.serial, "lost_where": report.lost_where,
                  "lost_from": report.lost_from.isoformat(), "lost_to": report.lost_to.isoformat(),
                  "status": report.status},
            created_on=report.created_at.date() if report.created_at else None, matched_by="email or reference"))
    for claim in _claims(person):
        proofs = db.session.scalars(db.select(Document).where(Document.id.in_(claim.proof_document_ids or []))).all()
        records.append(PersonRecord(
            SERVICE_KEY, "claim", claim.item.case.reference, f"{claim.kind.title()} claim",
            data={"name": claim.name, "email": claim.email, "questions": claim.questions, "answers": claim.answers,
                  "status": claim.status, "id_checked": claim.id_checked},
            documents=[PersonDocument(d.id, d.filename, d.content_type) for d in proofs],
            created_on=claim.created_at.date() if claim.created_at else None, matched_by="email"))
    return records


def _delete(query) -> int:  # type: ignore[no-untyped-def]
    documents = list(db.session.scalars(query))
    for document in documents:
        delete_document(document, actor="system: lost property retention")
    return len(documents)


def _forget_item(item: FoundItem) -> None:
    item.finder_name = ERASED
    item.finder_phone = ""
    case = item.case
    case.applicant_email = f"{ERASED}-{case.id}@invalid"
    case.applicant_name = ""
    case.applicant_account_id = None
    _delete(db.select(Document).where(Document.case_id == case.id, Document.kind == "finder-photo"))


def _forget_report(report: LostReport) -> None:
    report.name = ERASED
    report.email = f"{ERASED}-{report.id}@invalid"
    report.phone = ""


def _forget_claim(claim: Claim) -> None:
    if claim.proof_document_ids:
        _delete(db.select(Document).where(Document.id.in_(claim.proof_document_ids)))
    claim.name = ERASED
    claim.email = f"{ERASED}-{claim.id}@invalid"
    claim.answers = []
    claim.proof_document_ids = []


def erase_person(person: PersonQuery, reason: str) -> ErasureResult | None:
    """Anonymise the person as finder, owner and claimant; their uploaded photos and proofs are deleted."""
    items, reports, claims = _items(person), _reports(person), _claims(person)
    if not (items or reports or claims):
        return None
    for item in items:
        _forget_item(item)
    for report in reports:
        _forget_report(report)
    for claim in claims:
        _forget_claim(claim)
    db.session.flush()
    return ErasureResult(SERVICE_KEY, anonymised=len(items) + len(reports) + len(claims),
                         notes=["Property records, storage and disposal kept for the force's register"])


def anonymise_finished(today: date) -> int:
    """Anonymise finders and claimants of items finished more than a year ago, and owners of reports closed
    more than a year ago; returns how many records changed."""
    cutoff = today - timedelta(days=KEEP_DAYS)
    items = db.session.scalars(
        db.select(FoundItem).join(Case, Case.id == FoundItem.case_id)
        .where(Case.state.in_(TERMINAL), Case.updated_at < cutoff, FoundItem.finder_name != ERASED).limit(1000)).all()
    changed = 0
    for item in items:
        _forget_item(item)
        for claim in db.session.scalars(db.select(Claim).where(Claim.item_id == item.id, Claim.name != ERASED)):
            _forget_claim(claim)
            changed += 1
        changed += 1
    reports = db.session.scalars(db.select(LostReport).where(
        LostReport.status.in_(CLOSED_REPORTS), LostReport.expires_on < cutoff, LostReport.name != ERASED)
        .limit(1000)).all()
    for report in reports:
        _forget_report(report)
        changed += 1
    # Photos uploaded by finders who never finished reporting (no case was opened).
    stale = datetime.combine(today - timedelta(days=2), datetime.min.time(), tzinfo=UTC)
    changed += _delete(db.select(Document).where(Document.case_id.is_(None), Document.kind == "finder-photo",
                                                 Document.created_at < stale).limit(1000))
    db.session.flush()
    return changed


def retention_policies() -> list[RetentionPolicy]:
    """The service's retention schedule."""
    return [RetentionPolicy(
        SERVICE_KEY, "finished-items-and-reports",
        "Names, contact details, claim answers and uploads of finders, owners and claimants are removed a year "
        "after the item left the force's hands or the lost report closed (photos of reports never finished: after "
        "2 days); the property record is kept.",
        apply=anonymise_finished)]
