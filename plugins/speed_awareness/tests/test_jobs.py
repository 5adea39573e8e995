"""Scheduled work in every force: offers past their deadlines are withdrawn, records past retention erased."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from frontcounter.audit.models import AuditEvent
from frontcounter.bookings import Booking, SlotSpec, book, create_slots
from frontcounter.cases.engine import fire
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.payments.service import pay_in_sandbox
from frontcounter.personal_data import retention_sweep
from frontcounter.tenancy import tenant_context
from frontcounter.testing import mailbox
from frontcounter_speed_awareness.csv_import import parse_offers
from frontcounter_speed_awareness.jobs import expire_missed_deadlines, periodic_tasks
from frontcounter_speed_awareness.models import Offer
from frontcounter_speed_awareness.offers import follow_case, import_offers, open_offer_case
from frontcounter_speed_awareness.rules import retention_expires, uk_today

from .offer_files import csv_bytes, line

TODAY = uk_today()


def add_offers(*references: str) -> dict[str, Offer]:
    """Import offers with these references into the force in scope (book by +29 days, complete by +90)."""
    import_offers(
        parse_offers(csv_bytes(*(line(TODAY, reference=r, email=f"{r.lower()}@example.com") for r in references)))
    )
    db.session.commit()
    return {o.reference: o for o in db.session.scalars(db.select(Offer))}


def booked(offer: Offer, days_ahead: int) -> Case:
    """Open the offer's case, pay, and book a place on a session `days_ahead` days from today."""
    case = open_offer_case(offer, offer.email)
    start = datetime.combine(TODAY + timedelta(days=days_ahead), time(10), tzinfo=UTC)
    (slot,) = create_slots(
        "speed_awareness", [SlotSpec("national_speed_awareness", start, start + timedelta(hours=3), 24)]
    )
    pay_in_sandbox(case, 8000, "Course")
    book(slot, case, actor=offer.email)
    follow_case(case)
    db.session.commit()
    return case


def test_the_sweeper_is_declared_for_frontcounter_sweep():
    assert [t.name for t in periodic_tasks()] == ["speed-awareness-deadlines"]  # retention is the core's sweep


def test_offers_not_booked_in_time_are_withdrawn_in_every_force(app, forces, service):
    alpha, bravo = forces
    with app.app_context():
        with tenant_context(alpha):
            offers = add_offers("NEVER-STARTED", "STARTED", "BOOKED")
            open_offer_case(offers["STARTED"], "started@example.com")
            booked(offers["BOOKED"], 10)
        with tenant_context(bravo):
            add_offers("BRAVO-1")
        day_after_book_by = TODAY + timedelta(days=30)
        assert expire_missed_deadlines(day_after_book_by) == 3
        assert expire_missed_deadlines(day_after_book_by) == 0
        with tenant_context(alpha):
            status = {o.reference: o.status for o in db.session.scalars(db.select(Offer))}
            assert status == {"NEVER-STARTED": "expired", "STARTED": "withdrawn", "BOOKED": "booked"}
            started = db.session.get(Case, offers["STARTED"].case_id)
            assert started.state == "withdrawn"
        with tenant_context(bravo):
            assert db.session.scalar(db.select(Offer.status)) == "expired"
    assert any("Offer withdrawn" in m.subject for m in mailbox(app, "started@example.com"))


def test_after_the_complete_by_date_only_a_booking_left_without_a_place_is_withdrawn(app, forces, service):
    alpha, _bravo = forces
    with app.app_context(), tenant_context(alpha):
        offers = add_offers("WENT", "CANCELLED")
        went = booked(offers["WENT"], 10)
        cancelled = booked(offers["CANCELLED"], 12)
        db.session.execute(db.update(Booking).where(Booking.case_id == cancelled.id).values(state="cancelled"))
        db.session.commit()
        assert expire_missed_deadlines(TODAY + timedelta(days=91)) == 1
        assert db.session.get(Case, went.id).state == "booked"  # for the trainer to mark
        assert db.session.get(Case, cancelled.id).state == "withdrawn"


def test_completed_records_are_erased_after_retention_in_every_force(app, forces, service):
    alpha, bravo = forces
    with app.app_context():
        with tenant_context(alpha):
            offers = add_offers("OLD", "RECENT")
            for reference, completed_on in (("OLD", TODAY - timedelta(days=1300)), ("RECENT", TODAY)):
                case = booked(offers[reference], 10 if reference == "OLD" else 11)
                fire(case, "mark_attended", actor="trainer", roles=["field_officer"])
                fire(case, "complete", actor="trainer", roles=["field_officer"])  # the hook records completion
                offer = offers[reference]
                assert offer.status == "completed" and offer.completed_on == uk_today()
                offer.completed_on, offer.erase_after = completed_on, retention_expires(completed_on)
            db.session.commit()
            old_case_id = offers["OLD"].case_id
        with tenant_context(bravo):
            bravo_offer = add_offers("BRAVO-OLD")["BRAVO-OLD"]
            bravo_offer.status, bravo_offer.erase_after = "completed", TODAY - timedelta(days=1)
            db.session.commit()
        assert retention_sweep(TODAY) == 2
        with tenant_context(alpha):
            assert [o.reference for o in db.session.scalars(db.select(Offer))] == ["RECENT"]
            case = db.session.get(Case, old_case_id)
            assert (case.state, case.applicant_name, case.applicant_email, case.data) == (
                "completed",
                "",
                "",
                {"erased": True},
            )
            assert db.session.scalars(db.select(Booking.email).filter_by(case_id=old_case_id)).all() == [""]
            event = db.session.scalar(db.select(AuditEvent).filter_by(action="speed_awareness.offer_erased"))
            assert event.target == "offer:OLD"
            applied = db.session.scalar(db.select(AuditEvent).filter_by(action="retention.applied"))
            assert applied.target == "retention:speed_awareness:completed-offers" and applied.after["count"] == 1
        with tenant_context(bravo):
            assert db.session.scalars(db.select(Offer)).all() == []
