"""Searching for the requester's data: every switched-on service through the core hook, and the force's systems."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from frontcounter.audit import record as audit
from frontcounter.cases.models import Case
from frontcounter.dataprotection import PersonQuery, PersonRecord
from frontcounter.documents.uploads import IMAGES_AND_PDF, store_upload
from frontcounter.extensions import db
from frontcounter.refusals import Refused
from frontcounter.tenancy import current_tenant
from frontcounter.tenancy.services import tenant_hooks
from frontcounter_subject_access.models import SarItem, SarRequest, SarSystemSearch
from frontcounter_subject_access.requests import MAX_UPLOAD_BYTES
from werkzeug.datastructures import FileStorage

MATERIAL = "sar-material"


def person_query(sar: SarRequest) -> PersonQuery:
    """Whom to search for: the requester's email, name, previous names, date of birth and references."""
    answers = sar.answers or {}
    previous = tuple(n.strip() for n in str(answers.get("previous_names", "")).splitlines() if n.strip())
    references = tuple(r.strip() for r in str(answers.get("references", "")).replace(",", "\n").splitlines()
                       if r.strip())
    return PersonQuery(email=sar.email, name=sar.full_name, date_of_birth=sar.date_of_birth,
                       references=references, previous_names=previous)


def _records(query: PersonQuery) -> list[PersonRecord]:
    answers = tenant_hooks().person_data(tenant=current_tenant(), person=query)
    out: list[PersonRecord] = []
    for answer in answers:
        if answer is None:
            continue
        out.extend(answer if isinstance(answer, list) else [answer])
    return out


def _plain(value: Any) -> Any:
    """JSON-able data (dates as ISO text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def run_search(case: Case, sar: SarRequest, actor: str) -> int:
    """Ask every service the force runs what it holds; add what is new as items to include or discard."""
    seen = {(i.origin, i.kind, i.reference, i.document_id) for i in items(case) if i.source == "service"}
    added = 0
    for record in _records(person_query(sar)):
        if record.service_key == "subject_access" and record.reference == case.reference:
            continue  # the request itself
        key = (record.service_key, record.kind, record.reference, None)
        if key not in seen:
            db.session.add(SarItem(case_id=case.id, source="service", origin=record.service_key, kind=record.kind,
                                   reference=record.reference, summary=record.summary, data=_plain(record.data),
                                   included=None))
            seen.add(key)
            added += 1
        for document in record.documents:
            key = (record.service_key, record.kind, record.reference, document.document_id)
            if key in seen:
                continue
            db.session.add(SarItem(case_id=case.id, source="service", origin=record.service_key, kind=record.kind,
                                   reference=record.reference, summary=document.title,
                                   document_id=document.document_id, content_type=document.content_type,
                                   included=None))
            seen.add(key)
            added += 1
    sar.searched_at = datetime.now(UTC)
    audit("subject_access.searched", target=f"case:{case.reference}", after={"new_items": added}, actor=actor)
    return added


def items(case: Case) -> list[SarItem]:
    """Everything found for the case, in the order found."""
    return list(db.session.scalars(db.select(SarItem).filter_by(case_id=case.id).order_by(SarItem.id)))


def item(case: Case, item_id: int) -> SarItem | None:
    """One item of the case, or None."""
    return db.session.scalar(db.select(SarItem).filter_by(case_id=case.id, id=item_id))


def include(case: Case, found: SarItem, included: bool, actor: str) -> None:
    """Keep a found item for review, or discard it (not the requester's data)."""
    found.included = included
    if not included:
        found.decision = ""
    audit("subject_access.item_included" if included else "subject_access.item_discarded",
          target=f"case:{case.reference}", after={"item": found.id, "origin": found.origin,
                                                  "reference": found.reference}, actor=actor)


def system_searches(case: Case) -> dict[str, SarSystemSearch]:
    """The force systems already searched for the case, by name."""
    rows = db.session.scalars(db.select(SarSystemSearch).filter_by(case_id=case.id))
    return {row.system: row for row in rows}


def record_system_search(case: Case, system: str, known: list[str], found: bool, notes: str, actor: str,
                         file: FileStorage | None = None) -> SarSystemSearch:
    """Tick a force system as searched: who, when, what was found, with any material uploaded as an item."""
    if system not in known:
        raise Refused(_("Choose one of the force's systems."), "unknown_system")
    if found and not notes.strip():
        raise Refused(_("Say what was found."), "notes_required")
    row = system_searches(case).get(system)
    if row is None:
        row = SarSystemSearch(case_id=case.id, system=system, searched_by=actor, searched_at=datetime.now(UTC))
        db.session.add(row)
    row.found, row.notes, row.searched_by, row.searched_at = found, notes.strip(), actor, datetime.now(UTC)
    if file is not None and file.filename:
        document = store_upload(file, case, MATERIAL, allowed=IMAGES_AND_PDF, max_bytes=MAX_UPLOAD_BYTES, public=False)
        db.session.add(SarItem(case_id=case.id, source="system", origin=system, kind="material",
                               summary=document.filename, document_id=document.id,
                               content_type=document.content_type, included=True))
    audit("subject_access.system_searched", target=f"case:{case.reference}",
          after={"system": system, "found": found, "notes": row.notes}, actor=actor)
    return row
