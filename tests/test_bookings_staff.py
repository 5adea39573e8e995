"""Staff manage slots: add one or a recurring series (all or nothing), change places, cancel with emails."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from frontcounter.audit.models import AuditEvent
from frontcounter.bookings import Slot, book
from frontcounter.bookings.times import in_uk
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context

from tests.conftest import add_staff, csrf_token, mailbox, staff_sign_in
from tests.test_bookings import apply, at, bookings_of, make_slots, slot_row

BASE = "/alpha/staff/slots/sample"


@pytest.fixture
def supervisor(app, forces):
    add_staff(app, forces[0], "sup@alpha.example.com", ["supervisor"])
    client = app.test_client()
    staff_sign_in(client, app, "alpha", "sup@alpha.example.com")
    return client


@pytest.fixture
def caseworker(app, forces):
    add_staff(app, forces[0], "cw@alpha.example.com", ["caseworker"])
    client = app.test_client()
    staff_sign_in(client, app, "alpha", "cw@alpha.example.com")
    return client


def _slots(app, force) -> list[Slot]:
    with app.app_context(), tenant_context(force):
        rows = db.session.scalars(db.select(Slot).order_by(Slot.starts_at)).all()
        db.session.expunge_all()
        return rows


def _audit(app, force, action: str) -> list[AuditEvent]:
    with app.app_context(), tenant_context(force):
        rows = db.session.scalars(db.select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id)).all()
        db.session.expunge_all()
        return rows


def _date_fields(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


def _post(client, url: str, data: dict, page: str | None = None):
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token(html)})


def _next(weekday: int) -> date:
    """The next date (after tomorrow) that falls on `weekday` (0 = Monday)."""
    day = date.today() + timedelta(days=2)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def test_a_supervisor_adds_a_slot_in_uk_time(app, supervisor, forces):
    day = date.today() + timedelta(days=10)
    response = _post(
        supervisor,
        f"{BASE}/new",
        {
            "kind": "visit",
            **_date_fields("date", day),
            "start": "10:00",
            "end": "2:45pm",
            "capacity": "4",
            "location": "Alpha Road station",
        },
    )
    assert response.status_code == 302
    [slot] = _slots(app, forces[0])
    assert response.headers["Location"].endswith(f"{BASE}/{slot.id}")
    starts, ends = in_uk(slot.starts_at), in_uk(slot.ends_at)
    assert (starts.date(), starts.strftime("%H:%M"), ends.strftime("%H:%M")) == (day, "10:00", "14:45")
    assert (slot.kind, slot.capacity, slot.taken, slot.location) == ("visit", 4, 0, "Alpha Road station")
    page = supervisor.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 slot added." in page and "0 of 4 taken" in page and "10:00 to 14:45" in page
    [event] = _audit(app, forces[0], "slots.created")
    assert event.actor == "sup@alpha.example.com" and event.after["slot_ids"] == [slot.id]


def test_bad_slot_details_are_explained_and_nothing_is_added(app, supervisor, forces):
    response = _post(
        supervisor,
        f"{BASE}/new",
        {
            "date-day": "31",
            "date-month": "2",
            "date-year": "2030",
            "start": "2pm",
            "end": "1pm",
            "capacity": "0",
            "location": "x" * 301,
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>Error:" in body and "govuk-error-summary" in body
    for message, anchor in [
        ("Select the type of slot", "#kind"),
        ("The date must be a real date", "#date-day"),
        ("The end time must be after the start time", "#end"),
        ("Places must be a whole number from 1 to 500", "#capacity"),
        ("Location must be 300 characters or fewer", "#location"),
    ]:
        assert f'<a href="{anchor}">{message}</a>' in body, message
    assert 'value="31"' in body  # what was typed is shown again
    past = _post(
        supervisor,
        f"{BASE}/new",
        {
            "kind": "visit",
            **_date_fields("date", date.today() - timedelta(days=1)),
            "start": "10:00",
            "end": "11:00",
            "capacity": "3",
        },
    )
    assert "The date must be today or in the future" in past.get_data(as_text=True)
    assert _slots(app, forces[0]) == []


def test_recurring_slots_every_tuesday_and_thursday_for_four_weeks(app, supervisor, forces):
    first = _next(0)  # a Monday: the series starts from it
    response = _post(
        supervisor,
        f"{BASE}/new-recurring",
        {
            "kind": "session",
            **_date_fields("first", first),
            "weekdays": ["1", "3"],
            "weeks": "4",
            "start": "10:00",
            "end": "12:45",
            "capacity": "24",
            "location": "Alpha HQ",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    slots = _slots(app, forces[0])
    assert len(slots) == 8
    assert [in_uk(s.starts_at).date() for s in slots] == sorted(
        first + timedelta(days=7 * w + d) for w in range(4) for d in (1, 3)
    )
    assert {(in_uk(s.starts_at).strftime("%H:%M"), in_uk(s.ends_at).strftime("%H:%M")) for s in slots} == {
        ("10:00", "12:45")
    }
    assert {(s.kind, s.capacity, s.location) for s in slots} == {("session", 24, "Alpha HQ")}
    listing = supervisor.get(response.headers["Location"]).get_data(as_text=True)
    assert "8 slots added." in listing and "8 slots" in listing
    assert len(re.findall(r'data-slot-id="\d+"', listing)) == 8
    [event] = _audit(app, forces[0], "slots.created")
    assert event.after["count"] == 8


def test_a_series_that_clashes_with_an_existing_slot_adds_nothing(app, supervisor, forces):
    first = _next(0)
    series = {
        "kind": "visit",
        **_date_fields("first", first),
        "weekdays": ["1", "3"],
        "weeks": "3",
        "start": "10:00",
        "end": "11:00",
        "capacity": "2",
    }
    assert _post(supervisor, f"{BASE}/new-recurring", {**series, "weeks": "1"}).status_code == 302
    assert len(_slots(app, forces[0])) == 2
    clash = _post(supervisor, f"{BASE}/new-recurring", series)
    body = clash.get_data(as_text=True)
    assert clash.status_code == 200 and "There is already a slot at" in body
    assert len(_slots(app, forces[0])) == 2  # none of the 6 was added
    none_chosen = _post(supervisor, f"{BASE}/new-recurring", {**series, "weekdays": [], "weeks": "60"})
    text = none_chosen.get_data(as_text=True)
    assert "Select at least one day of the week" in text and "Weeks must be a whole number from 1 to 52" in text
    too_many = _post(
        supervisor, f"{BASE}/new-recurring", {**series, "weekdays": [str(d) for d in range(7)], "weeks": "52"}
    )
    assert "the most at once is 300" in too_many.get_data(as_text=True)
    assert len(_slots(app, forces[0])) == 2


def test_places_can_grow_but_never_drop_below_those_taken(app, supervisor, forces):
    [slot_id] = make_slots(app, forces[0], at(3), capacity=3)
    references = [apply(app.test_client(), email=f"p{i}@example.com")[0] for i in range(2)]
    with app.app_context(), tenant_context(forces[0]):
        from frontcounter.cases import engine

        for reference in references:
            book(db.session.get(Slot, slot_id), engine.find_case(reference), actor="test")
        db.session.commit()
    url = f"{BASE}/{slot_id}"
    too_few = _post(supervisor, f"{url}/capacity", {"capacity": "1"}, page=url)
    assert too_few.status_code == 200
    assert "2 places are already taken: places cannot be fewer than that" in too_few.get_data(as_text=True)
    assert "Enter the number of places" in _post(
        supervisor, f"{url}/capacity", {"capacity": "lots"}, page=url
    ).get_data(as_text=True)
    assert slot_row(app, forces[0], slot_id).capacity == 3
    assert _post(supervisor, f"{url}/capacity", {"capacity": "2"}, page=url).status_code == 302
    assert _post(supervisor, f"{url}/capacity", {"capacity": "10"}, page=url).status_code == 302
    assert slot_row(app, forces[0], slot_id).capacity == 10
    events = _audit(app, forces[0], "slot.capacity_changed")
    assert [(e.before["capacity"], e.after["capacity"]) for e in events] == [(3, 2), (2, 10)]


def test_cancelling_a_slot_cancels_its_bookings_and_emails_each_person(app, supervisor, forces):
    slot_id, spare = make_slots(app, forces[0], at(3), at(4), capacity=3)
    people = [apply(app.test_client(), email=f"p{i}@example.com")[0] for i in range(2)]
    with app.app_context(), tenant_context(forces[0]):
        from frontcounter.cases import engine

        for reference in people:
            book(db.session.get(Slot, slot_id), engine.find_case(reference), actor="test")
        db.session.commit()
    url = f"{BASE}/{slot_id}"
    page = supervisor.get(url).get_data(as_text=True)
    assert all(reference in page for reference in people)
    no_reason = _post(supervisor, f"{url}/cancel", {"reason": " "}, page=url)
    assert "Enter why the slot is cancelled" in no_reason.get_data(as_text=True)
    assert slot_row(app, forces[0], slot_id).cancelled_at is None
    done = _post(supervisor, f"{url}/cancel", {"reason": "The officer is unwell."}, page=url)
    assert done.status_code == 302
    assert "We have emailed the 2 people booked on it" in supervisor.get(url).get_data(as_text=True)
    slot = slot_row(app, forces[0], slot_id)
    assert slot.cancelled_at is not None and slot.taken == 0 and slot.cancel_reason == "The officer is unwell."
    for i, reference in enumerate(people):
        assert bookings_of(app, forces[0], reference) == [(slot_id, "cancelled")]
        email = mailbox(app, f"p{i}@example.com")[-1]
        assert email.subject == "Parking permits: we have had to cancel your booking"
        assert "The officer is unwell." in email.text_body and "Please book another time." in email.text_body
    [event] = _audit(app, forces[0], "slot.cancelled")
    assert event.actor == "sup@alpha.example.com" and len(event.after["bookings_cancelled"]) == 2
    # A cancelled slot takes no bookings; the applicants can book another time.
    client = app.test_client()
    reference, link = apply(client, email="new@example.com")
    client.get(link)
    offered = client.get(f"/alpha/sample/book/{reference}").get_data(as_text=True)
    assert f'data-slot-id="{spare}"' in offered and f'data-slot-id="{slot_id}"' not in offered


def test_staff_cancel_one_booking_even_after_the_public_cut_off(app, supervisor, forces):
    [slot_id] = make_slots(app, forces[0], datetime.now(UTC) + timedelta(hours=5))
    reference, _link = apply(app.test_client(), email="one@example.com")
    with app.app_context(), tenant_context(forces[0]):
        from frontcounter.cases import engine

        booking = book(db.session.get(Slot, slot_id), engine.find_case(reference), actor="test")
        db.session.commit()
        booking_id = booking.id
    url = f"{BASE}/{slot_id}"
    response = _post(supervisor, f"{url}/bookings/{booking_id}/cancel", {}, page=url)
    assert response.status_code == 302
    assert "Booking cancelled. We have emailed one@example.com." in supervisor.get(url).get_data(as_text=True)
    assert bookings_of(app, forces[0], reference) == [(slot_id, "cancelled")]
    assert slot_row(app, forces[0], slot_id).taken == 0
    assert mailbox(app, "one@example.com")[-1].subject == "Parking permits: your booking is cancelled"
    [event] = _audit(app, forces[0], "booking.cancelled")
    assert event.actor == "sup@alpha.example.com" and event.after["by_staff"] is True


def test_any_staff_may_look_but_only_supervisors_and_admins_manage(app, caseworker, forces):
    [slot_id] = make_slots(app, forces[0], at(3))
    listing = caseworker.get(f"{BASE}/")
    assert listing.status_code == 200 and f'data-slot-id="{slot_id}"' in listing.get_data(as_text=True)
    assert 'id="add-slot"' not in listing.get_data(as_text=True)
    page = caseworker.get(f"{BASE}/{slot_id}").get_data(as_text=True)
    assert "Cancel slot" not in page
    assert caseworker.get(f"{BASE}/new").status_code == 403
    token = csrf_token(caseworker.get("/alpha/staff/").get_data(as_text=True))
    assert caseworker.post(f"{BASE}/{slot_id}/cancel", data={"reason": "x", "csrf_token": token}).status_code == 403
    assert caseworker.post(f"{BASE}/{slot_id}/capacity", data={"capacity": "9", "csrf_token": token}).status_code == 403
    assert app.test_client().get(f"{BASE}/").status_code == 302  # not signed in: to the staff sign-in


def test_slot_pages_stay_inside_the_force_and_the_service(app, supervisor, forces):
    [bravo_slot] = make_slots(app, forces[1], at(3))
    assert supervisor.get(f"{BASE}/{bravo_slot}").status_code == 404
    page = supervisor.get("/alpha/staff/").get_data(as_text=True)
    assert (
        supervisor.post(f"{BASE}/{bravo_slot}/cancel", data={"reason": "x", "csrf_token": csrf_token(page)}).status_code
        == 404
    )
    assert slot_row(app, forces[1], bravo_slot).cancelled_at is None
    assert supervisor.get("/bravo/staff/slots/sample/").status_code == 403
    assert supervisor.get("/alpha/staff/slots/nosuchservice/").status_code == 404


def test_the_list_shows_slots_from_a_chosen_date_25_a_page(app, supervisor, forces):
    make_slots(app, forces[0], *(at(2 + i) for i in range(30)))
    first = supervisor.get(f"{BASE}/").get_data(as_text=True)
    assert "30 slots" in first and len(re.findall(r'data-slot-id="\d+"', first)) == 25
    second = supervisor.get(f"{BASE}/?page=2").get_data(as_text=True)
    assert len(re.findall(r'data-slot-id="\d+"', second)) == 5
    later = (datetime.now(UTC) + timedelta(days=22)).date()
    from_later = supervisor.get(f"{BASE}/?from-day={later.day}&from-month={later.month}&from-year={later.year}")
    assert "10 slots" in from_later.get_data(as_text=True)
    wrong = supervisor.get(f"{BASE}/?from-day=40&from-month=1&from-year=2030").get_data(as_text=True)
    assert "The date to show slots from must be a real date" in wrong


def test_nonsense_input_gets_an_answer_never_a_server_error(app, supervisor, forces):
    [slot_id] = make_slots(app, forces[0], at(3))
    token = csrf_token(supervisor.get("/alpha/staff/").get_data(as_text=True))
    huge = "9" * 25
    for url in (
        f"{BASE}/{huge}",
        f"{BASE}/?page={huge}",
        f"{BASE}/?from-day=1&from-month=1&from-year={huge}",
        f"{BASE}/?kind=nonsense&page=-3",
    ):
        assert supervisor.get(url).status_code in (200, 404), url
    for data in ({"capacity": huge}, {"capacity": "²"}, {"capacity": "-1"}):
        assert supervisor.post(f"{BASE}/{slot_id}/capacity", data={**data, "csrf_token": token}).status_code == 200
    assert supervisor.post(f"{BASE}/{slot_id}/bookings/{huge}/cancel", data={"csrf_token": token}).status_code == 404
    nonsense = {
        "kind": "visit",
        "first-day": huge,
        "first-month": "²",
        "first-year": "99999",
        "weekdays": ["9", "x"],
        "weeks": huge,
        "start": "25:99",
        "end": "",
        "capacity": huge,
        "csrf_token": token,
    }
    assert supervisor.post(f"{BASE}/new-recurring", data=nonsense).status_code == 200
    assert (
        supervisor.post(
            f"{BASE}/new", data={**nonsense, "date-year": "0", "date-day": "1", "date-month": "1"}
        ).status_code
        == 200
    )
    assert len(_slots(app, forces[0])) == 1
