"""The driver's journey through the real pages: find the offer, choose a session, pay, get the joining
instructions, change or cancel under the force's rules."""

from __future__ import annotations

import re
from datetime import UTC, time, timedelta

import pytest
from frontcounter.bookings import Booking, Slot, create_slots
from frontcounter.bookings.times import uk_to_utc
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.jobs.outbox import OutboxMessage, relay
from frontcounter.payments.models import Payment
from frontcounter.tenancy import tenant_context
from frontcounter.testing import csrf_token, mailbox
from frontcounter_speed_awareness.csv_import import parse_offers
from frontcounter_speed_awareness.models import Offer, Venue
from frontcounter_speed_awareness.offers import import_offers
from frontcounter_speed_awareness.rules import uk_today
from frontcounter_speed_awareness.sessions import session_spec

from .offer_files import LICENCE, csv_bytes, line

TODAY = uk_today()
PIN = "4821"
COURSE = "national_speed_awareness"


# -- set-up helpers (shared with test_race and test_browser_course) ------------------------------------


def add_offer(app, force, reference: str = "SA-1001", **changes: str) -> int:
    """Import one eligible offer (book by +29 days, complete by +90) into `force`; return its id."""
    with app.app_context(), tenant_context(force):
        email = changes.pop("email", f"{reference.lower()}@example.com")
        import_offers(parse_offers(csv_bytes(line(TODAY, reference=reference, email=email, **changes))))
        db.session.commit()
        return db.session.scalar(db.select(Offer.id).filter_by(reference=reference))


def add_venue(app, force, name: str, postcode: str = "", *, online: bool = False, lat=None, lon=None) -> int:
    """Add a venue (or the online 'venue') to `force`; return its id."""
    with app.app_context(), tenant_context(force):
        venue = Venue(name=name, address="1 High Street", postcode=postcode, online=online, latitude=lat, longitude=lon)
        db.session.add(venue)
        db.session.commit()
        return venue.id


def add_session(
    app, force, venue_id: int, days_ahead: float, *, hour: int = 10, places: int = 24, link: str = "", kind=COURSE
) -> int:
    """Add a course session `days_ahead` days from today at `hour` (UK time); return the slot id."""
    with app.app_context(), tenant_context(force):
        venue = db.session.get(Venue, venue_id)
        day = TODAY + timedelta(days=int(days_ahead))
        starts = uk_to_utc(day, time(hour)) + timedelta(hours=(days_ahead % 1) * 24)
        (slot,) = create_slots("speed_awareness", [session_spec(kind, starts, venue, places=places, joining_link=link)])
        db.session.commit()
        return slot.id


def sign_in(client, reference: str = "SA-1001", pin: str = PIN, licence: str = LICENCE, force: str = "alpha"):
    """Give the reference, PIN and licence number on the start page; return the response."""
    page = client.get(f"/{force}/speed_awareness/").get_data(as_text=True)
    return client.post(
        f"/{force}/speed_awareness/",
        data={"reference": reference, "pin": pin, "licence_number": licence, "csrf_token": csrf_token(page)},
    )


def choose(client, slot_id: int, email: str = "ann@example.com", force: str = "alpha"):
    """Choose a session on the offer page (as a signed-in driver); return the response."""
    page = client.get(f"/{force}/speed_awareness/offer").get_data(as_text=True)
    return client.post(
        f"/{force}/speed_awareness/offer",
        data={"slot_id": str(slot_id), "email": email, "csrf_token": csrf_token(page)},
    )


def pay(client, pay_url: str, outcome: str = "success"):
    """On the sandbox payment page, choose `outcome`; follow back to the service; return the last response."""
    page = client.get(pay_url).get_data(as_text=True)
    response = client.post(pay_url, data={"outcome": outcome, "csrf_token": csrf_token(page)})
    return client.get(response.headers["Location"], follow_redirects=True)


def book_and_pay(client, slot_id: int, email: str = "ann@example.com"):
    """Sign in, choose the session and pay successfully; return the confirmation page's response."""
    assert sign_in(client).status_code == 302
    chosen = choose(client, slot_id, email)
    assert chosen.status_code == 302, chosen.get_data(as_text=True)[:3000]
    return pay(client, chosen.headers["Location"])


def case_of(app, force, reference: str = "SA-1001") -> Case:
    with app.app_context(), tenant_context(force):
        offer = db.session.scalar(db.select(Offer).filter_by(reference=reference))
        case = db.session.get(Case, offer.case_id)
        db.session.expunge_all()
        return case


def bookings(app, force, case_id: int) -> list[tuple[int, str]]:
    """(slot id, state) of the case's bookings, oldest first."""
    with app.app_context(), tenant_context(force):
        rows = db.session.execute(
            db.select(Booking.slot_id, Booking.state).where(Booking.case_id == case_id).order_by(Booking.id)
        )
        return [tuple(row) for row in rows]


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.fixture
def places(app, forces):
    """Alpha's venues: one in the AL area, one in BR far away, and online; no sessions yet."""
    alpha = forces[0]
    return {
        "near": add_venue(app, alpha, "St Albans Hall", "AL1 3AB", lat=51.75, lon=-0.34),
        "far": add_venue(app, alpha, "Bristol Centre", "BS1 4DJ", lat=51.45, lon=-2.59),
        "online": add_venue(app, alpha, "Online", online=True),
    }


# -- finding the offer ---------------------------------------------------------------------------------


def test_the_start_page_explains_the_course_and_the_fee(app, forces, client):
    add_offer(app, forces[0])
    page = text_of(client.get("/alpha/speed_awareness/"))
    assert "Book a speed awareness or driver course" in page
    assert "£80.00" in page and "£48.00" in page
    assert client.get("/alpha/start/speed_awareness").status_code in (302, 200)


@pytest.mark.parametrize(
    "reference, pin, licence",
    [("SA-1001", "9999", LICENCE), ("SA-1001", PIN, "OTHER705150A99XY"), ("SA-9999", PIN, LICENCE)],
    ids=["wrong PIN", "wrong licence", "no such reference"],
)
def test_a_wrong_detail_gets_one_message_that_does_not_say_which(app, forces, client, reference, pin, licence):
    add_offer(app, forces[0])
    response = sign_in(client, reference, pin, licence)
    assert response.status_code == 200
    page = text_of(response)
    assert "We could not find an offer with those details. Check your letter and try again." in page
    assert 'href="#reference"' in page and "Error:" in page
    assert client.get("/alpha/speed_awareness/offer").status_code == 302  # still not in


def test_blank_fields_are_each_asked_for(app, forces, client):
    page = text_of(sign_in(client, "", "", ""))
    for message in ("Enter the offer reference", "Enter the PIN", "Enter your driving licence number"):
        assert message in page


def test_guessing_pins_is_locked_out_even_with_the_right_pin_after(app, forces, client):
    add_offer(app, forces[0])
    for guess in range(5):
        sign_in(client, pin=f"000{guess}")
    page = text_of(sign_in(client))
    assert "Too many failed attempts" in page
    assert client.get("/alpha/speed_awareness/offer").status_code == 302


def test_an_offer_is_found_only_in_its_own_force(app, forces, client):
    add_offer(app, forces[0])
    assert "We could not find an offer" in text_of(sign_in(client, force="bravo"))


def test_an_offer_past_its_book_by_date_can_no_longer_be_booked(app, forces, client, places):
    offer_id = add_offer(app, forces[0])
    add_session(app, forces[0], places["near"], 10)
    with app.app_context(), tenant_context(forces[0]):
        db.session.get(Offer, offer_id).book_by = TODAY - timedelta(days=1)
        db.session.commit()
    assert sign_in(client).status_code == 302
    page = text_of(client.get("/alpha/speed_awareness/offer"))
    assert "You can no longer book this course" in page and "has passed" in page
    assert "slot_id" not in page


# -- the offer page and its sessions ------------------------------------------------------------------


def test_the_offer_shows_the_deadlines_and_sessions_nearest_first(app, forces, client, places):
    alpha = forces[0]
    add_offer(app, alpha)
    far = add_session(app, alpha, places["far"], 3)
    online = add_session(app, alpha, places["online"], 5, link="https://meet.example/abc")
    near = add_session(app, alpha, places["near"], 7, places=2)
    add_session(app, alpha, places["near"], 100)  # after the complete-by date: not listed
    add_session(app, alpha, places["near"], 8, kind="motorway_awareness")  # another course: not listed
    sign_in(client)
    page = text_of(client.get("/alpha/speed_awareness/offer"))
    assert "Ann Driver" in page and "A38 Bristol Road" in page and "National Speed Awareness Course" in page
    assert (TODAY + timedelta(days=29)).strftime("%d/%m/%Y") in page  # book by
    assert (TODAY + timedelta(days=90)).strftime("%d/%m/%Y") in page  # complete by
    assert "£80.00" in page and "£48.00" in page
    listed = [int(i) for i in re.findall(r'data-slot-id="(\d+)"', page)]
    assert listed == [far, online, near]  # soonest first without a postcode
    assert "2 places left" in page and "Online (video call)" in page
    nearest = text_of(client.get("/alpha/speed_awareness/offer?postcode=AL3+5QQ"))
    assert [int(i) for i in re.findall(r'data-slot-id="(\d+)"', nearest)] == [near, online, far]
    assert "near you" in nearest and "miles away" in nearest
    dated = client.get(f"/alpha/speed_awareness/offer?from={(TODAY + timedelta(days=4)).strftime('%d/%m/%Y')}")
    assert [int(i) for i in re.findall(r'data-slot-id="(\d+)"', dated.get_data(as_text=True))] == [online, near]
    bad = text_of(client.get("/alpha/speed_awareness/offer?from=31/02/2026&postcode=123"))
    assert "Enter the from date as a real date" in bad and "Enter a postcode" in bad


def test_sessions_are_paginated(app, forces, client, places):
    add_offer(app, forces[0])
    ids = [add_session(app, forces[0], places["near"], 2 + day) for day in range(12)]
    sign_in(client)
    first = client.get("/alpha/speed_awareness/offer").get_data(as_text=True)
    second = client.get("/alpha/speed_awareness/offer?page=2").get_data(as_text=True)
    assert [int(i) for i in re.findall(r'data-slot-id="(\d+)"', first)] == ids[:10]
    assert [int(i) for i in re.findall(r'data-slot-id="(\d+)"', second)] == ids[10:]
    assert "page=2" in first


# -- booking and paying ----------------------------------------------------------------------------


def test_a_driver_books_pays_and_gets_the_venue_instructions(app, forces, client, places):
    alpha = forces[0]
    add_offer(app, alpha)
    slot_id = add_session(app, alpha, places["near"], 10)
    sign_in(client)
    assert "Select a course session" in text_of(choose(client, 0))
    assert "Enter an email address in the correct format" in text_of(choose(client, slot_id, "not-an-email"))
    chosen = choose(client, slot_id, "ann@example.com")
    assert "/payments/" in chosen.headers["Location"] and chosen.headers["Location"].endswith("/sandbox")
    case = case_of(app, alpha)
    assert case.state == "offered" and bookings(app, alpha, case.id) == [(slot_id, "held")]
    done = pay(client, chosen.headers["Location"])
    page = text_of(done)
    assert "Course booked" in page and case.reference in page and "St Albans Hall" in page
    assert case_of(app, alpha).state == "booked"
    assert bookings(app, alpha, case.id) == [(slot_id, "confirmed")]
    with app.app_context(), tenant_context(alpha):
        assert db.session.get(Offer, db.session.scalar(db.select(Offer.id))).status == "booked"
        assert db.session.scalar(db.select(Payment.amount_pence)) == 8000
    subjects = [m.subject for m in mailbox(app, "ann@example.com")]
    assert any("booking is confirmed" in s for s in subjects)
    [confirmation] = [m for m in mailbox(app, "ann@example.com") if "booking is confirmed" in m.subject]
    assert "St Albans Hall, 1 High Street, AL1 3AB" in confirmation.text_body
    assert "bring your driving licence" in confirmation.text_body
    assert "/alpha/speed_awareness/booking/" + case.reference in confirmation.text_body
    assert client.get("/alpha/speed_awareness/offer").status_code == 302  # booked: the offer page sends on


@pytest.mark.parametrize(("outcome", "said"), [("declined", "declined"), ("cancelled", "You cancelled the payment")])
def test_a_declined_or_cancelled_payment_frees_the_place_and_the_driver_can_try_again(
    app, forces, client, places, outcome, said
):
    alpha = forces[0]
    add_offer(app, alpha)
    slot_id = add_session(app, alpha, places["near"], 10)
    sign_in(client)
    unpaid = pay(client, choose(client, slot_id).headers["Location"], outcome)
    assert said in text_of(unpaid) and "Choose a course" in text_of(unpaid)
    case = case_of(app, alpha)
    assert case.state == "offered" and bookings(app, alpha, case.id) == [(slot_id, "cancelled")]
    assert "Course booked" in text_of(pay(client, choose(client, slot_id).headers["Location"]))
    assert bookings(app, alpha, case.id) == [(slot_id, "cancelled"), (slot_id, "confirmed")]


def test_the_place_is_confirmed_even_if_the_driver_never_comes_back_from_paying(app, forces, client, places):
    from frontcounter.payments.providers.sandbox import SandboxProvider
    from frontcounter.payments.service import sync

    alpha = forces[0]
    add_offer(app, alpha)
    slot_id = add_session(app, alpha, places["near"], 10)
    sign_in(client)
    choose(client, slot_id)
    with app.app_context(), tenant_context(alpha):  # the provider's webhook, not the driver, reports the payment
        payment = db.session.scalar(db.select(Payment))
        SandboxProvider().choose(payment, "success")
        sync(payment)
        db.session.commit()
    case = case_of(app, alpha)
    assert case.state == "booked" and bookings(app, alpha, case.id) == [(slot_id, "confirmed")]
    assert any("booking is confirmed" in m.subject for m in mailbox(app, "ann@example.com"))


def test_a_paid_driver_whose_held_place_went_books_another_without_paying_again(app, forces, client, places):
    alpha = forces[0]
    add_offer(app, alpha)
    lost = add_session(app, alpha, places["near"], 10, places=1)
    other = add_session(app, alpha, places["near"], 11)
    sign_in(client)
    pay_url = choose(client, lost).headers["Location"]
    with app.app_context(), tenant_context(alpha):  # the hold ran out and someone else took the place
        db.session.execute(db.update(Booking).values(state="expired", hold_expires_at=None))
        db.session.execute(db.update(Slot).where(Slot.id == lost).values(taken=1))
        db.session.commit()
    page = text_of(pay(client, pay_url))
    assert "the place we were holding for you has gone" in page and "you will not pay again" in page
    case = case_of(app, alpha)
    assert case.state == "booked"
    form = client.get(f"/alpha/speed_awareness/booking/{case.reference}/change").get_data(as_text=True)
    response = client.post(
        f"/alpha/speed_awareness/booking/{case.reference}/change",
        data={"slot_id": str(other), "csrf_token": csrf_token(form)},
    )
    assert response.status_code == 302
    assert bookings(app, alpha, case.id)[-1] == (other, "confirmed")
    with app.app_context(), tenant_context(alpha):
        assert db.session.scalar(db.select(db.func.count(Payment.id))) == 1


# -- online sessions: the joining link ---------------------------------------------------------------


def test_the_joining_link_of_an_online_session_is_sent_48_hours_before_by_the_outbox(app, forces, client, places):
    alpha = forces[0]
    add_offer(app, alpha)
    slot_id = add_session(app, alpha, places["online"], 10, link="https://meet.example/course-1")
    page = text_of(book_and_pay(client, slot_id))
    assert "We will email you the link to join 48 hours before" in page
    [confirmation] = [m for m in mailbox(app, "ann@example.com") if "confirmed" in m.subject]
    assert "online" in confirmation.text_body and "meet.example" not in confirmation.text_body
    with app.app_context():
        [waiting] = db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.target.like("%send_joining_link"))
        ).all()
        starts = uk_to_utc(TODAY + timedelta(days=10), time(10))
        assert abs(waiting.available_at.replace(tzinfo=UTC) - (starts - timedelta(hours=48))) < timedelta(minutes=1)
        relay(now=starts - timedelta(hours=49))
    assert not [m for m in mailbox(app, "ann@example.com") if "joining link" in m.subject]  # not yet
    with app.app_context():
        relay(now=starts - timedelta(hours=47))
    links = [m for m in mailbox(app, "ann@example.com") if "joining link" in m.subject]
    assert len(links) == 1 and "https://meet.example/course-1" in links[0].text_body
    with app.app_context():  # the relay again, later: sent once only
        relay(now=starts - timedelta(hours=1))
    assert len([m for m in mailbox(app, "ann@example.com") if "joining link" in m.subject]) == 1


def test_no_joining_link_for_a_booking_moved_off_the_online_session(app, forces, client, places):
    from frontcounter_speed_awareness.public_joining import send_joining_link

    alpha = forces[0]
    add_offer(app, alpha)
    online = add_session(app, alpha, places["online"], 20, link="https://meet.example/x")
    venue = add_session(app, alpha, places["near"], 21)
    book_and_pay(client, online)
    case = case_of(app, alpha)
    form = client.get(f"/alpha/speed_awareness/booking/{case.reference}/change").get_data(as_text=True)
    client.post(
        f"/alpha/speed_awareness/booking/{case.reference}/change",
        data={"slot_id": str(venue), "csrf_token": csrf_token(form)},
    )
    with app.app_context(), tenant_context(alpha):
        first = db.session.scalar(db.select(Booking.id).where(Booking.slot_id == online))
        assert send_joining_link(first, online) is False
        db.session.commit()
    assert not [m for m in mailbox(app, "ann@example.com") if "joining link" in m.subject]


# -- changing and cancelling ----------------------------------------------------------------------------


def _change(client, reference: str, slot_id: int, page: str = ""):
    form = client.get(page or f"/alpha/speed_awareness/booking/{reference}/change").get_data(as_text=True)
    return client.post(
        f"/alpha/speed_awareness/booking/{reference}/change",
        data={"slot_id": str(slot_id), "csrf_token": csrf_token(form)},
    )


def test_a_driver_moves_their_course_within_the_rules(app, forces, client, places):
    alpha = forces[0]
    add_offer(app, alpha)
    first = add_session(app, alpha, places["near"], 20)
    second = add_session(app, alpha, places["far"], 25)
    book_and_pay(client, first)
    case = case_of(app, alpha)
    manage = text_of(client.get(f"/alpha/speed_awareness/booking/{case.reference}"))
    assert "Change the date of your course" in manage and "72 hours before the course" in manage
    changing = client.get(f"/alpha/speed_awareness/booking/{case.reference}/change").get_data(as_text=True)
    assert f'data-slot-id="{first}"' not in changing and f'data-slot-id="{second}"' in changing
    response = _change(client, case.reference, second)
    assert response.status_code == 302
    assert bookings(app, alpha, case.id) == [(first, "rescheduled"), (second, "confirmed")]
    assert case_of(app, alpha).state == "booked"
    moved = [m for m in mailbox(app, "ann@example.com") if "booking has changed" in m.subject]
    assert len(moved) == 1 and "Bristol Centre" in moved[0].text_body
    with app.app_context(), tenant_context(alpha):
        assert db.session.scalar(db.select(db.func.count(Payment.id))) == 1  # no fee a month ahead


def test_inside_the_cut_off_change_and_cancel_are_not_offered_and_the_page_says_why(app, forces, client, places):
    alpha = forces[0]
    add_offer(app, alpha)
    soon = add_session(app, alpha, places["near"], 2)  # inside the 72-hour cut-off
    later = add_session(app, alpha, places["near"], 20)
    book_and_pay(client, soon)
    case = case_of(app, alpha)
    manage_at = f"/alpha/speed_awareness/booking/{case.reference}"
    manage = client.get(manage_at).get_data(as_text=True)
    assert 'id="change-link"' not in manage and 'id="cancel-link"' not in manage
    assert "changes close 72 hours before the start" in text_of(client.get(manage_at))
    assert "Alpha Police on 101" in manage  # the force's contact details, not just "contact us"
    for path in ("change", "cancel"):
        assert client.get(f"{manage_at}/{path}").headers["Location"].startswith(manage_at)
    form = "/alpha/speed_awareness/"  # any page of ours with a form, for a CSRF token
    response = _change(client, case.reference, later, page=form)  # a form left open in another tab
    assert response.status_code == 302 and response.headers["Location"].startswith(manage_at)
    token = csrf_token(client.get(form).get_data(as_text=True))
    refused = client.post(f"{manage_at}/cancel", data={"csrf_token": token})
    assert refused.status_code == 302
    assert bookings(app, alpha, case.id) == [(soon, "confirmed")]
    # Cancelling is not offered inside the cut-off: not on the booking page, not on the tracking page, and the
    # core's action page sends the driver back with the reason, keeping the place.
    manage = client.get(f"/alpha/speed_awareness/booking/{case.reference}").get_data(as_text=True)
    assert 'id="cancel-link"' not in manage
    with app.app_context():
        from frontcounter.cases.tracking import tracking_token

        link_token = tracking_token(case)
    track = client.get(f"/alpha/track/{case.reference}?token={link_token}").get_data(as_text=True)
    assert "Booked" in track and 'data-action="cancel_place"' not in track
    refused = client.get(f"/alpha/track/{case.reference}/do/cancel_place", follow_redirects=True)
    assert "You cannot do that on this case now" in text_of(refused)
    forged = client.post(f"/alpha/track/{case.reference}/do/cancel_place", data={"csrf_token": token})
    assert forged.status_code == 302
    assert bookings(app, alpha, case.id) == [(soon, "confirmed")]


def test_a_session_after_the_complete_by_date_is_refused(app, forces, client, places):
    alpha = forces[0]
    add_offer(app, alpha)
    first = add_session(app, alpha, places["near"], 20)
    too_late = add_session(app, alpha, places["near"], 95)
    book_and_pay(client, first)
    case = case_of(app, alpha)
    assert f'data-slot-id="{too_late}"' not in client.get(
        f"/alpha/speed_awareness/booking/{case.reference}/change"
    ).get_data(as_text=True)
    response = _change(client, case.reference, too_late)  # a tampered form
    assert response.status_code == 409
    assert "Choose a time that ends by" in text_of(response)
    assert bookings(app, alpha, case.id) == [(first, "confirmed")]


def test_a_driver_cancels_after_confirming_and_can_book_again_without_paying(app, forces, client, places):
    alpha = forces[0]
    add_offer(app, alpha)
    first = add_session(app, alpha, places["near"], 20)
    again = add_session(app, alpha, places["near"], 22)
    book_and_pay(client, first)
    case = case_of(app, alpha)
    # The old cancel link leads to the core's applicant action page, which the booking page links to.
    ask = client.get(f"/alpha/speed_awareness/booking/{case.reference}/cancel", follow_redirects=True)
    assert "Cancel your place" in text_of(ask) and "The fee you paid is kept" in text_of(ask)
    action = re.search(r'<form method="post"[^>]*action="([^"]+)"', ask.get_data(as_text=True)).group(1)
    done = client.post(action.replace("&amp;", "&"), data={"csrf_token": csrf_token(ask.get_data(as_text=True))},
                       follow_redirects=True)
    assert "Your place on the course is cancelled" in text_of(done)
    page = text_of(client.get(f"/alpha/speed_awareness/booking/{case.reference}"))
    assert "Choose a session" in page and 'id="cancel-link"' not in page
    assert bookings(app, alpha, case.id) == [(first, "cancelled")]
    assert any("booking is cancelled" in m.subject for m in mailbox(app, "ann@example.com"))
    assert _change(client, case.reference, again).status_code == 302
    assert bookings(app, alpha, case.id)[-1] == (again, "confirmed")


def test_the_booking_pages_open_from_the_emailed_link_in_another_browser(app, forces, client, places):
    alpha = forces[0]
    add_offer(app, alpha)
    book_and_pay(client, add_session(app, alpha, places["near"], 20))
    case = case_of(app, alpha)
    stranger = app.test_client()
    assert stranger.get(f"/alpha/speed_awareness/booking/{case.reference}").status_code == 404
    [confirmation] = [m for m in mailbox(app, "ann@example.com") if "confirmed" in m.subject]
    link = re.search(r"http://[^\s]+(/alpha/speed_awareness/booking/[^\s]+)", confirmation.text_body).group(1)
    assert "St Albans Hall" in text_of(stranger.get(link))
    assert stranger.get(f"/bravo/speed_awareness/booking/{case.reference}").status_code == 404


def test_a_late_change_moves_the_course_and_takes_the_late_change_fee(app, forces, client, places):
    alpha = forces[0]
    add_offer(app, alpha)
    soon = add_session(app, alpha, places["near"], 5)  # after the 72-hour cut-off, inside the last 7 days
    later = add_session(app, alpha, places["near"], 30)
    book_and_pay(client, soon)
    case = case_of(app, alpha)
    response = _change(client, case.reference, later)
    assert response.status_code == 302 and response.headers["Location"].endswith("/sandbox")
    assert bookings(app, alpha, case.id) == [(soon, "rescheduled"), (later, "confirmed")]
    assert "late change fee of £10.00" in text_of(client.get(f"/alpha/speed_awareness/booking/{case.reference}"))
    manage = text_of(pay(client, response.headers["Location"]))
    assert "late change fee" not in manage and "Payment received" in manage
    with app.app_context(), tenant_context(alpha):
        amounts = db.session.scalars(db.select(Payment.amount_pence).order_by(Payment.id)).all()
        assert amounts == [8000, 1000]
        assert all(not p.discrepancy for p in db.session.scalars(db.select(Payment)))


def test_the_force_page_links_straight_to_the_letter_details_page(app, forces, client):
    home = client.get("/alpha/").get_data(as_text=True)
    assert 'href="/alpha/speed_awareness/">Speed awareness and driver courses</a>' in home
    start = client.get("/alpha/start/speed_awareness")  # an old link to the account choice goes straight on too
    assert start.status_code == 302 and start.headers["Location"] == "/alpha/speed_awareness/"
    assert "Offer reference" in client.get("/alpha/speed_awareness/").get_data(as_text=True)


def test_a_driver_keeps_their_booking_page_when_the_force_switches_the_service_off(app, forces, client, places):
    from frontcounter.tenancy import TenantService

    alpha = forces[0]
    add_offer(app, alpha)
    book_and_pay(client, add_session(app, alpha, places["near"], 20))
    case = case_of(app, alpha)
    with app.app_context(), tenant_context(alpha):
        db.session.scalar(db.select(TenantService).filter_by(service_key="speed_awareness")).enabled = False
        db.session.commit()
    manage = client.get(f"/alpha/speed_awareness/booking/{case.reference}")
    text = text_of(manage)
    assert manage.status_code == 200 and "no longer offers Speed awareness and driver courses online" in text
    html = manage.get_data(as_text=True)
    assert 'id="change-link"' not in html and 'id="cancel-link"' in html  # read-only, but a place can be given up
    start = client.get("/alpha/speed_awareness/")
    assert start.status_code == 404 and "is not available online" in text_of(start)
    assert client.get(f"/alpha/speed_awareness/booking/{case.reference}/change").status_code == 404
