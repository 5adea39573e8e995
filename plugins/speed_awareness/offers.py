"""Offers for the force in scope: create them from an import report, find one for a driver, turn it into a
case, and keep its status in step with the case.

Nothing here commits: the caller (a view, an API endpoint, a job) commits, so a request's changes and
its audit events go in together.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from frontcounter.audit import record as audit
from frontcounter.bookings.times import now_utc
from frontcounter.cases.engine import open_case
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter_speed_awareness.csv_import import ImportReport
from frontcounter_speed_awareness.models import Offer, OfferStatus
from frontcounter_speed_awareness.offer_rows import OfferRow, normalise_licence, normalise_reference
from frontcounter_speed_awareness.pins import DUMMY_PIN_HASH, hash_pin, verify_pin
from frontcounter_speed_awareness.rules import retention_expires, uk_today
from sqlalchemy.exc import IntegrityError

SERVICE_KEY = "speed_awareness"
_CHUNK = 500

# Case state -> offer status (states not listed leave the offer as it is).
_STATUS_FOR_STATE = {
    "offered": OfferStatus.OFFERED,
    "booked": OfferStatus.BOOKED,
    "attended": OfferStatus.BOOKED,
    "completed": OfferStatus.COMPLETED,
    "withdrawn": OfferStatus.WITHDRAWN,
    "returned_to_prosecution": OfferStatus.WITHDRAWN,
}


class OffersNotImported(Exception):
    """The import was refused or failed as a whole: nothing was created. `message` is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OfferUnavailable(Exception):
    """The offer cannot be booked (already used, withdrawn, past its book-by date). `message` is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(values)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def existing_references(references: set[str]) -> set[str]:
    """Which of `references` the force in scope already has offers for (the parser's existing_refs)."""
    found: set[str] = set()
    for chunk in _chunks(normalise_reference(r) for r in references):
        found.update(db.session.scalars(db.select(Offer.reference).where(Offer.reference.in_(chunk))))
    return found


def previous_course_dates(licence_numbers: set[str]) -> dict[str, list[date]]:
    """Dates this force's records show each licence completed a course (the parser's previous_courses).

    Only this force's offers: the national record of courses is the scheme's own database, whose
    answer the ticket office sends as last_course_date.
    """
    found: dict[str, list[date]] = {}
    for chunk in _chunks(normalise_licence(n) for n in licence_numbers):
        rows = db.session.execute(
            db.select(Offer.licence_number, Offer.completed_on).where(
                Offer.licence_number.in_(chunk), Offer.completed_on.is_not(None)
            )
        )
        for licence, completed_on in rows:
            found.setdefault(licence, []).append(completed_on)
    return found


def _offer_from(row: OfferRow, source: str) -> Offer:
    return Offer(
        reference=row.reference,
        pin_hash=hash_pin(row.pin),
        driver_name=row.driver_name,
        email=row.email,
        licence_number=row.licence_number,
        offence_date=row.offence_date,
        location=row.location,
        motorway=row.motorway,
        vehicle=row.vehicle,
        limit_mph=row.limit_mph,
        recorded_mph=row.recorded_mph,
        course_type=row.course_type,
        admission_received_on=row.admission_received_on,
        book_by=row.book_by,
        complete_by=row.complete_by,
        status=OfferStatus.OFFERED.value,
        source=source,
        created_at=now_utc(),
    )


def import_offers(
    report: ImportReport, *, strict: bool = True, source: str = "csv", actor: str | None = None
) -> list[Offer]:
    """Create every accepted offer of `report` in one savepoint, or none; audited; not committed.

    Rejected rows are never created. With `strict` (the default) a report with any invalid row
    creates nothing (OffersNotImported): the office fixes the file and sends all of it again.
    Ineligible rows never block an import. Without `strict` the accepted rows are created and the
    invalid ones reported. Raises OffersNotImported when the file could not be read or a reference
    was taken meanwhile.
    """
    if report.file_problems:
        raise OffersNotImported(_("The file could not be read, so no offers were added."))
    if strict and report.invalid:
        raise OffersNotImported(
            ngettext(
                "%(num)d row has mistakes, so no offers were added. Correct it and upload the whole file again.",
                "%(num)d rows have mistakes, so no offers were added. Correct them and upload the whole file again.",
                len(report.invalid),
            )
        )
    offers = [_offer_from(row, source) for row in report.accepted]  # hashing PINs takes a while: not in the savepoint
    try:
        with db.session.begin_nested():
            db.session.add_all(offers)
            db.session.flush()
    except IntegrityError:
        raise OffersNotImported(
            _("Another upload added some of these offers at the same time, so none were added. Upload the file again.")
        ) from None
    audit(
        f"{SERVICE_KEY}.offers_imported",
        target=f"service:{SERVICE_KEY}",
        actor=actor,
        after={
            "source": source,
            "created": len(offers),
            "invalid": len(report.invalid),
            "ineligible": len(report.ineligible),
        },
    )
    return offers


def find_offer_for_driver(reference: str, pin: str, licence_number: str) -> Offer | None:
    """The offer when reference, PIN and licence number all match, else None (the same time either way)."""
    offer = db.session.scalar(db.select(Offer).filter_by(reference=normalise_reference(reference)))
    pin_ok = verify_pin(offer.pin_hash if offer else DUMMY_PIN_HASH, (pin or "").strip())
    licence_ok = hmac.compare_digest(
        (offer.licence_number if offer else "").encode(), normalise_licence(licence_number).encode()
    )
    return offer if offer is not None and pin_ok and licence_ok else None


def open_offer_case(offer: Offer, email: str, *, account_id: int | None = None, today: date | None = None) -> Case:
    """Return the offer's case, opening it (state "offered") the first time the driver starts booking.

    Raises OfferUnavailable when the offer can no longer be booked. Not committed.
    """
    if offer.case_id is not None:
        case = db.session.get(Case, offer.case_id)
        if case is not None:
            return case
    if offer.status != OfferStatus.OFFERED:
        raise OfferUnavailable(_("This offer can no longer be booked."))
    if (today or uk_today()) > offer.book_by:
        raise OfferUnavailable(
            _("The date to book this course by (%(date)s) has passed.", date=offer.book_by.strftime("%d/%m/%Y"))
        )
    case = open_case(
        SERVICE_KEY,
        applicant_email=email,
        applicant_name=offer.driver_name,
        account_id=account_id,
        data={
            "offer_reference": offer.reference,
            "course_type": offer.course_type,
            "book_by": offer.book_by.isoformat(),
            "complete_by": offer.complete_by.isoformat(),
        },
        actor=email,
    )
    offer.case_id = case.id
    if not offer.email:
        offer.email = email.strip().lower()
    return case


def offer_for_case(case: Case) -> Offer | None:
    """The offer a case was opened for, or None."""
    return db.session.scalar(db.select(Offer).filter_by(case_id=case.id))


def follow_case(case: Case, today: date | None = None) -> Offer | None:
    """Bring the case's offer into step with the case's state (call from the case_transitioned hook).

    On completion it records the day and when the record is to be erased (3.5 years later).
    """
    offer = offer_for_case(case)
    status = _STATUS_FOR_STATE.get(case.state)
    if offer is None or status is None or offer.status == status:
        return offer
    offer.status = status.value
    if status == OfferStatus.COMPLETED:
        offer.completed_on = today or uk_today()
        offer.erase_after = retention_expires(offer.completed_on)
    return offer
