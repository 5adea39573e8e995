"""A booked course through the core: pay, change the date within the rules, attend and complete, or be
withdrawn and returned for prosecution."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from frontcounter.accounts.models import Role
from frontcounter.bookings import BookingRefused, confirm, create_slots, hold, reschedule
from frontcounter.cases.engine import TransitionRefused, fire
from frontcounter.cases.models import Case, CaseEvent
from frontcounter.extensions import db
from frontcounter.payments.service import pay_in_sandbox
from frontcounter.tenancy import tenant_context
from frontcounter.testing import mailbox
from frontcounter_speed_awareness.csv_import import parse_offers
from frontcounter_speed_awareness.models import Offer, Trainer, Venue
from frontcounter_speed_awareness.offers import follow_case, import_offers, open_offer_case
from frontcounter_speed_awareness.rules import uk_today
from frontcounter_speed_awareness.sessions import session_details, session_spec
from frontcounter_speed_awareness.workflow import WORKFLOW

from .offer_files import csv_bytes, line

TODAY = uk_today()
DRIVER = "ann@example.com"
TRAINER = ["field_officer"]


def in_days(days: int) -> datetime:
    return datetime.combine(TODAY + timedelta(days=days), time(9, 30), tzinfo=UTC)


def offer_case(app, force):
    """Import one offer (complete by 90 days from today) and start booking it; return the case id."""
    with app.app_context(), tenant_context(force):
        import_offers(parse_offers(csv_bytes(line(TODAY))))
        case = open_offer_case(db.session.scalar(db.select(Offer)), DRIVER)
        db.session.commit()
        return case.id


def sessions(*days: int, online: bool = False) -> list:
    """Course sessions this many days ahead, at one venue with one trainer."""
    venue = Venue(name="Police HQ", address="1 High Street", postcode="AL1 1AA", online=online)
    trainer = Trainer(name="Tom Trainer", email="tom@example.com")
    db.session.add_all([venue, trainer])
    db.session.flush()
    specs = [session_spec("national_speed_awareness", in_days(d), venue, trainer=trainer, places=24) for d in days]
    return create_slots("speed_awareness", specs, actor="test")


def book_and_pay(case, slot):
    """Hold a place, pay the fee (the payment fires "pay"), confirm the place; returns the booking."""
    booking = hold(slot, case, actor=DRIVER)
    pay_in_sandbox(case, 8000, "National Speed Awareness Course")
    booked = confirm(booking, actor=DRIVER)
    follow_case(case)
    return booked


def test_a_driver_books_pays_attends_and_completes_the_course(app, forces, service):
    alpha, _bravo = forces
    case_id = offer_case(app, alpha)
    with app.app_context(), tenant_context(alpha):
        case = db.session.get(Case, case_id)
        (slot,) = sessions(14)
        book_and_pay(case, slot)
        assert case.state == "booked"
        offer = db.session.scalar(db.select(Offer))
        assert offer.status == "booked"
        with pytest.raises(TransitionRefused) as refused:
            fire(case, "mark_attended", actor="clerk@alpha.police.uk", roles=["caseworker"])
        assert refused.value.code == "forbidden"
        fire(case, "mark_attended", actor="tom@example.com", roles=TRAINER)
        fire(case, "complete", actor="tom@example.com", roles=TRAINER)
        follow_case(case)
        db.session.commit()
        assert case.state == "completed"
        assert offer.status == "completed" and offer.completed_on == uk_today()
        assert offer.erase_after is not None
        steps = db.session.scalars(db.select(CaseEvent.transition).filter_by(case_id=case.id).order_by(CaseEvent.id))
        assert list(steps) == ["opened", "pay", "mark_attended", "complete"]
    subjects = [m.subject for m in mailbox(app, DRIVER)]
    assert any("Course completed" in s for s in subjects), subjects


def test_the_course_is_not_booked_until_the_fee_is_paid(app, forces, service):
    alpha, _bravo = forces
    case_id = offer_case(app, alpha)
    with app.app_context(), tenant_context(alpha):
        case = db.session.get(Case, case_id)
        with pytest.raises(TransitionRefused) as refused:
            fire(case, "pay", actor="system", as_system=True)
        assert refused.value.message == "The fee has not been paid."


def test_a_no_show_withdraws_the_offer_tells_the_driver_and_returns_the_case_for_prosecution(app, forces, service):
    alpha, _bravo = forces
    case_id = offer_case(app, alpha)
    with app.app_context(), tenant_context(alpha):
        case = db.session.get(Case, case_id)
        (slot,) = sessions(14)
        book_and_pay(case, slot)
        fire(case, "no_show", actor="tom@example.com", roles=TRAINER)
        follow_case(case)
        db.session.commit()
        assert case.state == "withdrawn" and case.deadline_at is not None
        with pytest.raises(TransitionRefused):
            fire(case, "return_to_prosecution", actor="tom@example.com", roles=TRAINER)
        fire(case, "return_to_prosecution", actor="clerk@alpha.police.uk", roles=["caseworker"])
        follow_case(case)
        db.session.commit()
        assert case.state == "returned_to_prosecution"
        assert db.session.scalar(db.select(Offer)).status == "withdrawn"
    subjects = [m.subject for m in mailbox(app, DRIVER)]
    assert sum("Offer withdrawn" in s for s in subjects) == 1, subjects


def test_a_driver_may_move_their_course_twice_and_never_past_the_complete_by_date(app, forces, service):
    alpha, _bravo = forces
    case_id = offer_case(app, alpha)
    with app.app_context(), tenant_context(alpha):
        case = db.session.get(Case, case_id)
        first, second, third, fourth, too_late = sessions(14, 21, 28, 35, 95)
        booking = book_and_pay(case, first)
        with pytest.raises(BookingRefused) as refused:
            reschedule(booking, too_late, actor=DRIVER)
        assert refused.value.code == "after_deadline"
        for slot in (second, third):
            booking = reschedule(booking, slot, actor=DRIVER)
            fire(case, "reschedule", actor=DRIVER, as_applicant=True)
        with pytest.raises(BookingRefused) as refused:
            reschedule(booking, fourth, actor=DRIVER)
        assert refused.value.code == "too_many_reschedules"
        db.session.commit()
        moves = db.session.scalars(db.select(CaseEvent).filter_by(case_id=case.id, transition="reschedule")).all()
        assert [(e.from_state, e.to_state) for e in moves] == [("booked", "booked"), ("booked", "booked")]
        assert case.state == "booked"


def test_a_driver_may_decline_the_course_before_booking(app, forces, service):
    alpha, _bravo = forces
    case_id = offer_case(app, alpha)
    with app.app_context(), tenant_context(alpha):
        case = db.session.get(Case, case_id)
        fire(case, "decline", actor=DRIVER, as_applicant=True)
        assert case.state == "withdrawn"


def test_a_session_is_a_slot_of_the_course_type_with_its_venue_and_trainer(app, forces):
    alpha, _bravo = forces
    with app.app_context(), tenant_context(alpha):
        (venue_slot,) = sessions(14)
        (online_slot,) = sessions(15, online=True)
        assert venue_slot.kind == "national_speed_awareness" and venue_slot.capacity == 24
        assert venue_slot.location == "Police HQ, 1 High Street, AL1 1AA"
        assert venue_slot.ends_at - venue_slot.starts_at == timedelta(hours=2, minutes=45)
        assert online_slot.location == "Online" and session_details(online_slot)["online"] is True
        assert session_details(venue_slot)["trainer_id"] is not None


def test_the_workflow_uses_core_roles_and_every_state_is_reachable():
    core_roles = {r.value for r in Role}
    assert {role for t in WORKFLOW.transitions for role in t.roles} <= core_roles
    reached = {WORKFLOW.initial.name} | {t.target for t in WORKFLOW.transitions}
    assert reached == {s.name for s in WORKFLOW.states}
    assert [s.name for s in WORKFLOW.states if s.terminal] == ["completed", "returned_to_prosecution"]
    assert all(WORKFLOW.transitions_from(s.name) for s in WORKFLOW.states if not s.terminal)
