"""The plugin's own answers to the data-protection hooks: requests a person made, erasing them, retention."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from frontcounter.cases.models import Case
from frontcounter.dataprotection import ErasureResult, PersonDocument, PersonQuery, PersonRecord, RetentionPolicy
from frontcounter.documents.models import Document
from frontcounter.documents.records import delete_document
from frontcounter.extensions import db
from frontcounter_subject_access.models import SarDraft, SarRequest
from frontcounter_subject_access.workflow import SERVICE_KEY
from sqlalchemy import or_

RETENTION_YEARS = 2
DRAFT_DAYS = 30


def _matching(person: PersonQuery) -> list[tuple[SarRequest, Case]]:
    conditions = []
    if person.email:
        conditions.append(SarRequest.email == person.email.strip().lower())
    if person.references:
        conditions.append(SarRequest.reference.in_(person.references))
    if person.date_of_birth is not None:
        conditions.append(SarRequest.date_of_birth == person.date_of_birth)
    if not conditions:
        return []
    rows = db.session.execute(
        db.select(SarRequest, Case).join(Case, Case.id == SarRequest.case_id).where(or_(*conditions)).limit(500)
    ).all()
    out = []
    for sar, case in rows:
        by_email = bool(person.email) and sar.email == person.email.strip().lower()
        if by_email or sar.reference in person.references or person.matches_name(sar.full_name, sar.date_of_birth):
            out.append((sar, case))
    return out


def person_data(person: PersonQuery) -> list[PersonRecord]:
    """The subject access requests the person made, with their identity evidence."""
    records = []
    for sar, case in _matching(person):
        files = db.session.scalars(db.select(Document).where(Document.case_id == case.id,
                                                             Document.kind.in_(("id-evidence", "sar-authority"))))
        records.append(PersonRecord(
            SERVICE_KEY, "request", sar.reference, f"Subject access request received {sar.received_on:%d/%m/%Y}",
            data={"full_name": sar.full_name, "email": sar.email,
                  "date_of_birth": sar.date_of_birth.isoformat() if sar.date_of_birth else "",
                  "received_on": sar.received_on.isoformat(), "status": case.state, **(sar.answers or {})},
            documents=[PersonDocument(d.id, d.filename, d.content_type) for d in files],
            created_on=sar.received_on,
            matched_by="email" if sar.email == (person.email or "").lower() else "name",
        ))
    return records


def _erase_case(case: Case) -> None:
    for document in db.session.scalars(db.select(Document).filter_by(case_id=case.id)):
        delete_document(document, actor="system: erasure")
    db.session.delete(case)


def erase_person(person: PersonQuery) -> ErasureResult | None:
    """Erase the person's requests, with every file, finding and link (the case cascades)."""
    found = _matching(person)
    if not found:
        return None
    for _sar, case in found:
        _erase_case(case)
    return ErasureResult(SERVICE_KEY, erased=len(found))


def erase_closed_before(today: date) -> int:
    """Erase requests closed, cancelled or withdrawn more than two years ago, and stale drafts."""
    cutoff = today.replace(year=today.year - RETENTION_YEARS) if not (today.month == 2 and today.day == 29) \
        else date(today.year - RETENTION_YEARS, 2, 28)
    rows = db.session.execute(
        db.select(SarRequest, Case).join(Case, Case.id == SarRequest.case_id)
        .where(SarRequest.open.is_(False), SarRequest.closed_on.is_not(None), SarRequest.closed_on < cutoff)
        .limit(1000)
    ).all()
    for _sar, case in rows:
        _erase_case(case)
    stale = datetime.now(UTC) - timedelta(days=DRAFT_DAYS)
    drafts = db.session.execute(db.delete(SarDraft).where(SarDraft.created_at < stale))
    return len(rows) + (drafts.rowcount or 0)


def policies() -> list[RetentionPolicy]:
    """How long the plugin keeps what it holds."""
    return [RetentionPolicy(
        SERVICE_KEY, "closed-requests",
        "Subject access requests, their identity evidence, searches and responses are erased two years after "
        "the request was closed; unsent online drafts after 30 days.",
        apply=erase_closed_before,
    )]
