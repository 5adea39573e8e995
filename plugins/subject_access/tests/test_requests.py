"""The public request, identity evidence, the clock starting, extensions, clarifications, the sweep and the API."""

from __future__ import annotations

from datetime import timedelta

from frontcounter.calendar import force_calendar, uk_today
from frontcounter.cases.models import Case
from frontcounter.documents.models import Document
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.testing import mailbox, submit
from frontcounter_subject_access import rules
from frontcounter_subject_access.jobs import identity_chase
from frontcounter_subject_access.models import SarDraft, SarRequest

from .support import act, as_guest, case_url, last_email, make_request, pdf_with, staff, upload_id


def _sar(app, force, reference):
    with app.app_context(), tenant_context(force):
        sar = db.session.scalar(db.select(SarRequest).filter_by(reference=reference))
        case = db.session.scalar(db.select(Case).filter_by(reference=reference))
        db.session.expunge_all()
        return sar, case


def test_switched_off_forces_do_not_offer_it(app, client):
    from frontcounter.testing import make_force

    with app.app_context():
        make_force("gamma", "GAM", {"subject_access": False})
    assert client.get("/gamma/subject_access/").status_code == 404
    assert client.get("/gamma/staff/subject_access/").status_code == 404


def test_a_guest_request_is_sent_confirmed_and_waits_for_identity(app, client, sar_forces):
    alpha, bravo = sar_forces
    reference = make_request(client)
    sar, case = _sar(app, alpha, reference)
    assert case.state == "awaiting_identity" and sar.received_on == uk_today() and sar.due_on is None
    assert sar.full_name == "Alex Archer" and sar.answers["previous_addresses"].startswith("5 Low Road")
    email = last_email(app, "alex@example.com", "We have your subject access request")
    assert reference in email.text_body and "There is no charge." in email.text_body
    assert f"/alpha/track/{reference}?token=" in email.text_body
    assert _sar(app, bravo, reference) == (None, None)  # another force never sees it


def test_bad_answers_get_an_error_summary_and_change_nothing(app, client, sar_forces):
    as_guest(client)
    response = submit(client, "/alpha/subject_access/ask/details",
                      {"full_name": "", "date_of_birth-day": "31", "date_of_birth-month": "2",
                       "date_of_birth-year": "1990", "email": "not-an-email"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "Enter the full name" in html and "Date of birth must be a real date" in html
    assert "Enter an email address in the correct format" in html
    # The check page sends nobody anywhere but back to the first unanswered page: no half-made request.
    assert client.get("/alpha/subject_access/check").headers["Location"].endswith("/ask/who")
    with app.app_context(), tenant_context(sar_forces[0]):
        assert db.session.scalar(db.select(db.func.count(Case.id))) == 0
        assert all("full_name" not in d.data for d in db.session.scalars(db.select(SarDraft)))


def test_identity_upload_is_checked_by_content(app, client, sar_forces):
    reference = make_request(client)
    refused = upload_id(client, reference, b"%PDF-1.4 this is not really a pdf", "passport.pdf")
    assert refused.status_code == 400 and "govuk-error-summary" in refused.get_data(as_text=True)
    refused = upload_id(client, reference, b"MZ\x90\x00 an executable", "passport.png")
    assert refused.status_code == 400 and "must be a JPG, PNG or PDF" in refused.get_data(as_text=True)
    assert _sar(app, sar_forces[0], reference)[1].state == "awaiting_identity"
    accepted = upload_id(client, reference, pdf_with("PASSPORT Alex Archer"), "passport.pdf")
    assert accepted.status_code == 302
    sar, case = _sar(app, sar_forces[0], reference)
    assert case.state == "identity_check" and sar.identity_received_on == uk_today()
    with app.app_context(), tenant_context(sar_forces[0]):
        document = db.session.scalar(db.select(Document).filter_by(case_id=case.id))
        assert document.kind == "id-evidence" and not document.public  # staff only


def test_accepting_identity_starts_the_clock_and_the_tracking_page_shows_the_deadline(app, client, sar_forces):
    alpha = sar_forces[0]
    reference = make_request(client)
    upload_id(client, reference)
    worker = staff(app, alpha, "case@alpha.police.uk", ["caseworker"])
    assert act(worker, reference, "identity", {"decision": "reject", "reason": ""}).status_code == 400
    response = act(worker, reference, "identity", {"decision": "accept"})
    assert response.status_code == 302
    sar, case = _sar(app, alpha, reference)
    with app.app_context(), tenant_context(alpha):
        expected = rules.statutory_deadline(uk_today(), force_calendar())
    assert case.state == "searching" and sar.clock_started_on == uk_today() and sar.due_on == expected
    assert case.deadline_at is not None
    email = last_email(app, "alex@example.com", "Searching our records")
    track = client.get(f"/alpha/track/{reference}").get_data(as_text=True)
    assert 'id="deadline"' in track and expected.strftime("%Y") in track
    assert "Searching our records" in email.subject
    assert f"We must respond by {expected.day} {expected:%B %Y}." in email.text_body


def test_rejected_identity_goes_back_with_the_reason_emailed(app, client, sar_forces):
    alpha = sar_forces[0]
    reference = make_request(client)
    upload_id(client, reference)
    worker = staff(app, alpha, "case@alpha.police.uk", ["caseworker"])
    act(worker, reference, "identity", {"decision": "reject", "reason": "The photo is too blurred to read."})
    sar, case = _sar(app, alpha, reference)
    assert case.state == "awaiting_identity" and sar.identity_status == "rejected" and sar.due_on is None
    assert "too blurred" in last_email(app, "alex@example.com", "could not accept").text_body


def _to_searching(app, client, force):
    reference = make_request(client)
    upload_id(client, reference)
    worker = staff(app, force, "case@alpha.police.uk", ["caseworker"])
    act(worker, reference, "identity", {"decision": "accept"})
    return reference, worker


def test_extension_within_the_first_month_moves_the_deadline_and_tells_the_requester(app, client, sar_forces):
    alpha = sar_forces[0]
    reference, worker = _to_searching(app, client, alpha)
    assert act(worker, reference, "extend", {"months": "2", "reason": ""}).status_code == 400
    assert act(worker, reference, "extend", {"months": "2", "reason": "Records on five archived systems"}
               ).status_code == 302
    sar, _case = _sar(app, alpha, reference)
    with app.app_context(), tenant_context(alpha):
        assert sar.extended_due_on == rules.extended_deadline(uk_today(), 2, force_calendar())
    assert "five archived systems" in last_email(app, "alex@example.com", "more time").text_body
    again = act(worker, reference, "extend", {"months": "1", "reason": "More"})
    assert again.status_code == 400 and "already been extended" in again.get_data(as_text=True)


def test_extension_after_the_first_month_and_for_part3_is_refused(app, client, sar_forces):
    alpha = sar_forces[0]
    reference, worker = _to_searching(app, client, alpha)
    with app.app_context(), tenant_context(alpha):
        from frontcounter_subject_access.requests import extend, find

        case, sar = find(reference)
        late = sar.due_on + timedelta(days=1)
        try:
            extend(case, sar, 1, "Complex", "test", today=late)
        except rules.ExtensionRefused as refused:
            assert refused.code == "too_late"
        else:
            raise AssertionError("an extension after the first month was recorded")
        db.session.rollback()
    assert act(worker, reference, "regime", {"regime": "part3"}).status_code == 302
    refused = act(worker, reference, "extend", {"months": "1", "reason": "Complex"})
    assert refused.status_code == 400 and "Part 3 request cannot be extended" in refused.get_data(as_text=True)
    assert _sar(app, alpha, reference)[0].extended_due_on is None


def test_a_clarification_is_recorded_and_the_deadline_stands(app, client, sar_forces):
    alpha = sar_forces[0]
    reference, worker = _to_searching(app, client, alpha)
    before = _sar(app, alpha, reference)[0].deadline
    act(worker, reference, "clarify", {"question": "Which incident in 2019 do you mean?"})
    assert _sar(app, alpha, reference)[0].deadline == before
    assert "2019" in last_email(app, "alex@example.com", "A question").text_body
    assert "Which incident in 2019" in worker.get(case_url(reference)).get_data(as_text=True)


def test_awaiting_identity_gets_reminders_then_is_cancelled_with_an_email(app, client, sar_forces):
    alpha = sar_forces[0]
    reference = make_request(client)
    with app.app_context(), tenant_context(alpha):
        today = uk_today()
        assert identity_chase(today + timedelta(days=6)) == {"reminded": 0, "cancelled": 0}
        assert identity_chase(today + timedelta(days=7)) == {"reminded": 1, "cancelled": 0}
        assert identity_chase(today + timedelta(days=8)) == {"reminded": 0, "cancelled": 0}
        db.session.commit()
        assert identity_chase(today + timedelta(days=28)) == {"reminded": 0, "cancelled": 1}
        db.session.commit()
    assert _sar(app, alpha, reference)[1].state == "cancelled"
    subjects = [m.subject for m in mailbox(app, "alex@example.com")]
    assert any("Reminder" in s for s in subjects) and any("Cancelled" in s for s in subjects)


def test_staff_enter_a_postal_request_with_its_received_date(app, client, sar_forces):
    alpha = sar_forces[0]
    worker = staff(app, alpha, "case@alpha.police.uk", ["caseworker"])
    received = uk_today() - timedelta(days=4)
    form = {"channel": "post", "regime": "part3", "for_whom": "self", "full_name": "Pat Post",
            "date_of_birth-day": "1", "date_of_birth-month": "2", "date_of_birth-year": "1970",
            "email": "pat@example.com", "address": "2 Mill Lane", "postcode": "AL2 2BB", "scope": "everything",
            "delivery": "post", "received_on-day": str(received.day), "received_on-month": str(received.month),
            "received_on-year": str(received.year)}
    bad = submit(worker, "/alpha/staff/subject_access/new", {**form, "received_on-day": "", "postcode": "nope"})
    assert bad.status_code == 400 and "Enter the date the request was received" in bad.get_data(as_text=True)
    response = submit(worker, "/alpha/staff/subject_access/new", form)
    assert response.status_code == 302
    reference = response.headers["Location"].rsplit("/", 1)[1]
    sar, case = _sar(app, alpha, reference)
    assert sar.received_on == received and sar.channel == "post" and sar.regime == "part3"
    assert case.channel == "staff"  # the management figures count postal requests as staff-entered


def _token(app, force, roles="caseworker"):
    from frontcounter.api.tokens import issue_token

    with app.app_context(), tenant_context(force):
        _row, secret = issue_token("Back office", roles.split(","), created_by="test")
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}


def test_the_api_creates_a_request_and_reads_its_state_and_deadline(app, client, sar_forces):
    alpha = sar_forces[0]
    headers = _token(app, alpha)
    body = {"full_name": "Api Person", "date_of_birth": "1985-03-04", "email": "api@example.com",
            "address": "3 Road", "postcode": "AL3 3CC", "received_on": uk_today().isoformat()}
    bad = client.post("/api/v1/subject-access/requests", json={**body, "postcode": "", "received_on": "soon"},
                      headers=headers)
    assert bad.status_code == 422 and bad.json["reason"] == "invalid" and "postcode" in bad.json["message"]
    with app.app_context(), tenant_context(alpha):
        assert db.session.scalar(db.select(db.func.count(Case.id))) == 0  # nothing half-made
    created = client.post("/api/v1/subject-access/requests", json=body, headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["state"] == "awaiting_identity" and created.json["deadline"] is None
    read = client.get(f"/api/v1/subject-access/requests/{created.json['reference']}", headers=headers)
    assert read.status_code == 200 and read.json["identity"] == "awaiting"
    assert client.get("/api/v1/subject-access/requests/ALP-SR-26-999999", headers=headers).json["reason"] == \
        "not_found"
    assert client.get(f"/api/v1/subject-access/requests/{created.json['reference']}").status_code == 401


def test_staff_add_postal_proof_of_identity_with_the_day_it_arrived(app, client, sar_forces):
    from io import BytesIO

    from .support import png, post

    alpha = sar_forces[0]
    reference = make_request(client)
    worker = staff(app, alpha, "case@alpha.police.uk", ["caseworker"])
    page = case_url(reference)
    future = uk_today() + timedelta(days=3)
    bad = post(worker, f"{page}/evidence", {"evidence": (BytesIO(png()), "id.png"),
                                              "evidence_received_on-day": str(future.day),
                                              "evidence_received_on-month": str(future.month),
                                              "evidence_received_on-year": str(future.year)},
               page=page, content_type="multipart/form-data")
    assert bad.status_code == 400 and "today or in the past" in bad.get_data(as_text=True)
    assert post(worker, f"{page}/evidence", {"evidence": (BytesIO(png()), "id.png")}, page=page,
                content_type="multipart/form-data").status_code == 302
    sar, case = _sar(app, alpha, reference)
    assert case.state == "identity_check" and sar.identity_received_on == uk_today()


def test_the_cores_case_page_cannot_skip_the_clock(app, client, sar_forces):
    from .support import post

    alpha = sar_forces[0]
    reference = make_request(client)
    upload_id(client, reference)
    worker = staff(app, alpha, "case@alpha.police.uk", ["caseworker"])
    core = f"/alpha/staff/work/case/{reference}"
    assert worker.get(core).status_code == 200
    post(worker, f"{core}/transition", {"transition": "accept_identity"}, page=core)
    sar, case = _sar(app, alpha, reference)
    assert case.state == "identity_check" and sar.clock_started_on is None
    assert "subject access page" in worker.get(core).get_data(as_text=True)


def test_proof_of_identity_can_be_sent_later_from_the_emailed_link(app, client, sar_forces):
    from frontcounter.testing import link_in

    reference = make_request(client)
    stranger = app.test_client()
    assert stranger.get(f"/alpha/subject_access/request/{reference}/identity").status_code == 404
    later = app.test_client()  # another day, another device: only the email
    email = last_email(app, "alex@example.com", "We have your subject access request")
    track = later.get(link_in(email, f"/alpha/track/{reference}")).get_data(as_text=True)
    assert 'id="upload-identity"' in track
    assert upload_id(later, reference).status_code == 302
    assert _sar(app, sar_forces[0], reference)[1].state == "identity_check"
