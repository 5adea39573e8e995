"""Bookings: holds that expire, book, cancel and reschedule under the plugin's rules, with no overbooking.

Driven through the sample plugin: a permit applicant books an inspection visit from their case.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from frontcounter.audit.models import AuditEvent
from frontcounter.bookings import (
    Booking,
    BookingRefused,
    Slot,
    SlotSpec,
    available_slots,
    book,
    cancel,
    confirm,
    create_slots,
    expire_holds,
    hold,
    reschedule,
)
from frontcounter.bookings.recurrence import weekly
from frontcounter.bookings.times import as_utc, parse_time
from frontcounter.cases import engine
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context

from tests.conftest import csrf_token, mailbox

# -- helpers shared by the bookings tests -------------------------------------------------------


def at(days: float, hour: int = 10, minutes: int = 0) -> datetime:
    """A UTC time `days` from now at hour:minutes (UTC)."""
    day = (datetime.now(UTC) + timedelta(days=days)).date()
    return datetime.combine(day, time(hour, minutes), tzinfo=UTC)


def make_slots(app, force, *starts: datetime, capacity: int = 3, kind: str = "visit", location: str = "") -> list[int]:
    """Create slots (1 hour each) for the sample service directly; return their ids."""
    with app.app_context(), tenant_context(force):
        specs = [SlotSpec(kind, s, s + timedelta(hours=1), capacity, location) for s in starts]
        ids = [s.id for s in create_slots("sample", specs, actor="test")]
        db.session.commit()
        return ids


def apply(client, force: str = "alpha", email: str = "app@example.com") -> tuple[str, str]:
    """Apply for a permit through the sample's pages; return the case reference and its tracking link."""
    page = client.get(f"/{force}/sample/").get_data(as_text=True)
    response = client.post(
        f"/{force}/sample/apply", data={"holder": "Ann Applicant", "email": email, "csrf_token": csrf_token(page)}
    )
    link = response.headers["Location"]
    return re.search(r"/track/([^?]+)", link).group(1), link


def slot_row(app, force, slot_id: int) -> Slot:
    with app.app_context(), tenant_context(force):
        slot = db.session.get(Slot, slot_id)
        db.session.expunge(slot)
        return slot


def bookings_of(app, force, reference: str) -> list[tuple[int, str]]:
    """(slot_id, state) of every booking of the case, oldest first."""
    with app.app_context(), tenant_context(force):
        case = engine.find_case(reference)
        rows = db.session.scalars(db.select(Booking).filter_by(case_id=case.id).order_by(Booking.id)).all()
        return [(b.slot_id, b.state) for b in rows]


def choose(client, reference: str, slot_id: int, path: str = ""):
    """Post a choice of slot on the sample's booking page (after loading it for its CSRF token)."""
    page = client.get(f"/alpha/sample/book/{reference}{path}").get_data(as_text=True)
    return client.post(
        f"/alpha/sample/book/{reference}{path}", data={"slot_id": str(slot_id), "csrf_token": csrf_token(page)}
    )


def book_through_pages(client, reference: str, slot_id: int):
    """Choose a slot, then confirm the place held; return the confirmation response."""
    held = choose(client, reference, slot_id)
    assert held.status_code == 302 and held.headers["Location"].endswith(f"/book/{reference}/confirm"), held.get_data(
        as_text=True
    )[:3000]
    page = client.get(f"/alpha/sample/book/{reference}/confirm").get_data(as_text=True)
    return client.post(f"/alpha/sample/book/{reference}/confirm", data={"csrf_token": csrf_token(page)})


def _case(reference):
    case = engine.find_case(reference)
    assert case is not None
    return case


# -- the applicant's pages ----------------------------------------------------------------------


def test_an_applicant_books_a_visit_by_holding_then_confirming_a_place(app, client, forces):
    first, second = make_slots(app, forces[0], at(3), at(4), capacity=3, location="Alpha Road station")
    reference, link = apply(client, email="booker@example.com")
    client.get(link)  # the tracking link remembers the case for this browser
    page = client.get(f"/alpha/sample/book/{reference}").get_data(as_text=True)
    assert f'data-slot-id="{first}"' in page and f'data-slot-id="{second}"' in page
    assert "3 places left" in page and "Alpha Road station" in page
    held = choose(client, reference, first)
    assert held.headers["Location"].endswith(f"/alpha/sample/book/{reference}/confirm")
    assert bookings_of(app, forces[0], reference) == [(first, "held")]
    assert slot_row(app, forces[0], first).taken == 1
    confirm_page = client.get(f"/alpha/sample/book/{reference}/confirm").get_data(as_text=True)
    assert "We are holding this place for you until" in confirm_page
    done = client.post(
        f"/alpha/sample/book/{reference}/confirm", data={"csrf_token": csrf_token(confirm_page)}, follow_redirects=True
    )
    body = done.get_data(as_text=True)
    assert "Your inspection visit is booked" in body and 'id="booking-state">Confirmed' in body
    assert bookings_of(app, forces[0], reference) == [(first, "confirmed")]
    [email] = mailbox(app, "booker@example.com")[-1:]
    assert email.subject == "Parking permits: your booking is confirmed"
    assert "Alpha Road station" in email.text_body and reference in email.text_body
    assert f"/alpha/track/{reference}?token=" in email.text_body


def test_the_booking_pages_are_only_for_the_cases_applicant(app, client, forces):
    make_slots(app, forces[0], at(3))
    reference, link = apply(client)
    stranger = app.test_client()
    assert stranger.get(f"/alpha/sample/book/{reference}").status_code == 404
    assert stranger.get(f"/alpha/sample/book/{reference}?token=forged").status_code == 404
    token = link.split("token=")[1]
    assert stranger.get(f"/alpha/sample/book/{reference}?token={token}").status_code == 200
    assert app.test_client().get(f"/bravo/sample/book/{reference}?token={token}").status_code == 404


def test_with_no_free_slot_the_applicant_is_told_clearly(app, client, forces):
    full = make_slots(app, forces[0], at(3), capacity=1)[0]
    make_slots(app, forces[1], at(3))  # another force's slots are never offered
    other, other_link = apply(app.test_client(), email="other@example.com")
    book_through_pages(_signed(app, other_link), other, full)
    reference, link = apply(client)
    client.get(link)
    page = client.get(f"/alpha/sample/book/{reference}").get_data(as_text=True)
    assert 'id="no-slots"' in page and "There are no times you can book at the moment." in page
    assert "call 101" in page and "data-slot-id" not in page


def _signed(app, link):
    client = app.test_client()
    client.get(link)
    return client


def test_losing_the_last_place_gives_a_clear_message_and_other_times(app, forces):
    last, spare = make_slots(app, forces[0], at(3), at(5), capacity=1)
    ann, ann_link = apply(app.test_client(), email="ann@example.com")
    bob, bob_link = apply(app.test_client(), email="bob@example.com")
    ann_client, bob_client = _signed(app, ann_link), _signed(app, bob_link)
    bob_page = bob_client.get(f"/alpha/sample/book/{bob}").get_data(as_text=True)  # Bob looks first...
    assert f'data-slot-id="{last}"' in bob_page
    assert book_through_pages(ann_client, ann, last).status_code == 302  # ...Ann books first
    lost = bob_client.post(f"/alpha/sample/book/{bob}", data={"slot_id": str(last), "csrf_token": csrf_token(bob_page)})
    body = lost.get_data(as_text=True)
    assert lost.status_code == 200
    assert "Sorry, the last place at that time has just been taken. Choose another time." in body
    assert 'id="booking-error"' in body and f'data-slot-id="{spare}"' in body and f'data-slot-id="{last}"' not in body
    assert slot_row(app, forces[0], last).taken == 1
    assert bookings_of(app, forces[0], bob) == []


def test_choosing_again_replaces_the_unconfirmed_hold(app, client, forces):
    first, second = make_slots(app, forces[0], at(3), at(4))
    reference, link = apply(client)
    client.get(link)
    choose(client, reference, first)
    client.get(f"/alpha/sample/book/{reference}")  # went back to choose again
    choose(client, reference, second)
    assert bookings_of(app, forces[0], reference) == [(first, "cancelled"), (second, "held")]
    assert slot_row(app, forces[0], first).taken == 0 and slot_row(app, forces[0], second).taken == 1


def test_an_applicant_changes_then_cancels_their_visit(app, client, forces):
    first, second, third = make_slots(app, forces[0], at(3), at(4), at(5))
    reference, link = apply(client, email="mover@example.com")
    client.get(link)
    book_through_pages(client, reference, first)
    booked = client.get(f"/alpha/sample/book/{reference}").get_data(as_text=True)
    assert 'id="change-booking"' in booked and 'id="cancel-booking"' in booked
    change_page = client.get(f"/alpha/sample/book/{reference}/change").get_data(as_text=True)
    assert "Your booking now" in change_page and f'data-slot-id="{first}"' not in change_page
    moved = choose(client, reference, second, "/change")
    assert moved.status_code == 302
    assert bookings_of(app, forces[0], reference) == [(first, "rescheduled"), (second, "confirmed")]
    assert (slot_row(app, forces[0], first).taken, slot_row(app, forces[0], second).taken) == (0, 1)
    assert mailbox(app, "mover@example.com")[-1].subject == "Parking permits: your booking has changed"
    cancel_page = client.get(f"/alpha/sample/book/{reference}/cancel").get_data(as_text=True)
    assert "Are you sure you want to cancel your inspection visit?" in cancel_page
    done = client.post(
        f"/alpha/sample/book/{reference}/cancel", data={"csrf_token": csrf_token(cancel_page)}, follow_redirects=True
    )
    assert "Your inspection visit is cancelled." in done.get_data(as_text=True)
    assert bookings_of(app, forces[0], reference)[-1] == (second, "cancelled")
    assert slot_row(app, forces[0], second).taken == 0
    assert mailbox(app, "mover@example.com")[-1].subject == "Parking permits: your booking is cancelled"
    # With nothing booked, the page offers times again (including the ones given back).
    again = client.get(f"/alpha/sample/book/{reference}").get_data(as_text=True)
    assert all(f'data-slot-id="{s}"' in again for s in (first, second, third))


def test_choosing_nothing_asks_the_applicant_to_select_a_time(app, client, forces):
    make_slots(app, forces[0], at(3))
    reference, link = apply(client)
    client.get(link)
    page = client.get(f"/alpha/sample/book/{reference}").get_data(as_text=True)
    response = client.post(f"/alpha/sample/book/{reference}", data={"csrf_token": csrf_token(page)})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Select a time" in body and "<title>Error:" in body
    assert bookings_of(app, forces[0], reference) == []


# -- the rules the plugin sets ------------------------------------------------------------------


def test_the_cut_off_stops_applicants_but_not_staff_changing_a_booking(app, client, forces):
    soon, later = make_slots(app, forces[0], at(0, 0) + timedelta(hours=30), at(5))
    reference, _link = apply(client)
    with app.app_context(), tenant_context(forces[0]):
        booking = book(db.session.get(Slot, soon), _case(reference), actor="test")
        db.session.commit()
        booking_id = booking.id
    now = at(0, 0) + timedelta(hours=10)  # 20 hours before the start; the sample's cut-off is 24
    with app.app_context(), tenant_context(forces[0]):
        booking = db.session.get(Booking, booking_id)
        with pytest.raises(BookingRefused) as too_late:
            cancel(booking, actor="applicant", now=now)
        assert too_late.value.code == "past_cutoff" and "24 hours before the start" in too_late.value.message
        with pytest.raises(BookingRefused) as no_move:
            reschedule(booking, db.session.get(Slot, later), actor="applicant", now=now)
        assert no_move.value.code == "past_cutoff"
        assert booking.state == "confirmed" and db.session.get(Slot, later).taken == 0
        moved = reschedule(booking, db.session.get(Slot, later), actor="staff@alpha", as_staff=True, now=now)
        db.session.commit()
        assert moved.state == "confirmed" and moved.rescheduled_from_id == booking_id


def test_an_applicant_may_move_a_booking_only_as_often_as_the_rules_allow(app, client, forces):
    slots = make_slots(app, forces[0], at(3), at(4), at(5), at(6))
    reference, _link = apply(client)
    with app.app_context(), tenant_context(forces[0]):
        booking = book(db.session.get(Slot, slots[0]), _case(reference), actor="test")
        for target in slots[1:3]:
            booking = reschedule(booking, db.session.get(Slot, target), actor="applicant")
        assert booking.reschedules == 2
        with pytest.raises(BookingRefused) as limit:
            reschedule(booking, db.session.get(Slot, slots[3]), actor="applicant")
        assert limit.value.code == "too_many_reschedules"
        assert "already changed this booking 2 times" in limit.value.message
        with pytest.raises(BookingRefused) as same:
            reschedule(booking, db.session.get(Slot, slots[2]), actor="applicant", as_staff=True)
        assert same.value.code == "same_slot"
        db.session.commit()
        assert [db.session.get(Slot, s).taken for s in slots] == [0, 0, 1, 0]


def test_rescheduling_to_a_full_slot_keeps_the_booking_as_it_was(app, client, forces):
    mine, full = make_slots(app, forces[0], at(3), at(4), capacity=1)
    reference, _link = apply(client)
    other, _other_link = apply(app.test_client(), email="other@example.com")
    with app.app_context(), tenant_context(forces[0]):
        booking = book(db.session.get(Slot, mine), _case(reference), actor="test")
        book(db.session.get(Slot, full), _case(other), actor="test")
        db.session.commit()
        with pytest.raises(BookingRefused) as refused:
            reschedule(booking, db.session.get(Slot, full), actor="applicant")
        assert refused.value.code == "slot_full"
        db.session.commit()  # the savepoint was rolled back: committing now changes nothing
    assert bookings_of(app, forces[0], reference) == [(mine, "confirmed")]
    assert slot_row(app, forces[0], mine).taken == 1 and slot_row(app, forces[0], full).taken == 1


def test_a_full_slot_refuses_the_next_person_and_is_never_overbooked(app, forces):
    [slot_id] = make_slots(app, forces[0], at(3), capacity=2)
    references = [apply(app.test_client(), email=f"p{i}@example.com")[0] for i in range(3)]
    with app.app_context(), tenant_context(forces[0]):
        slot = db.session.get(Slot, slot_id)
        for reference in references[:2]:
            hold(slot, _case(reference), actor="test")
        with pytest.raises(BookingRefused) as full:
            hold(slot, _case(references[2]), actor="test")
        assert full.value.code == "slot_full"
        db.session.commit()
    assert slot_row(app, forces[0], slot_id).taken == 2
    assert bookings_of(app, forces[0], references[2]) == []


def test_a_case_has_one_live_booking_at_a_time(app, client, forces):
    first, second = make_slots(app, forces[0], at(3), at(4))
    reference, _link = apply(client)
    with app.app_context(), tenant_context(forces[0]):
        book(db.session.get(Slot, first), _case(reference), actor="test")
        with pytest.raises(BookingRefused) as limit:
            hold(db.session.get(Slot, second), _case(reference), actor="test")
        assert limit.value.code == "limit_reached"
        assert limit.value.message == "You already have a booking. Change or cancel it instead."


def test_slots_too_soon_or_after_the_cases_deadline_are_neither_offered_nor_bookable(app, client, forces):
    too_soon, fine, too_late = make_slots(app, forces[0], datetime.now(UTC) + timedelta(minutes=90), at(3), at(10))
    reference, _link = apply(client)
    with app.app_context(), tenant_context(forces[0]):
        case = _case(reference)
        case.data = {**case.data, "book_by": at(5).isoformat()[:19]}
        db.session.commit()
        from frontcounter_sample.views_bookings import RULES

        offered = [s.id for s in available_slots("sample", case=case, rules=RULES).items]
        assert offered == [fine]
        with pytest.raises(BookingRefused) as soon:
            hold(db.session.get(Slot, too_soon), case, rules=RULES)
        assert soon.value.code == "too_late"
        with pytest.raises(BookingRefused) as late:
            hold(db.session.get(Slot, too_late), case, rules=RULES)
        assert late.value.code == "after_deadline" and late.value.message.startswith("Choose a time that ends by")
        engine.fire(case, "lapse", actor="test", as_system=True)
        with pytest.raises(BookingRefused) as closed:
            hold(db.session.get(Slot, fine), case, rules=RULES)
        assert closed.value.code == "not_allowed" and "application is closed" in closed.value.message


def test_available_slots_filters_by_kind_and_place_and_paginates(app, forces):
    visits = make_slots(app, forces[0], *(at(2 + i) for i in range(25)), location="Home")
    [briefing] = make_slots(app, forces[0], at(3, 14), kind="session", location="Alpha Road station")
    with app.app_context(), tenant_context(forces[0]):
        first = available_slots("sample", kind="visit", per_page=20)
        assert first.total == 25 and [s.id for s in first.items] == visits[:20]
        assert [s.id for s in available_slots("sample", kind="visit", page=2, per_page=20).items] == visits[20:]
        assert [s.id for s in available_slots("sample", location="road").items] == [briefing]
        window = available_slots("sample", kind="visit", start=at(4, 0), end=at(6, 0))
        assert [s.id for s in window.items] == visits[2:4]
    with app.app_context(), tenant_context(forces[1]):
        assert available_slots("sample").total == 0


# -- holds that expire --------------------------------------------------------------------------


def test_holds_not_confirmed_in_time_expire_and_give_their_place_back(app, client, forces):
    [slot_id] = make_slots(app, forces[0], at(3), capacity=1)
    reference, _link = apply(client)
    with app.app_context(), tenant_context(forces[0]):
        booking = hold(db.session.get(Slot, slot_id), _case(reference), actor="test")
        db.session.commit()
        held_until = booking.hold_expires_at
    with app.app_context():
        assert expire_holds(datetime.now(UTC) + timedelta(minutes=10)) == 0
        assert expire_holds(datetime.now(UTC) + timedelta(minutes=16)) == 1
        assert expire_holds(datetime.now(UTC) + timedelta(minutes=17)) == 0  # each expires once
    assert abs((as_utc(held_until) - datetime.now(UTC)) - timedelta(minutes=15)) < timedelta(minutes=1)
    assert bookings_of(app, forces[0], reference) == [(slot_id, "expired")]
    assert slot_row(app, forces[0], slot_id).taken == 0
    with app.app_context(), tenant_context(forces[0]):
        actions = db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions[-2:] == ["booking.held", "booking.expired"]


def test_a_late_confirmation_retakes_the_place_if_it_is_still_free(app, client, forces):
    [slot_id] = make_slots(app, forces[0], at(3), capacity=1)
    late, _ = apply(client, email="late@example.com")
    quick, _ = apply(app.test_client(), email="quick@example.com")
    with app.app_context(), tenant_context(forces[0]):
        first = hold(db.session.get(Slot, slot_id), _case(late), actor="test")
        db.session.commit()
        first_id = first.id
    with app.app_context():
        expire_holds(datetime.now(UTC) + timedelta(minutes=20))
    with app.app_context(), tenant_context(forces[0]):
        confirmed = confirm(db.session.get(Booking, first_id), actor="payment webhook")
        assert confirmed.state == "confirmed"
        assert confirm(confirmed, actor="payment webhook again").state == "confirmed"  # twice is harmless
        db.session.commit()
        assert db.session.get(Slot, slot_id).taken == 1
        cancel(confirmed, actor="staff", as_staff=True)
        db.session.commit()
        # Expired again, but this time someone else has the place.
        second = hold(db.session.get(Slot, slot_id), _case(late), actor="test")
        db.session.commit()
        second_id = second.id
    with app.app_context():
        expire_holds(datetime.now(UTC) + timedelta(minutes=20))
    with app.app_context(), tenant_context(forces[0]):
        book(db.session.get(Slot, slot_id), _case(quick), actor="test")
        db.session.commit()
        with pytest.raises(BookingRefused) as lost:
            confirm(db.session.get(Booking, second_id), actor="payment webhook")
        assert lost.value.code == "hold_lost"
        db.session.rollback()
        assert db.session.get(Slot, slot_id).taken == 1


def test_holds_expire_in_each_forces_own_scope(app, forces):
    alpha_slot = make_slots(app, forces[0], at(3))[0]
    bravo_slot = make_slots(app, forces[1], at(3))[0]
    alpha_case, _ = apply(app.test_client())
    bravo_case, _ = apply(app.test_client(), force="bravo")
    for force, slot_id, reference in ((forces[0], alpha_slot, alpha_case), (forces[1], bravo_slot, bravo_case)):
        with app.app_context(), tenant_context(force):
            hold(db.session.get(Slot, slot_id), _case(reference), actor="test")
            db.session.commit()
    with app.app_context():
        assert expire_holds(datetime.now(UTC) + timedelta(hours=1)) == 2
    assert slot_row(app, forces[0], alpha_slot).taken == 0 and slot_row(app, forces[1], bravo_slot).taken == 0


# -- times ---------------------------------------------------------------------------------------


def test_recurring_times_keep_the_uk_clock_time_across_the_change_to_summer_time():
    # Clocks go forward on Sunday 29 March 2026: 10:00 in London is 10:00 UTC before, 09:00 UTC after.
    times = weekly(date(2026, 3, 23), 2, {1, 3}, time(10, 0), time(12, 45))
    assert [(s.isoformat(), e.isoformat()) for s, e in times] == [
        ("2026-03-24T10:00:00+00:00", "2026-03-24T12:45:00+00:00"),
        ("2026-03-26T10:00:00+00:00", "2026-03-26T12:45:00+00:00"),
        ("2026-03-31T09:00:00+00:00", "2026-03-31T11:45:00+00:00"),
        ("2026-04-02T09:00:00+00:00", "2026-04-02T11:45:00+00:00"),
    ]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("10:00", time(10, 0)),
        ("9.30", time(9, 30)),
        ("14", time(14, 0)),
        ("2pm", time(14, 0)),
        ("2:30PM", time(14, 30)),
        ("12am", time(0, 0)),
        ("12:15pm", time(12, 15)),
        ("25:00", None),
        ("13pm", None),
        ("ten", None),
        ("", None),
        ("10:60", None),
    ],
)
def test_times_are_read_as_people_type_them(typed, expected):
    assert parse_time(typed) == expected


def test_nonsense_choices_get_an_answer_never_a_server_error(app, client, forces):
    make_slots(app, forces[0], at(3))
    [bravo_slot] = make_slots(app, forces[1], at(3))
    reference, link = apply(client)
    client.get(link)
    page = client.get(f"/alpha/sample/book/{reference}?page=99999999999999999999").get_data(as_text=True)
    for slot_id in ("9" * 25, "²", "-1", str(bravo_slot)):
        response = client.post(
            f"/alpha/sample/book/{reference}", data={"slot_id": slot_id, "csrf_token": csrf_token(page)}
        )
        assert response.status_code == 200 and "Select a time" in response.get_data(as_text=True)
    assert bookings_of(app, forces[0], reference) == []
