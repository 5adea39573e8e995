"""What the course service holds about a driver (offers, their cases and bookings), erasing it, and retention.

A driver is found by email, by an offer or case reference, or by name with the date of birth read from
their driving licence number. Offers still open (to book or attend) are kept until they end: the
alternative to prosecution depends on them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from frontcounter.audit import record as audit
from frontcounter.bookings.models import Booking, Slot
from frontcounter.calendar import uk_today
from frontcounter.cases.models import Case
from frontcounter.dataprotection import ErasureResult, PersonDocument, PersonQuery, PersonRecord, RetentionPolicy
from frontcounter.extensions import db
from frontcounter.person_cases import anonymise_case, case_documents, matched_by, names_of
from frontcounter.plugins import hookimpl
from frontcounter_speed_awareness.models import Offer, OfferStatus
from frontcounter_speed_awareness.offers import SERVICE_KEY
from sqlalchemy import func, or_

ACTOR = "system: speed awareness data protection"
ENDED = (OfferStatus.COMPLETED.value, OfferStatus.WITHDRAWN.value, OfferStatus.EXPIRED.value)


def born_from_licence(licence: str, today: date | None = None) -> date | None:
    """The date of birth a GB driving licence number encodes (characters 6 to 11: decade, month (+50), day, year)."""
    text = "".join(licence.split()).upper()
    digits = text[5:11]
    if len(digits) != 6 or not digits.isdigit():
        return None
    month, day = int(digits[1:3]) % 50, int(digits[3:5])
    two_digit = int(digits[0]) * 10 + int(digits[5])
    today = today or uk_today()
    year = 2000 + two_digit if 2000 + two_digit <= today.year - 16 else 1900 + two_digit
    try:
        return date(year, month, day)
    except ValueError:
        return None


def offers_for_person(person: PersonQuery) -> list[tuple[Offer, Case | None, str]]:
    """The force's offers about `person` with their case (if booking started) and how each matched."""
    conditions = []
    if person.email:
        conditions.append(Offer.email == person.email.strip().lower())
    references = [r.strip().upper() for r in person.references]
    if references:
        conditions.append(Offer.reference.in_(references))
        case_ids = db.session.scalars(db.select(Case.id).where(Case.reference.in_(references))).all()
        if case_ids:
            conditions.append(Offer.case_id.in_(case_ids))
    if names_of(person) and person.date_of_birth is not None:
        conditions.append(func.lower(Offer.driver_name).in_(names_of(person)))
    if not conditions:
        return []
    offers = db.session.scalars(db.select(Offer).where(or_(*conditions)).order_by(Offer.id)).all()
    cases = {c.id: c for c in db.session.scalars(
        db.select(Case).where(Case.id.in_([o.case_id for o in offers if o.case_id] or [0])))}
    found = []
    for offer in offers:
        case = cases.get(offer.case_id) if offer.case_id else None
        how = matched_by(offer.email, offer.reference, offer.driver_name, born_from_licence(offer.licence_number),
                         person, references=(case.reference,) if case else ())
        if how:
            found.append((offer, case, how))
    return found


def _bookings(case_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    by_case: dict[int, list[dict[str, Any]]] = {case_id: [] for case_id in case_ids}
    if case_ids:
        rows = db.session.execute(
            db.select(Booking.case_id, Booking.state, Booking.email, Slot.starts_at, Slot.location)
            .join(Slot, Slot.id == Booking.slot_id).where(Booking.case_id.in_(case_ids)).order_by(Booking.id)
        ).all()
        for case_id, state, email, starts_at, location in rows:
            by_case[case_id].append({"state": state, "email": email, "starts_at": starts_at.isoformat(),
                                     "location": location})
    return by_case


def _offer_data(offer: Offer) -> dict[str, Any]:
    return {
        "driver_name": offer.driver_name, "email": offer.email, "licence_number": offer.licence_number,
        "offence_date": offer.offence_date.isoformat(), "location": offer.location, "vehicle": offer.vehicle,
        "limit_mph": offer.limit_mph, "recorded_mph": offer.recorded_mph, "course_type": offer.course_type,
        "book_by": offer.book_by.isoformat(), "complete_by": offer.complete_by.isoformat(), "status": offer.status,
        "completed_on": offer.completed_on.isoformat() if offer.completed_on else None,
    }


@hookimpl(specname="person_data")
def speed_awareness_person_data(tenant: Any, person: PersonQuery) -> list[PersonRecord]:
    """Each offer as a record: what the ticket office sent, the booking case's answers, its bookings and files."""
    found = offers_for_person(person)
    case_ids = [case.id for _o, case, _h in found if case is not None]
    documents, bookings = case_documents(case_ids), _bookings(case_ids)
    records = []
    for offer, case, how in found:
        data = _offer_data(offer)
        files: list[PersonDocument] = []
        if case is not None:
            data |= {"case": case.reference, "case_state": case.state, "case_data": dict(case.data or {}),
                     "bookings": bookings[case.id]}
            files = [PersonDocument(d.id, d.filename, d.content_type) for d in documents[case.id]]
        records.append(PersonRecord(SERVICE_KEY, "offer", offer.reference,
                                    str(_l("Course offer %(reference)s", reference=offer.reference)),
                                    data=data, documents=files, created_on=offer.admission_received_on,
                                    matched_by=how))
    return records


def erase_offer(offer: Offer, *, actor: str) -> None:
    """Delete the offer and anonymise its case and bookings (the case keeps its reference for statistics)."""
    if offer.case_id is not None:
        case = db.session.get(Case, offer.case_id)
        if case is not None:
            anonymise_case(case, actor=actor)
    completed = offer.completed_on.isoformat() if offer.completed_on else None
    audit(f"{SERVICE_KEY}.offer_erased", target=f"offer:{offer.reference}", actor=actor,
          after={"status": offer.status, "completed_on": completed})
    db.session.delete(offer)


@hookimpl(specname="erase_person")
def speed_awareness_erase_person(tenant: Any, person: PersonQuery, reason: str) -> ErasureResult | None:
    """Erase ended offers (completed, withdrawn, expired); keep those still open to book or attend, and say so."""
    found = offers_for_person(person)
    if not found:
        return None
    result = ErasureResult(SERVICE_KEY)
    for offer, _case, _how in found:
        if offer.status in ENDED:
            erase_offer(offer, actor=ACTOR)
            result.erased += 1
        else:
            result.notes.append(f"{offer.reference}: kept, the offer is {offer.status} (the course is still open)")
    return result


def erase_completed_offers(today: date) -> int:
    """Erase completed offers whose retention ended (erase_after on or before `today`) in the force in scope."""
    due = db.session.scalars(
        db.select(Offer).where(Offer.status == OfferStatus.COMPLETED.value, Offer.erase_after <= today)
        .order_by(Offer.id).limit(1000)
    ).all()
    for offer in due:
        erase_offer(offer, actor="system: retention")
    return len(due)


@hookimpl(specname="retention_policies")
def speed_awareness_retention_policies(tenant: Any) -> list[RetentionPolicy]:
    """Completion records: three years and six months after the course."""
    return [RetentionPolicy(SERVICE_KEY, "completed-offers",
                            str(_l("A completed course is kept for 3 years and 6 months, then erased.")),
                            apply=erase_completed_offers)]
