"""Offers in a force: created together from an import or not at all, found only by the right driver."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from frontcounter.audit.models import AuditEvent
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter_speed_awareness.csv_import import parse_offers
from frontcounter_speed_awareness.models import Offer, OfferStatus
from frontcounter_speed_awareness.offers import (
    OffersNotImported,
    OfferUnavailable,
    existing_references,
    find_offer_for_driver,
    follow_case,
    import_offers,
    open_offer_case,
    previous_course_dates,
)
from frontcounter_speed_awareness.rules import uk_today

from .offer_files import LICENCE, csv_bytes, line

TODAY = uk_today()


def upload(data: bytes, *, strict: bool = True) -> list[str]:
    """Parse and import a file for the force in scope, as the upload page will; commit; return the references."""
    report = parse_offers(data, existing_refs=existing_references, previous_courses=previous_course_dates)
    offers = import_offers(report, strict=strict, actor="office@alpha.police.uk")
    db.session.commit()
    return [o.reference for o in offers]


def references() -> list[str]:
    return sorted(db.session.scalars(db.select(Offer.reference)))


def test_the_accepted_offers_are_created_together_with_only_a_hash_of_each_pin(app, forces):
    alpha, _bravo = forces
    with app.app_context(), tenant_context(alpha):
        created = upload(csv_bytes(line(TODAY), line(TODAY, reference="SA-1002", recorded_mph="50")))
        assert created == ["SA-1001"]
        offer = db.session.scalar(db.select(Offer))
        assert offer.status == OfferStatus.OFFERED and offer.tenant_id == alpha.id
        assert offer.pin_hash.startswith("$argon2id$") and "4821" not in offer.pin_hash
        assert offer.licence_number == LICENCE and offer.complete_by == TODAY + timedelta(days=90)
        event = db.session.scalar(db.select(AuditEvent).filter_by(action="speed_awareness.offers_imported"))
        assert event.actor == "office@alpha.police.uk"
        assert event.after == {"source": "csv", "created": 1, "invalid": 0, "ineligible": 1}


def test_a_file_with_a_mistake_adds_nothing_unless_the_office_asks_for_the_good_rows(app, forces):
    alpha, _bravo = forces
    data = csv_bytes(line(TODAY), line(TODAY, reference="SA-1002", offence_date="32/01/2025"))
    with app.app_context(), tenant_context(alpha):
        with pytest.raises(OffersNotImported) as refused:
            upload(data)
        assert "1 row has mistakes, so no offers were added" in refused.value.message
        db.session.rollback()
        assert references() == []
        assert upload(data, strict=False) == ["SA-1001"]
        assert references() == ["SA-1001"]


def test_an_unreadable_file_adds_nothing_even_when_not_strict(app, forces):
    alpha, _bravo = forces
    with app.app_context(), tenant_context(alpha):
        with pytest.raises(OffersNotImported):
            upload(csv_bytes(line(TODAY, driver_name="Siân"), encoding="cp1252"), strict=False)


def test_references_are_unique_within_a_force_not_across_forces(app, forces):
    alpha, bravo = forces
    data = csv_bytes(line(TODAY), line(TODAY, reference="SA-1002"))
    with app.app_context():
        with tenant_context(alpha):
            assert upload(data) == ["SA-1001", "SA-1002"]
        with tenant_context(bravo):
            assert upload(data) == ["SA-1001", "SA-1002"]
        with tenant_context(alpha):
            report = parse_offers(data, existing_refs=existing_references)
            assert report.accepted == []
            assert [r.reasons for r in report.rejected] == [
                ("reference: an offer with reference SA-1001 already exists",),
                ("reference: an offer with reference SA-1002 already exists",),
            ]


def test_a_reference_added_between_checking_and_creating_leaves_nothing_half_imported(app, forces):
    alpha, _bravo = forces
    with app.app_context(), tenant_context(alpha):
        report = parse_offers(
            csv_bytes(line(TODAY), line(TODAY, reference="SA-1002")), existing_refs=existing_references
        )
        upload(csv_bytes(line(TODAY, reference="SA-1002")))  # another upload wins the race
        with pytest.raises(OffersNotImported):
            import_offers(report)
        db.session.commit()
        assert references() == ["SA-1002"]


def test_a_driver_finds_their_offer_only_with_reference_pin_and_licence(app, forces):
    alpha, bravo = forces
    with app.app_context():
        with tenant_context(alpha):
            upload(csv_bytes(line(TODAY)))
            assert find_offer_for_driver(" sa-1001 ", "4821", "drive 705150 a99xy").reference == "SA-1001"
            assert find_offer_for_driver("SA-1001", "4822", LICENCE) is None
            assert find_offer_for_driver("SA-1001", "4821", "DRIVE705150A99XZ") is None
            assert find_offer_for_driver("SA-9999", "4821", LICENCE) is None
        with tenant_context(bravo):
            assert find_offer_for_driver("SA-1001", "4821", LICENCE) is None


def test_courses_completed_in_the_force_count_against_the_next_offer(app, forces, service):
    alpha, bravo = forces
    with app.app_context():
        with tenant_context(alpha):
            upload(csv_bytes(line(TODAY)))
            offer = db.session.scalar(db.select(Offer))
            case = open_offer_case(offer, "ann@example.com")
            case.state = "completed"  # the end of the workflow (driven step by step in test_workflow)
            follow_case(case, TODAY - timedelta(days=30))  # before the next offence, 22 days ago
            db.session.commit()
            assert previous_course_dates({LICENCE}) == {LICENCE: [TODAY - timedelta(days=30)]}
            report = parse_offers(
                csv_bytes(line(TODAY, reference="SA-2001")),
                existing_refs=existing_references,
                previous_courses=previous_course_dates,
            )
            assert report.accepted == [] and report.rejected[0].kind == "ineligible"
        with tenant_context(bravo):
            assert previous_course_dates({LICENCE}) == {}


def test_starting_to_book_opens_one_case_for_the_offer(app, forces, service):
    alpha, _bravo = forces
    with app.app_context(), tenant_context(alpha):
        upload(csv_bytes(line(TODAY, email="")))
        offer = db.session.scalar(db.select(Offer))
        case = open_offer_case(offer, "Ann@Example.com")
        db.session.commit()
        assert case.state == "offered" and case.service_key == "speed_awareness"
        assert case.applicant_name == "Ann Driver" and case.applicant_email == "ann@example.com"
        assert case.data["offer_reference"] == "SA-1001"
        assert offer.case_id == case.id and offer.email == "ann@example.com"
        assert open_offer_case(offer, "other@example.com").id == case.id


def test_an_offer_past_its_book_by_date_or_withdrawn_cannot_be_booked(app, forces, service):
    alpha, _bravo = forces
    with app.app_context(), tenant_context(alpha):
        upload(csv_bytes(line(TODAY), line(TODAY, reference="SA-1002")))
        late, withdrawn = db.session.scalars(db.select(Offer).order_by(Offer.reference)).all()
        with pytest.raises(OfferUnavailable) as refused:
            open_offer_case(late, "ann@example.com", today=late.book_by + timedelta(days=1))
        assert "has passed" in refused.value.message
        withdrawn.status = OfferStatus.WITHDRAWN.value
        with pytest.raises(OfferUnavailable):
            open_offer_case(withdrawn, "ann@example.com")


def test_completing_records_when_the_record_is_to_be_erased(app, forces, service):
    alpha, _bravo = forces
    with app.app_context(), tenant_context(alpha):
        upload(csv_bytes(line(TODAY)))
        offer = db.session.scalar(db.select(Offer))
        case = open_offer_case(offer, "ann@example.com")
        case.state = "completed"
        follow_case(case, date(2025, 8, 31))
        assert (offer.status, offer.completed_on, offer.erase_after) == (
            "completed",
            date(2025, 8, 31),
            date(2029, 2, 28),
        )
