"""The course service's staff side: offers loaded by CSV page and by API, venues, trainers and sessions, the
trainer's register, the sessions report, role checks, and retention run by the sweeper."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
from frontcounter.api.tokens import issue_token
from frontcounter.bookings import Booking, Slot, confirm, create_slots, hold
from frontcounter.bookings.times import uk_to_utc
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.jobs.schedule import run_due
from frontcounter.payments.service import pay_in_sandbox
from frontcounter.tenancy import tenant_context
from frontcounter.testing import add_staff, csrf_token, mailbox, staff_sign_in, submit
from frontcounter_speed_awareness.csv_import import parse_offers
from frontcounter_speed_awareness.models import Offer, Trainer, Venue
from frontcounter_speed_awareness.offers import follow_case, import_offers, open_offer_case
from frontcounter_speed_awareness.reports import report_csv, session_report
from frontcounter_speed_awareness.rules import retention_expires, uk_today
from frontcounter_speed_awareness.sessions import session_details, session_spec

from .offer_files import csv_bytes, line, row_values

TODAY = uk_today()
BASE = "/alpha/staff/speed_awareness"


@pytest.fixture
def client(app):
    """A browser on the app (the plugin's conftest has no client fixture)."""
    return app.test_client()


def signed_in(app, client, force, who: str, roles: list[str]) -> str:
    email = f"{who}@alpha.police.uk"
    add_staff(app, force, email, roles)
    staff_sign_in(client, app, force.slug, email)
    return email


def upload(client, data: bytes, *, mode: str = "strict", filename: str = "offers.csv"):
    html = client.get(f"{BASE}/offers/upload").get_data(as_text=True)
    return client.post(
        f"{BASE}/offers/upload",
        data={"csrf_token": csrf_token(html), "mode": mode, "offers_file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def references(app, force) -> set[str]:
    with app.app_context(), tenant_context(force):
        return set(db.session.scalars(db.select(Offer.reference)))


# -- offers by CSV upload ----------------------------------------------------------------------------


def test_a_csv_upload_adds_the_good_rows_and_reports_the_ineligible_ones(app, client, forces, service):
    alpha, bravo = forces
    signed_in(app, client, alpha, "clerk", ["caseworker"])
    data = csv_bytes(line(TODAY), line(TODAY, reference="SA-1002"), line(TODAY, reference="SA-1003", recorded_mph="43"))
    response = upload(client, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 offers added" in page
    assert 'data-row="4"' in page and "43 mph is too fast for a course in a 30 mph limit" in page
    assert "Not eligible" in page
    assert references(app, alpha) == {"SA-1001", "SA-1002"}
    assert references(app, bravo) == set()
    listing = client.get(f"{BASE}/offers/?status=offered").get_data(as_text=True)
    assert "SA-1001" in listing and "2 offers" in listing
    detail = client.get(f"{BASE}/offers/sa-1001").get_data(as_text=True)
    assert "Ann Driver" in detail and "36 mph in a 30 mph limit" in detail
    assert client.get(f"{BASE}/offers/SA-9999").status_code == 404


def test_a_row_with_mistakes_stops_the_whole_file_and_every_reason_is_shown(app, client, forces, service):
    alpha, _bravo = forces
    signed_in(app, client, alpha, "clerk", ["caseworker"])
    bad = line(TODAY, reference="SA-1002", pin="12", offence_date="31/02/2025")
    page = upload(client, csv_bytes(line(TODAY), bad)).get_data(as_text=True)
    assert "1 row has mistakes, so no offers were added" in page
    assert 'data-row="3"' in page
    assert "pin: must be 4 to 8 digits" in page and "offence_date: “31/02/2025” is not a date" in page
    assert references(app, alpha) == set()
    page = upload(client, csv_bytes(line(TODAY), bad), mode="partial").get_data(as_text=True)
    assert "1 offer added" in page
    assert references(app, alpha) == {"SA-1001"}
    again = upload(client, csv_bytes(line(TODAY))).get_data(as_text=True)
    assert "an offer with reference SA-1001 already exists" in again


def test_a_file_in_the_wrong_encoding_or_type_is_refused_with_a_message(app, client, forces, service):
    alpha, _bravo = forces
    signed_in(app, client, alpha, "clerk", ["caseworker"])
    page = upload(client, csv_bytes(line(TODAY, driver_name="Siân Öztürk"), encoding="cp1252")).get_data(as_text=True)
    assert "There is a problem" in page and "The file must be saved as UTF-8 CSV" in page
    page = upload(client, b"%PDF-1.4", filename="offers.pdf").get_data(as_text=True)
    assert "The selected file must be a CSV file" in page
    html = client.get(f"{BASE}/offers/upload").get_data(as_text=True)
    page = client.post(f"{BASE}/offers/upload", data={"csrf_token": csrf_token(html)}).get_data(as_text=True)
    assert "Select a CSV file of offers" in page
    assert references(app, alpha) == set()


def test_offer_pages_are_for_office_staff(app, client, forces, service):
    alpha, _bravo = forces
    signed_in(app, client, alpha, "trainer", ["field_officer"])
    assert client.get(f"{BASE}/offers/upload").status_code == 403
    assert client.get(f"{BASE}/offers/").status_code == 403
    assert client.get(f"{BASE}/reports").status_code == 403
    assert client.get(f"{BASE}/venues/").status_code == 403
    assert client.get(f"{BASE}/sessions/").status_code == 200
    anonymous = app.test_client()
    assert anonymous.get(f"{BASE}/offers/").status_code == 302


# -- offers by API -----------------------------------------------------------------------------------


def api_token(app, force, roles=("caseworker",)) -> str:
    with app.app_context(), tenant_context(force):
        _token, secret = issue_token("Ticket office", list(roles), created_by="admin@example.com")
        db.session.commit()
        return secret


def api_offer(**changes) -> dict:
    values = {**row_values(TODAY), **changes}
    return {key: value for key, value in values.items() if value != ""}


def post_offers(client, secret: str, offers):
    return client.post("/api/v1/speed-awareness/offers", json=offers, headers={"Authorization": f"Bearer {secret}"})


def test_the_api_creates_offers_for_the_tokens_force_only(app, client, forces, service):
    alpha, bravo = forces
    response = post_offers(
        client,
        api_token(app, alpha),
        [
            api_offer(),
            api_offer(reference="SA-1002", limit_mph=30, recorded_mph=35),
            api_offer(reference="SA-1003", recorded_mph="43"),
        ],
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["created"] == ["SA-1001", "SA-1002"]
    assert [(r["row"], r["reference"], r["kind"]) for r in body["ineligible"]] == [(3, "SA-1003", "ineligible")]
    assert references(app, alpha) == {"SA-1001", "SA-1002"} and references(app, bravo) == set()
    with app.app_context(), tenant_context(alpha):
        assert {o.source for o in db.session.scalars(db.select(Offer))} == {"api"}
    again = post_offers(client, api_token(app, bravo), [api_offer()])
    assert again.status_code == 201 and references(app, bravo) == {"SA-1001"}


def test_the_api_refuses_all_offers_when_one_has_mistakes(app, client, forces, service):
    alpha, _bravo = forces
    secret = api_token(app, alpha)
    response = post_offers(client, secret, [api_offer(), api_offer(reference="SA-1002", pin="12", colour="red")])
    assert response.status_code == 422
    body = response.get_json()
    assert body["reason"] == "invalid_rows"
    (row,) = body["rows"]
    assert row["row"] == 2 and row["reference"] == "SA-1002"
    assert "pin: must be 4 to 8 digits" in row["reasons"]
    assert "fields not recognised: colour" in row["reasons"]
    assert references(app, alpha) == set()
    assert post_offers(client, secret, []).status_code == 422
    assert post_offers(client, secret, {"reference": "x"}).status_code == 422


def test_the_api_needs_a_caseworker_token(app, client, forces, service):
    alpha, _bravo = forces
    response = post_offers(client, api_token(app, alpha, roles=("field_officer",)), [api_offer()])
    assert response.status_code == 403 and response.get_json()["reason"] == "forbidden"
    assert post_offers(client, "not-a-token", [api_offer()]).status_code == 401
    assert references(app, alpha) == set()
    documented = client.get("/api/openapi.json").get_json()["paths"]["/api/v1/speed-awareness/offers"]["post"]
    assert {"201", "401", "403", "422"} <= set(documented["responses"])


def test_the_staff_dashboard_links_to_offers_sessions_and_reports(app, client, forces, service):
    alpha, _bravo = forces
    signed_in(app, client, alpha, "clerk", ["caseworker"])
    dashboard = client.get("/alpha/staff/").get_data(as_text=True)
    for path in ("/", "/sessions/", "/reports"):
        assert f'href="{BASE}{path}"' in dashboard
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert "/alpha/staff/work/speed_awareness/?state=withdrawn" in page


# -- venues, trainers and sessions -------------------------------------------------------------------


def add_venue_and_trainer(client, *, online: bool = False) -> None:
    venue = {"name": "Online" if online else "Police HQ", "address": "1 High Street", "postcode": "al1 1aa"}
    if online:
        venue["online"] = "yes"
    assert submit(client, f"{BASE}/venues/new", {**venue, "active": "yes"}).status_code == 302
    trainer = {"name": "Tom Trainer", "email": "tom@example.com", "active": "yes", "staff_member_id": ""}
    assert submit(client, f"{BASE}/trainers/new", trainer).status_code == 302


def test_supervisors_add_and_edit_venues_and_trainers(app, client, forces, service):
    alpha, _bravo = forces
    signed_in(app, client, alpha, "boss", ["supervisor"])
    page = submit(client, f"{BASE}/venues/new", {"name": "", "address": "", "active": "yes"}).get_data(as_text=True)
    assert "Enter the venue&#39;s name" in page or "Enter the venue's name" in page
    add_venue_and_trainer(client)
    with app.app_context(), tenant_context(alpha):
        venue = db.session.scalar(db.select(Venue))
        assert (venue.name, venue.postcode, venue.online) == ("Police HQ", "AL1 1AA", False)
        venue_id = venue.id
    changed = {"name": "Police HQ", "address": "2 High Street", "postcode": "AL1 1AA", "active": "no"}
    assert submit(client, f"{BASE}/venues/{venue_id}", changed).status_code == 302
    with app.app_context(), tenant_context(alpha):
        venue = db.session.get(Venue, venue_id)
        assert venue.address == "2 High Street" and venue.active is False
    assert "Tom Trainer" in client.get(f"{BASE}/trainers/").get_data(as_text=True)
    assert client.get(f"{BASE}/venues/99999").status_code == 404


def session_form(venue_id: int, trainer_id: int, day: date, **more) -> dict:
    return {
        "course_type": "national_speed_awareness",
        "venue_id": str(venue_id),
        "trainer_id": str(trainer_id),
        "places": "20",
        "start": "9:30",
        **{f"date-{k}": str(getattr(day, k)) for k in ("day", "month", "year")},
        **more,
    }


def ids(app, force) -> tuple[int, int]:
    with app.app_context(), tenant_context(force):
        return db.session.scalar(db.select(Venue.id)), db.session.scalar(db.select(Trainer.id))


def test_a_session_lasts_its_course_and_a_weekly_series_is_all_or_nothing(app, client, forces, service):
    alpha, _bravo = forces
    signed_in(app, client, alpha, "boss", ["supervisor"])
    add_venue_and_trainer(client)
    venue_id, trainer_id = ids(app, alpha)
    assert 'value="24"' in client.get(f"{BASE}/sessions/new").get_data(as_text=True)  # the force's venue_places
    day = TODAY + timedelta(days=10)
    assert submit(client, f"{BASE}/sessions/new", session_form(venue_id, trainer_id, day)).status_code == 302
    with app.app_context(), tenant_context(alpha):
        (slot,) = db.session.scalars(db.select(Slot)).all()
        assert slot.capacity == 20 and slot.location == "Police HQ, 1 High Street, AL1 1AA"
        assert slot.starts_at.replace(tzinfo=UTC) == uk_to_utc(day, time(9, 30))
        assert slot.ends_at - slot.starts_at == timedelta(hours=2, minutes=45)
        assert session_details(slot)["trainer_id"] == trainer_id
    first = TODAY + timedelta(days=1)
    series = {
        **session_form(venue_id, trainer_id, first),
        **{f"first-{k}": str(getattr(first, k)) for k in ("day", "month", "year")},
        "weeks": "3",
        "weekdays": [str(day.weekday()), str((day.weekday() + 2) % 7)],
    }
    page = submit(client, f"{BASE}/sessions/new-recurring", series).get_data(as_text=True)
    assert "There is already a slot at" in page  # one falls on the single session: none are added
    with app.app_context(), tenant_context(alpha):
        assert db.session.scalar(db.select(db.func.count(Slot.id))) == 1
    series["start"] = "18:00"
    assert submit(client, f"{BASE}/sessions/new-recurring", series).status_code == 302
    with app.app_context(), tenant_context(alpha):
        assert db.session.scalar(db.select(db.func.count(Slot.id))) == 7
    listing = client.get(f"{BASE}/sessions/").get_data(as_text=True)
    assert listing.count("data-slot-id=") == 7 and "Tom Trainer" in listing


def test_an_online_session_needs_its_joining_link(app, client, forces, service):
    alpha, _bravo = forces
    signed_in(app, client, alpha, "boss", ["supervisor"])
    add_venue_and_trainer(client, online=True)
    venue_id, trainer_id = ids(app, alpha)
    form = session_form(venue_id, trainer_id, TODAY + timedelta(days=5))
    page = submit(client, f"{BASE}/sessions/new", form).get_data(as_text=True)
    assert "Enter the joining link of the video call" in page
    form["joining_link"] = "https://meet.example.com/abc"
    assert submit(client, f"{BASE}/sessions/new", form).status_code == 302
    with app.app_context(), tenant_context(alpha):
        slot = db.session.scalar(db.select(Slot))
        assert slot.location == "Online" and session_details(slot)["joining_link"] == "https://meet.example.com/abc"


def test_only_supervisors_add_sessions(app, client, forces, service):
    alpha, _bravo = forces
    signed_in(app, client, alpha, "clerk", ["caseworker"])
    assert client.get(f"{BASE}/sessions/new").status_code == 403
    assert client.get(f"{BASE}/sessions/new-recurring").status_code == 403
    assert client.get(f"{BASE}/trainers/new").status_code == 403


# -- the register --------------------------------------------------------------------------------------


def booked_drivers(app, force, *emails: str, fee: int = 8000) -> int:
    """Offers for `emails`, each booked and paid on one session that started an hour ago; the session's id."""
    with app.app_context(), tenant_context(force):
        rows = [line(TODAY, reference=f"SA-{n}", email=e, driver_name=f"Driver {n}") for n, e in enumerate(emails)]
        import_offers(parse_offers(csv_bytes(*rows)))
        venue = Venue(name="Police HQ", address="1 High Street", postcode="AL1 1AA")
        trainer = Trainer(name="Tom Trainer", email="tom@example.com")
        db.session.add_all([venue, trainer])
        db.session.flush()
        start = datetime.combine(TODAY + timedelta(days=3), time(10), tzinfo=UTC)
        (slot,) = create_slots(
            "speed_awareness", [session_spec("national_speed_awareness", start, venue, trainer=trainer, places=10)]
        )
        for offer in db.session.scalars(db.select(Offer).order_by(Offer.reference)):
            case = open_offer_case(offer, offer.email)
            booking = hold(slot, case, actor=offer.email)
            pay_in_sandbox(case, fee, "Course")
            confirm(booking, actor=offer.email)
            follow_case(case)
        slot.starts_at = datetime.now(UTC) - timedelta(hours=1)  # the course is under way
        slot.ends_at = slot.starts_at + timedelta(hours=3)
        db.session.commit()
        return slot.id


def bookings_by_email(app, force) -> dict[str, int]:
    with app.app_context(), tenant_context(force):
        return dict(db.session.execute(db.select(Booking.email, Booking.id).where(Booking.state == "confirmed")).all())


def test_the_trainer_marks_the_register_attended_completes_and_no_show_withdraws(app, client, forces, service):
    alpha, _bravo = forces
    slot_id = booked_drivers(app, alpha, "ann@example.com", "bob@example.com")
    signed_in(app, client, alpha, "trainer", ["field_officer"])
    register = f"{BASE}/sessions/{slot_id}/register"
    page = client.get(register).get_data(as_text=True)
    assert "Driver 0" in page and "Driver 1" in page and "SA-0" in page and page.count("Not marked") == 2
    token = csrf_token(page)
    booking = bookings_by_email(app, alpha)
    response = submit(client, f"{register}/{booking['ann@example.com']}", {"outcome": "attended"}, page=register)
    assert response.status_code == 302
    response = submit(client, f"{register}/{booking['bob@example.com']}", {"outcome": "no_show"}, page=register)
    assert response.status_code == 302
    with app.app_context(), tenant_context(alpha):
        offers = {o.reference: o for o in db.session.scalars(db.select(Offer))}
        assert offers["SA-0"].status == "completed" and offers["SA-0"].completed_on == TODAY
        assert offers["SA-1"].status == "withdrawn"
        assert db.session.get(Case, offers["SA-1"].case_id).state == "withdrawn"
    assert any("Offer withdrawn" in m.subject for m in mailbox(app, "bob@example.com"))
    page = client.get(register).get_data(as_text=True)
    assert "Completed" in page and "Did not attend" in page and "Not marked" not in page
    again = client.post(f"{register}/{booking['bob@example.com']}", data={"outcome": "attended", "csrf_token": token})
    assert again.status_code == 200 and "There is a problem" in again.get_data(as_text=True)
    # Trainers are field officers: the core case queue (every driver's details) is the office's, not theirs.
    assert client.get("/alpha/staff/work/speed_awareness/?state=withdrawn").status_code == 403
    office = app.test_client()
    signed_in(app, office, alpha, "office", ["caseworker"])
    queue = office.get("/alpha/staff/work/speed_awareness/?state=withdrawn").get_data(as_text=True)
    assert "Driver 1" in queue or "bob@example.com" in queue


def test_the_register_is_for_trainers_and_opens_on_the_day(app, client, forces, service):
    alpha, _bravo = forces
    slot_id = booked_drivers(app, alpha, "ann@example.com")
    signed_in(app, client, alpha, "clerk", ["caseworker"])
    assert client.get(f"{BASE}/sessions/{slot_id}/register").status_code == 403
    other = app.test_client()
    signed_in(app, other, alpha, "boss", ["supervisor"])
    with app.app_context(), tenant_context(alpha):
        slot = db.session.get(Slot, slot_id)
        slot.starts_at = datetime.now(UTC) + timedelta(days=2)
        slot.ends_at = slot.starts_at + timedelta(hours=3)
        db.session.commit()
    register = f"{BASE}/sessions/{slot_id}/register"
    assert "You can mark the register from the day of the course." in other.get(register).get_data(as_text=True)
    booking = bookings_by_email(app, alpha)["ann@example.com"]
    response = submit(other, f"{register}/{booking}", {"outcome": "attended"}, page=f"{BASE}/sessions/new")
    assert response.status_code == 200
    with app.app_context(), tenant_context(alpha):
        assert db.session.scalar(db.select(Offer.status)) == "booked"


# -- reports -------------------------------------------------------------------------------------------


def test_the_report_gives_fill_rate_and_income_per_session(app, client, forces, service):
    alpha, bravo = forces
    slot_id = booked_drivers(app, alpha, "ann@example.com", "bob@example.com", "cat@example.com")
    booked_drivers(app, bravo, "zed@example.com")  # another force's session and income are not counted
    with app.app_context(), tenant_context(alpha):
        start = datetime.combine(TODAY + timedelta(days=7), time(10), tzinfo=UTC)
        venue = db.session.scalar(db.select(Venue))
        create_slots("speed_awareness", [session_spec("national_speed_awareness", start, venue, places=24)])
        db.session.commit()
    signed_in(app, client, alpha, "trainer", ["field_officer", "caseworker"])
    register = f"{BASE}/sessions/{slot_id}/register"
    booking = bookings_by_email(app, alpha)
    submit(client, f"{register}/{booking['ann@example.com']}", {"outcome": "attended"}, page=register)
    submit(client, f"{register}/{booking['bob@example.com']}", {"outcome": "no_show"}, page=register)
    with app.app_context(), tenant_context(alpha):
        report = session_report(TODAY - timedelta(days=1), TODAY + timedelta(days=8))
        first, second = report.sessions
        assert (first.places, first.booked, first.attended, first.withdrawn) == (10, 3, 1, 1)
        assert first.fill_rate == 30.0 and first.income_pence == 24000 and first.central_pence == 3 * 4800
        assert (second.places, second.booked, second.income_pence, second.fill_rate) == (24, 0, 0, 0.0)
        assert report.total("places") == 34 and report.fill_rate == round(300 / 34, 1)
        assert report.total("force_pence") == 24000 - 14400
        lines = report_csv(report).splitlines()
        assert lines[1].endswith(",10,3,1,1,30.0,240.00,144.00,96.00")
        assert lines[-1].startswith("Total,,,,34,3,1,1,8.8,240.00")
    page = client.get(f"{BASE}/reports").get_data(as_text=True)
    assert "30.0%" in page and "£240.00" in page and "£144.00" in page
    bad = client.get(f"{BASE}/reports?from-day=31&from-month=2&from-year=2025").get_data(as_text=True)
    assert "There is a problem" in bad
    download = client.get(f"{BASE}/reports.csv")
    assert download.mimetype == "text/csv" and "attachment" in download.headers["Content-Disposition"]
    assert "240.00" in download.get_data(as_text=True)


# -- retention, through the sweeper -----------------------------------------------------------------------


def test_a_completion_record_is_erased_by_the_sweeper_after_three_and_a_half_years(app, client, forces, service):
    alpha, _bravo = forces
    slot_id = booked_drivers(app, alpha, "ann@example.com")
    signed_in(app, client, alpha, "trainer", ["field_officer"])
    register = f"{BASE}/sessions/{slot_id}/register"
    submit(
        client, f"{register}/{bookings_by_email(app, alpha)['ann@example.com']}", {"outcome": "attended"}, page=register
    )
    with app.app_context(), tenant_context(alpha):
        offer = db.session.scalar(db.select(Offer))
        assert offer.erase_after == retention_expires(TODAY)
        run_due({})
        assert db.session.scalar(db.select(Offer)) is not None  # not yet
        long_ago = TODAY - timedelta(days=3 * 366 + 190)
        offer.completed_on, offer.erase_after = long_ago, retention_expires(long_ago)
        case_id = offer.case_id
        db.session.commit()
    with app.app_context():
        results = run_due({})
        assert results["retention"] == 1
    with app.app_context(), tenant_context(alpha):
        assert db.session.scalar(db.select(Offer)) is None
        case = db.session.get(Case, case_id)
        assert case.applicant_name == "" and case.applicant_email == "" and case.state == "completed"


@pytest.mark.parametrize("path", ["/", "/sessions/", "/offers/"])
def test_the_staff_pages_are_not_there_for_a_force_without_the_service(app, client, forces, service, path):
    from frontcounter.testing import make_force

    with app.app_context():
        make_force("charlie", "CHA", {"speed_awareness": False})
    assert client.get(f"/charlie/staff/speed_awareness{path}").status_code == 404


def test_staff_of_one_force_cannot_reach_another_forces_venues_trainers_or_registers(app, client, forces, service):
    alpha, bravo = forces
    slot_id = booked_drivers(app, bravo, "zed@example.com")
    with app.app_context(), tenant_context(bravo):
        venue_id, trainer_id = db.session.scalar(db.select(Venue.id)), db.session.scalar(db.select(Trainer.id))
        booking_id = db.session.scalar(db.select(Booking.id))
    signed_in(app, client, alpha, "boss", ["supervisor"])
    token = csrf_token(client.get(f"{BASE}/venues/new").get_data(as_text=True))
    assert client.get(f"{BASE}/venues/{venue_id}").status_code == 404
    assert client.get(f"{BASE}/trainers/{trainer_id}").status_code == 404
    assert client.get(f"{BASE}/sessions/{slot_id}/register").status_code == 404
    marked = client.post(
        f"{BASE}/sessions/{slot_id}/register/{booking_id}", data={"outcome": "no_show", "csrf_token": token}
    )
    assert marked.status_code == 404
    with app.app_context(), tenant_context(bravo):
        assert db.session.scalar(db.select(Offer.status)) == "booked"


# -- the force's settings -------------------------------------------------------------------------


def _save_settings(client, **typed: str):
    fields = {"enabled": "yes", "course_fee_pence": "80.00", "central_charge_pence": "48.00", "venue_places": "24",
              "change_cutoff_hours": "72", "late_change_fee_pence": "10.00", "max_reschedules": "2"}
    return submit(client, "/alpha/staff/admin/services/speed_awareness", {**fields, **typed})


def test_an_admin_enters_course_money_in_pounds(app, client, forces, service):
    signed_in(app, client, forces[0], "admin", ["force_admin"])
    form = client.get("/alpha/staff/admin/services/speed_awareness").get_data(as_text=True)
    assert 'value="80.00"' in form and 'value="48.00"' in form and "In pence" not in form
    assert _save_settings(client, course_fee_pence="£95.50", late_change_fee_pence="12").status_code == 302
    with app.app_context(), tenant_context(forces[0]):
        from frontcounter.tenancy.services import service_settings

        settings = service_settings("speed_awareness")
    assert settings["course_fee_pence"] == 9550 and settings["late_change_fee_pence"] == 1200


def test_the_central_charge_cannot_exceed_the_course_fee_and_errors_name_the_field(app, client, forces, service):
    signed_in(app, client, forces[0], "admin", ["force_admin"])
    page = _save_settings(client, course_fee_pence="60.00", central_charge_pence="70.00").get_data(as_text=True)
    assert "The central cost-recovery charge cannot be more than the course fee" in page
    assert 'href="#central_charge_pence"' in page
    page = _save_settings(client, course_fee_pence="8000", late_change_fee_pence="ten").get_data(as_text=True)
    assert "Course fee must be between £48.00 and £200.00" in page
    assert "Enter fee for a late change in pounds, like 12.50" in page
