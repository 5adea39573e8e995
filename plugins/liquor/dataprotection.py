"""What the licensing service holds about a person, erasing it on request, and how long it is kept.

Temporary event notices are kept to the end of the second calendar year after the event (the annual limits
look back over the current year only), applications for 6 years after they were received. Erasure on request
anonymises the person's details and keeps the notice's dates, premises and decision, which the limits need.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from frontcounter.cases.models import Case
from frontcounter.dataprotection import ErasureResult, PersonQuery, PersonRecord, RetentionPolicy
from frontcounter.extensions import db
from frontcounter_liquor.authorities import SERVICE_KEY
from frontcounter_liquor.models import EventNotice, LicenceApplication
from sqlalchemy import or_

ERASED = "[erased]"
NOTICE_YEARS = 2
APPLICATION_YEARS = 6


def _notices(person: PersonQuery) -> list[tuple[EventNotice, str]]:
    clauses = []
    if person.email:
        clauses.append(EventNotice.user_email == person.email.strip().lower())
    if person.date_of_birth:
        clauses.append(EventNotice.user_dob == person.date_of_birth)
    if person.references:
        clauses.append(Case.reference.in_(list(person.references)))
    if not clauses:
        return []
    rows = db.session.execute(
        db.select(EventNotice, Case.reference).join(Case, Case.id == EventNotice.case_id).where(or_(*clauses))
    ).all()
    out = []
    for notice, reference in rows:
        if person.email and notice.user_email == person.email.strip().lower():
            out.append((notice, "email"))
        elif reference in person.references:
            out.append((notice, "reference"))
        elif person.matches_name(notice.user_name, notice.user_dob):
            out.append((notice, "name and date of birth"))
    return out


def _applications(person: PersonQuery) -> list[tuple[LicenceApplication, str]]:
    clauses = []
    if person.email:
        clauses.append(LicenceApplication.applicant_email == person.email.strip().lower())
    if person.date_of_birth:
        clauses.append(LicenceApplication.applicant_dob == person.date_of_birth)
    if person.references:
        clauses.append(Case.reference.in_(list(person.references)))
    if not clauses:
        return []
    rows = db.session.execute(
        db.select(LicenceApplication, Case.reference)
        .join(Case, Case.id == LicenceApplication.case_id).where(or_(*clauses))
    ).all()
    out = []
    for application, reference in rows:
        if person.email and application.applicant_email == person.email.strip().lower():
            out.append((application, "email"))
        elif reference in person.references:
            out.append((application, "reference"))
        elif person.matches_name(application.applicant_name, application.applicant_dob):
            out.append((application, "name and date of birth"))
    return out


def _notice_data(notice: EventNotice) -> dict[str, Any]:
    return {
        "name": notice.user_name, "date_of_birth": notice.user_dob.isoformat(), "email": notice.user_email,
        "phone": notice.user_phone, "address": notice.user_address, "personal_licence": notice.licence_number,
        "premises": notice.premises_address or notice.open_land, "postcode": notice.premises_postcode,
        "starts_at": notice.starts_at.isoformat(), "ends_at": notice.ends_at.isoformat(), "people": notice.people,
        "kind": notice.kind, "decision": notice.decision, "reasons": notice.reasons,
    }


def person_data(person: PersonQuery) -> list[PersonRecord]:
    """Every notice and application about the person in the force in scope."""
    records = [
        PersonRecord(SERVICE_KEY, "temporary_event_notice", notice.case.reference,
                     f"Temporary event notice for {notice.starts_at:%d/%m/%Y}", data=_notice_data(notice),
                     created_on=notice.received_on, matched_by=how)
        for notice, how in _notices(person)
    ]
    records += [
        PersonRecord(SERVICE_KEY, application.kind, application.case.reference,
                     f"Licence application ({application.kind})",
                     data={"name": application.applicant_name, "email": application.applicant_email,
                           "premises": application.premises_address, "response": application.response,
                           "reasons": application.reasons},
                     created_on=application.received_on, matched_by=how)
        for application, how in _applications(person)
    ]
    return records


def erase_person(person: PersonQuery) -> ErasureResult | None:
    """Anonymise the person's details on their notices and applications (the dates and decisions stay)."""
    notices, applications = _notices(person), _applications(person)
    if not notices and not applications:
        return None
    for notice, _how in notices:
        notice.user_name, notice.user_email, notice.user_phone, notice.user_address = ERASED, "", "", ""
        notice.licence_number, notice.user_dob, notice.user_key = "", date(1900, 1, 1), f"erased|{notice.id}"
        notice.case.applicant_email, notice.case.applicant_name = "", ERASED
    for application, _how in applications:
        application.applicant_name, application.applicant_email, application.applicant_dob = ERASED, "", None
        application.case.applicant_email, application.case.applicant_name = "", ERASED
    return ErasureResult(SERVICE_KEY, anonymised=len(notices) + len(applications))


def _delete_cases(case_ids: list[int]) -> int:
    for model in (EventNotice, LicenceApplication):
        db.session.execute(db.delete(model).where(model.case_id.in_(case_ids)).execution_options(synchronize_session=False))
    for case in db.session.scalars(db.select(Case).where(Case.id.in_(case_ids))):
        db.session.delete(case)
    return len(case_ids)


def erase_old_notices(today: date) -> int:
    """Erase notices whose event ended before the start of the year two years ago."""
    ids = list(db.session.scalars(
        db.select(EventNotice.case_id).where(EventNotice.last_year < today.year - NOTICE_YEARS).limit(500)))
    return _delete_cases(ids) if ids else 0


def erase_old_applications(today: date) -> int:
    """Erase applications received more than 6 years ago."""
    cutoff = today.replace(year=today.year - APPLICATION_YEARS) if not (today.month == 2 and today.day == 29) \
        else date(today.year - APPLICATION_YEARS, 2, 28)
    ids = list(db.session.scalars(
        db.select(LicenceApplication.case_id).where(LicenceApplication.received_on < cutoff).limit(500)))
    return _delete_cases(ids) if ids else 0


def retention_policies() -> list[RetentionPolicy]:
    """The service's two retention periods."""
    return [
        RetentionPolicy(SERVICE_KEY, "liquor-notices",
                        "Temporary event notices are erased at the end of the second calendar year after the event.",
                        apply=erase_old_notices),
        RetentionPolicy(SERVICE_KEY, "liquor-applications",
                        "Licence applications are erased 6 years after the police received them.",
                        apply=erase_old_applications),
    ]
