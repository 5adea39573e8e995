"""A person's cases: find them (email, reference, name with date of birth), describe them, anonymise them.

Shared by every service whose person data lives in cases, so plugins answer the data-protection hooks
(`person_data`, `erase_person`, `retention_policies`) without copying each other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import func, or_

from frontcounter.bookings.models import Booking
from frontcounter.calendar import uk_date
from frontcounter.cases.models import Case
from frontcounter.dataprotection import PersonDocument, PersonQuery, PersonRecord
from frontcounter.documents.models import Document
from frontcounter.documents.records import delete_document
from frontcounter.extensions import db

BornFn = Callable[[Case], "date | None"]
ERASED = {"erased": True}


def names_of(person: PersonQuery) -> list[str]:
    """The person's names, folded for comparison (their name and any previous names)."""
    return sorted({" ".join(n.casefold().split()) for n in (person.name, *person.previous_names) if n})


def matched_by(case_email: str, reference: str, name: str, born: date | None, person: PersonQuery,
               references: tuple[str, ...] = ()) -> str:
    """How a record matches `person`: "email", "reference" or "name and date of birth" ("" for no match)."""
    if person.email and case_email and case_email.strip().casefold() == person.email.strip().casefold():
        return "email"
    wanted = {r.strip().upper() for r in person.references}
    if wanted & {r.upper() for r in (reference, *references) if r}:
        return "reference"
    if person.matches_name(name, born):
        return "name and date of birth"
    return ""


def cases_for_person(service_key: str, person: PersonQuery, born: BornFn) -> list[tuple[Case, str]]:
    """The force's cases of `service_key` about `person`, each with how it matched; `born` reads a case's birth date."""
    conditions = []
    if person.email:
        conditions.append(Case.applicant_email == person.email.strip().lower())
    if person.references:
        conditions.append(Case.reference.in_([r.strip().upper() for r in person.references]))
    names = names_of(person)
    if names and person.date_of_birth is not None:
        conditions.append(func.lower(Case.applicant_name).in_(names))
    if not conditions:
        return []
    found = db.session.scalars(
        db.select(Case).where(Case.service_key == service_key, or_(*conditions)).order_by(Case.id)
    ).all()
    pairs = [(case, matched_by(case.applicant_email, case.reference, case.applicant_name, born(case), person))
             for case in found]
    return [(case, how) for case, how in pairs if how]


def case_documents(case_ids: list[int]) -> dict[int, list[Document]]:
    """The documents of these cases, by case id (one query)."""
    by_case: dict[int, list[Document]] = {case_id: [] for case_id in case_ids}
    if case_ids:
        for document in db.session.scalars(db.select(Document).where(Document.case_id.in_(case_ids))
                                           .order_by(Document.id)):
            by_case[document.case_id].append(document)
    return by_case


def case_record(case: Case, kind: str, how: str, summary: str, documents: list[Document],
                data: dict[str, Any] | None = None) -> PersonRecord:
    """A PersonRecord for one case: its reference, state, what the applicant gave, and its files."""
    return PersonRecord(
        service_key=case.service_key,
        kind=kind,
        reference=case.reference,
        summary=summary,
        data={"state": case.state, "applicant_name": case.applicant_name, "applicant_email": case.applicant_email,
              **(data if data is not None else dict(case.data or {}))},
        documents=[PersonDocument(d.id, d.filename, d.content_type) for d in documents],
        created_on=uk_date(case.created_at) if case.created_at else None,
        matched_by=how,
    )


def anonymise_case(case: Case, *, actor: str) -> int:
    """Remove the person from a case, keeping its reference, state and history for statistics; not committed.

    Name, email, account and answers go; its documents are deleted (files once committed); its bookings
    lose the email. Returns how many documents were deleted.
    """
    documents = case_documents([case.id])[case.id]
    for document in documents:
        delete_document(document, actor=actor)
    case.applicant_name, case.applicant_email, case.applicant_account_id = "", "", None
    case.data = dict(ERASED)
    db.session.execute(db.update(Booking).where(Booking.case_id == case.id).values(email=""))
    return len(documents)
