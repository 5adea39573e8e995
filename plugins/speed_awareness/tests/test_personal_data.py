"""The course service answers the data-protection hooks: a driver found by email, by name with the birth date
their licence number encodes, or by reference; erasing ended offers (audited), keeping open ones; retention."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from frontcounter.audit.models import AuditEvent
from frontcounter.bookings import Booking
from frontcounter.cases.engine import fire
from frontcounter.cases.models import Case
from frontcounter.dataprotection import PersonQuery
from frontcounter.extensions import db
from frontcounter.personal_data import apply_retention, erase_person, find_person
from frontcounter.tenancy import tenant_context
from frontcounter_speed_awareness.models import Offer
from frontcounter_speed_awareness.offers import follow_case
from frontcounter_speed_awareness.personal_data import born_from_licence

from .test_jobs import TODAY, add_offers, booked

ANN_BORN = date(1970, 5, 15)  # DRIVE 7 05 15 0: decade 7, May, 15th, year 0


@pytest.mark.parametrize(("licence", "born"), [
    ("DRIVE705150A99XY", date(1970, 5, 15)),
    ("SMITH755120AB9CD", date(1970, 5, 12)),  # month + 50: the licence of a woman
    ("JONES 812 299 J99AB", date(1989, 12, 29)),
    ("BLOGG001015JJ9AB", date(2005, 1, 1)),
    ("BLOGG01315", None),
    ("BLOGG713320AB9CD", None),  # no 32nd of March
])
def test_the_licence_number_gives_the_date_of_birth(licence, born):
    assert born_from_licence(licence, today=date(2026, 6, 1)) == born


@pytest.fixture
def drivers(app, forces, service):
    """In Alpha: SA-1 completed (its case booked and attended), SA-2 still offered; in Bravo: SA-1 again."""
    alpha, bravo = forces
    with app.app_context():
        with tenant_context(alpha):
            offers = add_offers("SA-1", "SA-2")
            case = booked(offers["SA-1"], 10)
            fire(case, "mark_attended", actor="trainer", roles=["field_officer"])
            fire(case, "complete", actor="trainer", roles=["field_officer"])
            follow_case(case)
            for offer in offers.values():
                offer.email = "ann@example.com"
            db.session.commit()
            case_ref = case.reference
        with tenant_context(bravo):
            add_offers("SA-1")["SA-1"].email = "ann@example.com"
            db.session.commit()
    return alpha, bravo, case_ref


@pytest.mark.parametrize(("query", "expected", "how"), [
    (PersonQuery(email="Ann@Example.com"), ["SA-1", "SA-2"], "email"),
    (PersonQuery(name="ann driver", date_of_birth=ANN_BORN), ["SA-1", "SA-2"], "name and date of birth"),
    (PersonQuery(references=("sa-2",)), ["SA-2"], "reference"),
])
def test_a_driver_is_found_with_their_offers_cases_and_bookings(app, drivers, query, expected, how):
    alpha, _bravo, case_ref = drivers
    with app.app_context(), tenant_context(alpha):
        records = find_person(query)
    assert [r.reference for r in records] == expected and {r.matched_by for r in records} == {how}
    if "SA-1" in expected:
        completed = records[0]
        assert completed.data["case"] == case_ref and completed.data["licence_number"] == "DRIVE705150A99XY"
        assert completed.data["bookings"][0]["state"] == "confirmed"


def test_the_case_reference_finds_the_offer_and_a_wrong_birth_date_finds_nothing(app, drivers):
    alpha, _bravo, case_ref = drivers
    with app.app_context(), tenant_context(alpha):
        assert [r.reference for r in find_person(PersonQuery(references=(case_ref,)))] == ["SA-1"]
        assert find_person(PersonQuery(name="Ann Driver", date_of_birth=ANN_BORN + timedelta(days=1))) == []


def test_erasing_removes_ended_offers_keeps_open_ones_and_is_audited(app, drivers):
    alpha, bravo, case_ref = drivers
    with app.app_context():
        with tenant_context(alpha):
            (result,) = erase_person(PersonQuery(email="ann@example.com"), "Right to erasure, letter of 1 May")
            db.session.commit()
            assert (result.service_key, result.erased) == ("speed_awareness", 1)
            assert any("SA-2" in note for note in result.notes)
            assert [o.reference for o in db.session.scalars(db.select(Offer))] == ["SA-2"]
            case = db.session.scalar(db.select(Case).filter_by(reference=case_ref))
            assert (case.applicant_email, case.data, case.state) == ("", {"erased": True}, "completed")
            assert db.session.scalars(db.select(Booking.email).filter_by(case_id=case.id)).all() == [""]
            event = db.session.scalar(db.select(AuditEvent).filter_by(action="person.erased"))
            assert event.after["services"][0]["erased"] == 1 and "ann@example.com" not in str(event.after)
        with tenant_context(bravo):
            assert [r.reference for r in find_person(PersonQuery(email="ann@example.com"))] == ["SA-1"]


def test_retention_erases_a_completed_offer_only_once_its_period_is_over(app, drivers):
    alpha, _bravo, _case_ref = drivers
    with app.app_context(), tenant_context(alpha):
        offer = db.session.scalar(db.select(Offer).filter_by(reference="SA-1"))
        erase_after = offer.erase_after
        assert erase_after > TODAY
        assert apply_retention(erase_after - timedelta(days=1)) == 0
        assert apply_retention(erase_after) == 1
        db.session.commit()
        assert [o.reference for o in db.session.scalars(db.select(Offer))] == ["SA-2"]
