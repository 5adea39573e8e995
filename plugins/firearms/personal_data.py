"""What firearms licensing holds about a person, erasing it on request, and how long it is kept.

Applications are cases (answers in Case.data, uploads as documents) with their referees; certificates
issued; drafts not yet sent. A person is also found as someone's referee. What the law needs the force to
keep (applications in progress or open to appeal, certificates in force) is kept and said so.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from frontcounter.calendar import add_calendar_months, uk_end_of_day, uk_today
from frontcounter.cases.models import Case
from frontcounter.dataprotection import ErasureResult, PersonQuery, PersonRecord, RetentionPolicy
from frontcounter.documents.models import Document
from frontcounter.documents.records import delete_document
from frontcounter.extensions import db
from frontcounter.person_cases import anonymise_case, case_documents, case_record, cases_for_person
from frontcounter.plugins import hookimpl
from frontcounter_firearms.drafts import Draft
from frontcounter_firearms.models import Certificate, Referee

SERVICE = "firearms"
ACTOR = "system: firearms data protection"
ENDED = ("withdrawn", "lapsed", "closed")  # nothing more can happen: no certificate, no appeal
RETENTION_YEARS = 6


def born(case: Case) -> date | None:
    """The applicant's date of birth from their answers."""
    value = ((case.data or {}).get("personal") or {}).get("date_of_birth")
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _referees(case_ids: list[int]) -> dict[int, list[Referee]]:
    by_case: dict[int, list[Referee]] = {case_id: [] for case_id in case_ids}
    if case_ids:
        for referee in db.session.scalars(db.select(Referee).where(Referee.case_id.in_(case_ids)).order_by(Referee.id)):
            by_case[referee.case_id].append(referee)
    return by_case


def _referee_data(referee: Referee) -> dict[str, Any]:
    return {"name": referee.name, "email": referee.email, "relationship": referee.relationship,
            "years_known": referee.years_known, "lives_in_gb": referee.lives_in_gb,
            "confirmed": referee.confirmed_at is not None, "declined": referee.declined_at is not None}


def _certificates(person: PersonQuery, case_ids: list[int]) -> list[tuple[Certificate, str]]:
    conditions = [Certificate.case_id.in_(case_ids)] if case_ids else []
    if person.email:
        conditions.append(Certificate.holder_email == person.email.strip().lower())
    if not conditions:
        return []
    rows = db.session.scalars(db.select(Certificate).where(db.or_(*conditions)).order_by(Certificate.id)).all()
    return [(c, "email" if person.email and c.holder_email == person.email.strip().lower() else "application")
            for c in rows]


def _as_referee(person: PersonQuery, exclude: list[int]) -> list[Referee]:
    if not person.email:
        return []
    return list(db.session.scalars(
        db.select(Referee).where(Referee.email == person.email.strip().lower(), Referee.case_id.not_in(exclude or [0]))
    ))


def _drafts(person: PersonQuery) -> list[Draft]:
    if not person.email:
        return []
    return list(db.session.scalars(db.select(Draft).where(Draft.email == person.email.strip().lower(),
                                                          Draft.case_id.is_(None))))


@hookimpl(specname="person_data")
def firearms_person_data(tenant: Any, person: PersonQuery) -> list[PersonRecord]:
    """Applications (with referees and uploads), certificates, drafts, and the person as someone's referee."""
    cases = cases_for_person(SERVICE, person, born)
    ids = [case.id for case, _how in cases]
    documents, referees = case_documents(ids), _referees(ids)
    records = [
        case_record(case, "application", how, str(_l("Firearms application %(reference)s", reference=case.reference)),
                    documents[case.id], data={**(case.data or {}),
                                              "referees": [_referee_data(r) for r in referees[case.id]]})
        for case, how in cases
    ]
    for certificate, how in _certificates(person, ids):
        records.append(PersonRecord(SERVICE, "certificate", certificate.number, str(_l("Certificate %(number)s",
                                    number=certificate.number)),
                                    data={"kind": certificate.kind, "holder_name": certificate.holder_name,
                                          "holder_email": certificate.holder_email,
                                          "issued_on": certificate.issued_on.isoformat(),
                                          "expires_on": certificate.expires_on.isoformat()},
                                    created_on=certificate.issued_on, matched_by=how))
    for referee in _as_referee(person, ids):
        case = db.session.get(Case, referee.case_id)
        records.append(PersonRecord(SERVICE, "referee", case.reference if case else "",
                                    str(_l("Referee for an application")), data=_referee_data(referee),
                                    matched_by="email"))
    for draft in _drafts(person):
        records.append(PersonRecord(SERVICE, "draft", "", str(_l("Application not yet sent")),
                                    data={"email": draft.email, "answers": draft.answers},
                                    documents=_draft_documents(draft), matched_by="email"))
    return records


def _draft_documents(draft: Draft) -> list[Any]:
    from frontcounter.dataprotection import PersonDocument

    rows = db.session.scalars(db.select(Document).where(Document.id.in_(list(draft.documents.values()) or [0])))
    return [PersonDocument(d.id, d.filename, d.content_type) for d in rows]


def _certificate_in_force(case: Case, today: date) -> bool:
    return any(c.in_force_on(today) for c in db.session.scalars(db.select(Certificate).filter_by(case_id=case.id)))


def erase_application(case: Case) -> int:
    """Anonymise an application and delete its referees' details; return the documents deleted. Not committed."""
    db.session.execute(db.delete(Referee).where(Referee.case_id == case.id))
    return anonymise_case(case, actor=ACTOR)


@hookimpl(specname="erase_person")
def firearms_erase_person(tenant: Any, person: PersonQuery, reason: str) -> ErasureResult | None:
    """Anonymise ended applications and expired certificates; keep what the Firearms Act needs, and say why."""
    today = uk_today()
    result = ErasureResult(SERVICE)
    cases = cases_for_person(SERVICE, person, born)
    for case, _how in cases:
        if case.state in ENDED or (case.state == "granted" and not _certificate_in_force(case, today)):
            erase_application(case)
            result.anonymised += 1
        else:
            result.notes.append(f"{case.reference}: kept, the application is {case.state} (needed to decide it, "
                                "run its appeal or support a certificate in force)")
    for certificate, _how in _certificates(person, [case.id for case, _how in cases]):
        if certificate.in_force_on(today):
            result.notes.append(f"{certificate.number}: kept, the certificate is in force")
        elif certificate.holder_name:
            certificate.holder_name, certificate.holder_email = "", ""
            result.anonymised += 1
    for referee in _as_referee(person, [case.id for case, _how in cases]):
        referee.name, referee.email = "", ""
        result.anonymised += 1
    for draft in _drafts(person):
        for document in db.session.scalars(db.select(Document).where(
                Document.id.in_(list(draft.documents.values()) or [0]))):
            delete_document(document, actor=ACTOR)
        db.session.delete(draft)
        result.erased += 1
    if not (cases or result.erased or result.anonymised or result.notes):
        return None
    return result


def erase_ended_applications(today: date) -> int:
    """Anonymise applications that ended (withdrawn, lapsed, closed) over six years before `today`."""
    cutoff = uk_end_of_day(add_calendar_months(today, -12 * RETENTION_YEARS)).astimezone(UTC)
    ended = db.session.scalars(
        db.select(Case).where(Case.service_key == SERVICE, Case.state.in_(ENDED), Case.updated_at < cutoff,
                              Case.applicant_email != "")
        .order_by(Case.id).limit(500)
    ).all()
    for case in ended:
        erase_application(case)
    return len(ended)


def erase_stale_drafts(today: date) -> int:
    """Delete guests' drafts never sent and untouched for the resume period (their links no longer work)."""
    from frontcounter_firearms.drafts import RESUME_DAYS

    cutoff = datetime.combine(today - timedelta(days=RESUME_DAYS + 1), datetime.min.time(), tzinfo=UTC)
    stale = db.session.scalars(
        db.select(Draft)
        .where(Draft.case_id.is_(None), Draft.account_id.is_(None), Draft.updated_at < cutoff)
        .order_by(Draft.id)
        .limit(500)
    ).all()
    for draft in stale:
        for document in db.session.scalars(db.select(Document).where(
                Document.id.in_(list(draft.documents.values()) or [0]))):
            delete_document(document, actor=ACTOR)
        db.session.delete(draft)
    return len(stale)


@hookimpl(specname="retention_policies")
def firearms_retention_policies(tenant: Any) -> list[RetentionPolicy]:
    """Ended applications: six years; unsent drafts: the resume period."""
    return [
        RetentionPolicy(SERVICE, "ended-applications",
                        str(_l("Applications withdrawn, lapsed or closed are anonymised six years after they ended.")),
                        apply=erase_ended_applications),
        RetentionPolicy(SERVICE, "stale-drafts",
                        str(_l("Applications never sent by guests are deleted once their resume link has expired.")),
                        apply=erase_stale_drafts),
    ]

