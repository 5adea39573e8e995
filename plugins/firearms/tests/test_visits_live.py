"""Home visits for real people: one email per booking, no dead end when there are no times (team told,
applicant told when to expect a link), caseworkers add times, the applicant changes a booked time online,
officers choose a day and see the visits allocated to them, and no outcome is recorded before the visit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from frontcounter.bookings import SlotSpec, create_slots
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.testing import link_in, mailbox, submit

from plugins.firearms.tests.test_public_journey import FORCE, apply_for_a_grant, error_summary
from plugins.firearms.tests.test_referee_replacement import signed_in


@pytest.fixture
def client(app):
    """A browser without an account (its own cookies)."""
    return app.test_client()


def at_visit_stage(app, alpha, case: Case, *, slots_in_days: tuple[int, ...] = (3,)) -> list[int]:
    """Move the case to 'visit to arrange' (as if referees, GP and checks were done) with visit slots."""
    from frontcounter_firearms.public_visits import ask_to_choose_visit

    with app.app_context(), tenant_context(alpha):
        found = db.session.scalars(db.select(Case).filter_by(id=case.id)).one()
        found.state = "visit_to_arrange"
        base = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        specs = [
            SlotSpec("visit", base + timedelta(days=d), base + timedelta(days=d, hours=2), 1) for d in slots_in_days
        ]
        ids = [slot.id for slot in create_slots("firearms", specs)] if specs else []
        ask_to_choose_visit(found)
        db.session.commit()
        return ids


def book_online(app, case: Case, slot_id: int):
    link = link_in([m for m in mailbox(app, "alex@example.com") if "choose a home visit" in m.subject][-1], "/")
    phone = app.test_client()
    phone.get(link)
    visit_page = f"/{FORCE}/firearms/cases/{case.reference}/visit?" + link.split("?", 1)[1]
    held = submit(phone, visit_page, {"slot_id": str(slot_id)})
    confirm_page = held.headers["Location"]
    submit(phone, confirm_page, {})
    return phone, link


def test_booking_a_visit_online_sends_one_email_and_it_can_be_changed_online(app, client, firearms_forces):
    alpha = firearms_forces[0]
    case = apply_for_a_grant(app, client, alpha)
    first, second = at_visit_stage(app, alpha, case, slots_in_days=(3, 4))
    before = len(mailbox(app, "alex@example.com"))
    phone, link = book_online(app, case, first)
    new = mailbox(app, "alex@example.com")[before:]
    assert [m.subject for m in new] == ["Firearm and shotgun certificates: your booking is confirmed"]

    tracking = f"/{FORCE}/firearms/cases/{case.reference}?" + link.split("?", 1)[1]
    page = phone.get(tracking).get_data(as_text=True)
    assert 'id="change-visit"' in page
    change = f"/{FORCE}/firearms/cases/{case.reference}/visit/change?" + link.split("?", 1)[1]
    assert "Change the time of your home visit" in phone.get(change).get_data(as_text=True)
    assert error_summary(submit(phone, change, {})) == ["Select a time"]
    moved = submit(phone, change, {"slot_id": str(second)})
    assert moved.status_code == 302, error_summary(moved)
    with app.app_context(), tenant_context(alpha):
        from frontcounter_firearms.visits import latest_booking

        found = db.session.scalars(db.select(Case).filter_by(id=case.id)).one()
        assert latest_booking(found).slot_id == second and found.state == "visit_booked"
    assert mailbox(app, "alex@example.com")[-1].subject == "Firearm and shotgun certificates: your booking has changed"


def test_with_no_visit_times_the_team_is_told_and_the_applicant_knows_when_to_expect_a_link(
    app, client, firearms_forces
):
    alpha = firearms_forces[0]
    desk = signed_in(app, alpha, "cw@alpha.example", ("caseworker",))
    case = apply_for_a_grant(app, client, alpha)
    at_visit_stage(app, alpha, case, slots_in_days=())

    told = mailbox(app, "alex@example.com")[-1]
    assert "We will email you a link to choose a time by" in told.text_body
    (team,) = mailbox(app, "cw@alpha.example")
    assert case.reference in team.subject
    page = client.get(f"/{FORCE}/firearms/cases/{case.reference}/visit").get_data(as_text=True)
    assert "We will email you a link to choose a time by" in page
    assert "There are no times you can book" not in page
    assert len(mailbox(app, "cw@alpha.example")) == 1  # told once, however often the page is opened

    queues = desk.get(f"/{FORCE}/staff/firearms/").get_data(as_text=True)
    assert 'id="visit-times-wanted"' in queues and case.reference in queues
    assert "waiting for home visit times" in desk.get(f"/{FORCE}/staff/").get_data(as_text=True)

    # the caseworker adds a time themselves (supervisors only, before), then emails the waiting applicant
    new_slot = f"/{FORCE}/staff/slots/firearms/new"
    assert desk.get(new_slot).status_code == 200
    day = date.today() + timedelta(days=5)
    added = submit(
        desk,
        new_slot,
        {
            "date-day": day.day,
            "date-month": day.month,
            "date-year": day.year,
            "start": "10:00",
            "end": "12:00",
            "capacity": "1",
            "location": "Home visit",
        },
    )
    assert added.status_code == 302, added.get_data(as_text=True)[:2000]
    sent = submit(desk, f"/{FORCE}/staff/firearms/visits/send-links", {}, page=f"/{FORCE}/staff/firearms/")
    assert sent.status_code == 302
    assert "choose a home visit time" in mailbox(app, "alex@example.com")[-1].subject
    assert 'id="visit-times-wanted"' not in desk.get(f"/{FORCE}/staff/firearms/").get_data(as_text=True)


def test_a_visit_booked_by_staff_ends_the_wait_for_visit_times(app, client, firearms_forces):
    from frontcounter_firearms import visits
    from frontcounter_firearms.visit_times import WAITING

    alpha = firearms_forces[0]
    case = apply_for_a_grant(app, client, alpha)
    at_visit_stage(app, alpha, case, slots_in_days=())
    with app.app_context(), tenant_context(alpha):
        found = db.session.scalars(db.select(Case).filter_by(id=case.id)).one()
        assert WAITING in found.data
        visits.arrange_visit(found, datetime.now(UTC) + timedelta(days=2), None, actor="test", as_system=True)
        db.session.commit()
        assert WAITING not in db.session.scalars(db.select(Case).filter_by(id=case.id)).one().data


def test_officers_choose_a_day_see_their_allocated_visits_and_record_none_before_the_day(app, client, firearms_forces):
    from frontcounter.accounts.models import Account, StaffMember

    alpha = firearms_forces[0]
    case = apply_for_a_grant(app, client, alpha)
    (slot_id,) = at_visit_stage(app, alpha, case, slots_in_days=(3,))
    book_online(app, case, slot_id)
    officer = signed_in(app, alpha, "fo@alpha.example", ("field_officer",))
    desk = signed_in(app, alpha, "cw@alpha.example", ("caseworker",))
    with app.app_context(), tenant_context(alpha):
        officer_id = db.session.scalar(
            db.select(StaffMember.id).join(Account).where(Account.email == "fo@alpha.example")
        )
    staff_page = f"/{FORCE}/staff/firearms/cases/{case.reference}"
    allocated = submit(desk, f"{staff_page}/visit/officer", {"officer": str(officer_id)}, page=staff_page)
    assert allocated.status_code == 302
    assert "Enquiry officer: Fo." in desk.get(staff_page).get_data(as_text=True)

    visit_day = date.today() + timedelta(days=3)
    listing = officer.get(f"/{FORCE}/staff/firearms/visits?day={visit_day.isoformat()}").get_data(as_text=True)
    mine = listing.split('id="my-visits"')[1]
    assert case.reference in mine
    by_fields = officer.get(
        f"/{FORCE}/staff/firearms/visits?day-day={visit_day.day}&day-month={visit_day.month}&day-year={visit_day.year}"
    ).get_data(as_text=True)
    assert case.reference in by_fields.split('id="my-visits"')[1]
    assert officer.get(f"/{FORCE}/staff/firearms/visits?day=2026-02-30").status_code == 400

    url = f"/{FORCE}/staff/firearms/visits/{case.reference}"
    early = submit(officer, url, {"action": "finish", "outcome": "satisfactory", "notes": "Fine."})
    assert early.status_code == 400
    assert "You can record the outcome on the day of the visit, not before." in early.get_data(as_text=True)


def test_recording_the_visit_emails_the_applicant(app, client, firearms_forces):
    from frontcounter_firearms import visits

    alpha = firearms_forces[0]
    case = apply_for_a_grant(app, client, alpha)
    with app.app_context(), tenant_context(alpha):
        found = db.session.scalars(db.select(Case).filter_by(id=case.id)).one()
        found.state = "visit_to_arrange"
        starts = datetime.now(UTC) - timedelta(minutes=30)  # the officer is there now
        visits.arrange_visit(found, starts, None, actor="test", as_system=True, now=starts - timedelta(days=1))
        db.session.commit()
    officer = signed_in(app, alpha, "fo@alpha.example", ("field_officer",))
    url = f"/{FORCE}/staff/firearms/visits/{case.reference}"
    done = submit(officer, url, {"action": "finish", "outcome": "satisfactory", "notes": "All in order."})
    assert done.status_code == 302
    assert "Your home visit has been recorded" in mailbox(app, "alex@example.com")[-1].subject
