"""The public notice form and check page, and the staff pages, through real requests: bad input on every form
gets a GOV.UK error summary and writes nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from frontcounter.calendar import uk_today
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.notifications.models import EmailMessage
from frontcounter.tenancy import tenant_context
from frontcounter.testing import add_staff, csrf_token, staff_sign_in, submit

from plugins.liquor.tests.support import CAL, form_values


@pytest.fixture
def guest(app, forces):
    client = app.test_client()
    response = submit(client, "/alpha/start/liquor", {"how": "guest"})
    assert response.status_code == 302
    return client


def _cases(app, force) -> int:
    with app.app_context(), tenant_context(force):
        return db.session.scalar(db.select(db.func.count(Case.id)))


def far_day() -> date:
    return CAL.add_working_days(uk_today(), 20)


BAD = [
    ("event in the past", {"start_date": "2020-05-01"}, "start_date-day", "The event must start after today"),
    ("end before start", {"end_time": "17:00"}, "end_date-day", "The event must end after it starts"),
    ("600 people", {"people": 600}, "people", "at most 499 people"),
    ("postcode outside the force", {"premises_postcode": "SW1A 1AA"}, "premises_postcode", "not in this force"),
    ("not a postcode", {"premises_postcode": "nowhere"}, "premises_postcode", "Enter a real postcode"),
    ("under 18", {"user_dob": (uk_today() - timedelta(days=17 * 365)).isoformat()}, "user_dob-day", "18 or over"),
    ("longer than 168 hours", {"end_date": "__plus8"}, "end_date-day", "168 hours"),
    ("no name", {"user_name": ""}, "user_name", "Enter your full name"),
    ("licence holder without a number", {"personal_licence": True}, "licence_number", "personal licence number"),
    ("nothing licensable", {"alcohol": False, "activities": []}, "activities", "licensable activity"),
    ("open land not described", {"premises_type": "land", "premises_address": ""}, "open_land", "Describe where"),
]


@pytest.mark.parametrize(("label", "change", "field", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_on_the_notice_form(app, guest, forces, label, change, field, message):
    first = far_day()
    if change.get("end_date") == "__plus8":
        change = {"end_date": (first + timedelta(days=8)).isoformat()}
    response = submit(guest, "/alpha/liquor/notice", form_values(first, **change))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html and f'href="#{field}"' in html and message in html
    assert _cases(app, forces[0]) == 0


def test_a_late_notice_is_shown_as_late_before_it_is_sent_and_then_given(app, guest, forces):
    first = CAL.add_working_days(uk_today(), 8)
    response = submit(guest, "/alpha/liquor/notice", form_values(first))
    assert response.headers["Location"].endswith("/alpha/liquor/notice/check")
    page = guest.get("/alpha/liquor/notice/check").get_data(as_text=True)
    assert "Late notice" in page and "Harbour Council" in page and "Give notice" in page
    assert _cases(app, forces[0]) == 0
    response = guest.post("/alpha/liquor/notice/check", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    sent = guest.get(response.headers["Location"]).get_data(as_text=True)
    assert "Notice given" in sent and "paid to Harbour Council, not to the police" in sent
    assert _cases(app, forces[0]) == 1


def test_a_notice_too_late_cannot_be_sent(app, guest, forces):
    first = CAL.add_working_days(uk_today(), 3)
    submit(guest, "/alpha/liquor/notice", form_values(first))
    page = guest.get("/alpha/liquor/notice/check").get_data(as_text=True)
    assert "Too late" in page and "too late to be a temporary event notice" in page
    assert "Give notice" not in page
    form_page = guest.get("/alpha/liquor/notice").get_data(as_text=True)
    response = guest.post("/alpha/liquor/notice/check", data={"csrf_token": csrf_token(form_page)})
    assert "too late to be a temporary event notice" in response.get_data(as_text=True)
    assert _cases(app, forces[0]) == 0


def test_the_form_needs_sign_in_or_guest(app, forces):
    response = app.test_client().get("/alpha/liquor/notice")
    assert response.status_code == 302 and "/alpha/start/liquor" in response.headers["Location"]


@pytest.fixture
def officer(app, forces):
    add_staff(app, forces[0], "officer@alpha.police.example", ["caseworker"])
    client = app.test_client()
    staff_sign_in(client, app, "alpha", "officer@alpha.police.example")
    return client


def _give_today(guest, first):
    submit(guest, "/alpha/liquor/notice", form_values(first))
    page = guest.get("/alpha/liquor/notice/check").get_data(as_text=True)
    response = guest.post("/alpha/liquor/notice/check", data={"csrf_token": csrf_token(page)})
    return response.headers["Location"].rsplit("/", 1)[1]


def test_staff_queue_is_ordered_by_objection_deadline(app, guest, officer, forces):
    later = _give_today(guest, far_day() + timedelta(days=10))
    with app.app_context(), tenant_context(forces[0]):
        from frontcounter_liquor.models import EventNotice

        row = db.session.scalar(db.select(EventNotice).join(Case, Case.id == EventNotice.case_id)
                                .where(Case.reference == later))
        row.objection_due = row.objection_due + timedelta(days=7)
        db.session.commit()
    sooner = _give_today(guest, far_day() + timedelta(days=20))
    html = officer.get("/alpha/staff/liquor/").get_data(as_text=True)
    assert html.index(sooner) < html.index(later)


BAD_DECISIONS = [
    ("no decision", {}, "Select the police decision"),
    ("objection without objectives", {"decision": "objection", "reasons": "x"}, "licensing objectives"),
    ("objection without reasons", {"decision": "objection", "objectives": "public_safety"}, "Enter the reasons"),
    ("modifications without saying what", {"decision": "modifications"}, "modifications agreed"),
]


@pytest.mark.parametrize(("label", "data", "message"), BAD_DECISIONS, ids=[b[0] for b in BAD_DECISIONS])
def test_bad_input_on_the_decision_form(app, guest, officer, forces, label, data, message):
    reference = _give_today(guest, far_day())
    url = f"/alpha/staff/liquor/cases/{reference}"
    response = submit(officer, f"{url}/decision", data, page=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "There is a problem" in html and message in html
    with app.app_context(), tenant_context(forces[0]):
        assert db.session.scalar(db.select(Case.state).filter_by(reference=reference)) == "received"


def test_staff_object_and_the_authority_gets_the_notice(app, guest, officer, forces):
    reference = _give_today(guest, far_day())
    url = f"/alpha/staff/liquor/cases/{reference}"
    response = submit(officer, f"{url}/decision", {"decision": "objection", "objectives": ["crime_and_disorder"],
                                                   "reasons": "Known trouble."}, page=url)
    assert response.status_code == 302
    html = officer.get(url).get_data(as_text=True)
    assert "The police object" in html and "objection-notice" in html
    with app.app_context():
        mail = db.session.scalar(db.select(EmailMessage).where(
            EmailMessage.to == "licensing@harbour.example", EmailMessage.subject.like("Police objection notice%")))
        assert "The prevention of crime and disorder" in mail.text_body


def test_the_decision_form_is_for_licensing_roles(app, guest, forces):
    add_staff(app, forces[0], "field@alpha.police.example", ["field_officer"])
    client = app.test_client()
    staff_sign_in(client, app, "alpha", "field@alpha.police.example")
    reference = _give_today(guest, far_day())
    url = f"/alpha/staff/liquor/cases/{reference}"
    response = submit(client, f"{url}/decision", {"decision": "no_objection"}, page=url)
    assert response.status_code == 403


BAD_APPLICATIONS = [
    ("nothing", {}, "kind"),
    ("premises without postcode", {"kind": "premises_new", "applicant_name": "A", "applicant_email": "a@example.com",
                                   "premises_address": "1 St"}, "premises_postcode"),
    ("postcode outside the force", {"kind": "premises_new", "applicant_name": "A", "applicant_email": "a@example.com",
                                    "premises_address": "1 St", "premises_postcode": "SW1A 1AA"}, "premises_postcode"),
    ("received in the future", {"kind": "personal", "applicant_name": "A", "applicant_email": "a@example.com",
                                "authority": "harbour", "received_on": "2099-01-01"}, "received_on"),
]


@pytest.mark.parametrize(("label", "data", "field"), BAD_APPLICATIONS, ids=[b[0] for b in BAD_APPLICATIONS])
def test_bad_input_on_the_application_form(app, officer, forces, label, data, field):
    response = submit(officer, "/alpha/staff/liquor/applications/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "There is a problem" in html and f'href="#{field}"' in html
    assert _cases(app, forces[0]) == 0


def test_a_personal_licence_can_be_objected_to_only_with_unspent_convictions(app, officer, forces):
    base = {"kind": "personal", "applicant_name": "Al", "applicant_email": "al@example.com", "authority": "harbour"}
    response = submit(officer, "/alpha/staff/liquor/applications/new", {**base, "unspent_convictions": "no"})
    url = response.headers["Location"]
    reply = submit(officer, f"{url}/response", {"response": "representation", "objectives": ["crime_and_disorder"],
                                                "reasons": "x"}, page=url)
    assert reply.status_code == 422 and "unspent relevant convictions" in reply.get_data(as_text=True)
    response = submit(officer, "/alpha/staff/liquor/applications/new", {**base, "unspent_convictions": "yes"})
    url = response.headers["Location"]
    assert "Respond by" in officer.get(url).get_data(as_text=True)
    reply = submit(officer, f"{url}/response", {"response": "representation", "objectives": ["crime_and_disorder"],
                                                "reasons": "Supply of drugs, 2025."}, page=url)
    assert reply.status_code == 302
    assert "Police representation made" in officer.get(url).get_data(as_text=True)
    queue = officer.get("/alpha/staff/liquor/").get_data(as_text=True)
    assert "Personal licence application, Al" in queue  # the first, still in consultation


def test_the_premises_user_withdraws_from_the_tracking_page(app, guest, forces):
    reference = _give_today(guest, far_day())
    sent = guest.get(f"/alpha/liquor/notice/sent/{reference}").get_data(as_text=True)
    link = re.search(r'href="http://[^/]+(/alpha/track/[^"]+)" id="track"', sent).group(1).replace("&amp;", "&")
    page = guest.get(link).get_data(as_text=True)
    assert 'id="withdraw"' in page
    response = guest.post(f"/alpha/liquor/cases/{reference}/withdraw", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    with app.app_context(), tenant_context(forces[0]):
        from frontcounter_liquor.models import EventNotice

        notice = db.session.scalar(db.select(EventNotice).join(Case, Case.id == EventNotice.case_id)
                                   .where(Case.reference == reference))
        assert notice.case.state == "withdrawn" and notice.counted is False
        assert db.session.scalar(db.select(EmailMessage).where(
            EmailMessage.to == "licensing@harbour.example", EmailMessage.subject.like("%withdrawn")))


def test_someone_else_cannot_withdraw_a_notice(app, guest, forces):
    reference = _give_today(guest, far_day())
    stranger = app.test_client()
    page = stranger.get("/alpha/liquor/").get_data(as_text=True)
    submit(stranger, "/alpha/start/liquor", {"how": "guest"})
    form = stranger.get("/alpha/liquor/notice").get_data(as_text=True)
    response = stranger.post(f"/alpha/liquor/cases/{reference}/withdraw", data={"csrf_token": csrf_token(form)})
    assert response.status_code == 404 and page


@pytest.mark.parametrize("days_after", [3, 4])
def test_the_decision_page_on_the_last_day_of_the_window_and_the_day_after(app, guest, officer, forces, monkeypatch,
                                                                            days_after):
    reference = _give_today(guest, far_day() + timedelta(days=10))
    monkeypatch.setattr("frontcounter_liquor.views_staff.uk_today",
                        lambda: CAL.add_working_days(uk_today(), days_after))
    url = f"/alpha/staff/liquor/cases/{reference}"
    page = officer.get(url).get_data(as_text=True)
    response = submit(officer, f"{url}/decision", {"decision": "objection", "objectives": ["public_safety"],
                                                   "reasons": "Blocked exits."}, page=url)
    if days_after == 3:
        assert 'id="record-decision"' in page and response.status_code == 302
    else:
        assert 'id="window-closed"' in page
        assert response.status_code == 422 and "The objection window ended" in response.get_data(as_text=True)
        with app.app_context(), tenant_context(forces[0]):
            assert db.session.scalar(db.select(Case.state).filter_by(reference=reference)) == "received"


def test_the_check_page_explains_a_limit_and_marks_a_counter_notice(app, guest, forces):
    from plugins.liquor.tests.support import give

    first = date(uk_today().year + 1, 6, 1)  # the five earlier notices fall in the same calendar year
    with app.app_context():
        for n in range(5):
            give(forces[0], uk_today(), first + timedelta(days=2 + 2 * n), premises_address=f"Hall {n}")
    submit(guest, "/alpha/liquor/notice", form_values(first))
    page = guest.get("/alpha/liquor/notice/check").get_data(as_text=True)
    assert "Counter notice required" in page
    assert f"You have already given 5 notices for {first.year}. The limit is 5 a year." in page
