"""The firearms licensing team's side: queues, background checks, home visits, decisions, reminders, paper forms."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from io import BytesIO

import pytest
from frontcounter.audit.models import AuditEvent
from frontcounter.bookings.times import uk_to_utc
from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.documents.models import Document
from frontcounter.extensions import db
from frontcounter.jobs.schedule import all_tasks
from frontcounter.payments.models import Payment, Refund
from frontcounter.payments.service import pay_in_sandbox
from frontcounter.tenancy import tenant_context
from frontcounter.testing import add_staff, csrf_token, mailbox, run_jobs, staff_sign_in, submit
from frontcounter.testing.pdfs import pdf_text as _pdf_text
from frontcounter_firearms.checks import DemoIntelligenceCheck, run_checks
from frontcounter_firearms.dates import long_date
from frontcounter_firearms.decisions import uk_today
from frontcounter_firearms.guards import GP_INFORMATION, PHOTO
from frontcounter_firearms.jobs import send_renewal_reminders
from frontcounter_firearms.models import BackgroundCheck, Certificate
from frontcounter_firearms.rules import expiry_for
from frontcounter_firearms.visits import arrange_visit
from PIL import Image
from playwright.sync_api import expect

from .support import (
    add_document,
    add_referee,
    fire,
    open_application,
    scanned_pdf,
    to_decision,
    to_referees_stage,
)


def _signed_in(app, force, email: str, roles: list[str]):
    add_staff(app, force, email, roles)
    browser = app.test_client()
    staff_sign_in(browser, app, force.slug, email)
    return browser


def _open(app, force, surname: str = "Archer", *, stage=None, **kwargs) -> str:
    """Open a case in `force` (optionally moved on by `stage`), commit, and return its reference."""
    with app.app_context(), tenant_context(force):
        case = open_application(email=f"{surname.lower()}@example.com", **kwargs)
        case.data = {**case.data, "personal": {**case.data["personal"], "surname": surname}}
        if stage is not None:
            stage(case)
        db.session.commit()
        return case.reference


def _case(app, force, reference: str) -> Case:
    with app.app_context(), tenant_context(force):
        case = engine.find_case(reference)
        db.session.expunge(case)
        return case


def _paid_to_decision(case: Case) -> None:
    """Pay through the sandbox provider (so a refund can go back through it), then on to a decision."""
    pay_in_sandbox(case, case.data["fee_pence"], "Firearms fee")
    add_document(case, PHOTO)
    fire(case, "accept", roles=("caseworker",))
    for name in ("Robin Reed", "Sam Smith"):
        add_referee(case, name)
    add_document(case, GP_INFORMATION)
    fire(case, "start_checks")
    run_checks(case, case.data["personal"], [DemoIntelligenceCheck()])
    fire(case, "checks_done", roles=("caseworker",))
    fire(case, "book_visit", roles=("field_officer",))
    fire(case, "record_visit", roles=("field_officer",), note="Security checked.")


def _decide(browser, slug: str, reference: str, transition: str, note: str = "", *, confirmed: bool = True, **extra):
    """Press a decision's button on the case page, and (unless `confirmed` is False) "Yes" on the next page."""
    html = browser.get(f"/{slug}/staff/firearms/cases/{reference}").get_data(as_text=True)
    form = {"transition": transition, "note": note, "csrf_token": csrf_token(html), **extra}
    if confirmed:
        form["confirmed"] = "yes"
    return browser.post(f"/{slug}/staff/work/case/{reference}/transition", data=form)


def _flat(pdf: bytes) -> str:
    return " ".join(_pdf_text(pdf).split())


# -- queues --------------------------------------------------------------------------------------


def test_the_queues_page_counts_the_forces_cases_in_each_named_queue(app, firearms_forces):
    alpha, bravo = firearms_forces
    for surname in ("Archer", "Baker"):
        _open(app, alpha, surname, stage=to_referees_stage)
    _open(app, alpha, "Cole")  # waiting for payment: in no team queue yet
    _open(app, alpha, "Dale", stage=to_decision)
    _open(app, bravo, "Evans", stage=to_decision)  # another force's: never counted here
    browser = _signed_in(app, alpha, "cw@alpha.example.com", ["caseworker"])

    html = browser.get("/alpha/staff/firearms/").get_data(as_text=True)

    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', html))
    assert counts["referees"] == "2" and counts["decision"] == "1" and counts["new"] == "0"
    assert counts["issued"] == "0" and counts["appeals"] == "0"
    assert 'href="/alpha/staff/work/firearms/?state=decision"' in html
    dashboard = browser.get("/alpha/staff/").get_data(as_text=True)
    assert "/alpha/staff/firearms/" in dashboard and "/alpha/staff/firearms/visits" in dashboard


# -- background checks ---------------------------------------------------------------------------


def _to_checks(case: Case) -> None:
    to_referees_stage(case)
    for name in ("Robin Reed", "Sam Smith"):
        add_referee(case, name)
    add_document(case, GP_INFORMATION)
    fire(case, "start_checks")
    assert db.session.scalar(db.select(BackgroundCheck.id).filter_by(case_id=case.id)) is None  # not before commit


def test_checks_run_from_the_outbox_on_entering_the_checks_stage_and_a_flagged_name_stays_for_a_caseworker(
    app, firearms_forces
):
    alpha = firearms_forces[0]
    clear = _open(app, alpha, "Archer", stage=_to_checks)
    flagged = _open(app, alpha, "Flagged", stage=_to_checks)
    run_jobs(app)

    assert _case(app, alpha, clear).state == "visit_to_arrange"  # every check clear: moved on by the system
    assert _case(app, alpha, flagged).state == "background_checks"
    with app.app_context(), tenant_context(alpha):
        rows = db.session.scalars(db.select(BackgroundCheck).order_by(BackgroundCheck.id)).all()
        assert [(r.system, r.status) for r in rows] == [("demo", "clear"), ("demo", "flagged")]
    browser = _signed_in(app, alpha, "cw@alpha.example.com", ["caseworker"])
    html = browser.get(f"/alpha/staff/firearms/cases/{flagged}").get_data(as_text=True)
    assert "Background checks flagged this applicant" in html
    assert "Demonstration record found for surname Flagged" in html
    assert 'data-transition="checks_done"' in html  # the caseworker decides whether it goes on


# -- decisions -----------------------------------------------------------------------------------


def test_a_supervisor_grants_a_numbered_certificate_whose_pdf_carries_the_four_conditions(app, firearms_forces):
    alpha = firearms_forces[0]
    reference = _open(app, alpha, "Archer", stage=to_decision)
    caseworker = _signed_in(app, alpha, "cw@alpha.example.com", ["caseworker"])
    refused = _decide(caseworker, "alpha", reference, "grant")
    assert refused.status_code == 302 and _case(app, alpha, reference).state == "decision"  # a caseworker cannot

    supervisor = _signed_in(app, alpha, "boss@alpha.example.com", ["supervisor"])
    asked = _decide(supervisor, "alpha", reference, "grant", confirmed=False)  # one click grants nothing
    assert asked.status_code == 200 and "Are you sure you want to grant?" in asked.get_data(as_text=True)
    assert _case(app, alpha, reference).state == "decision"
    assert _decide(supervisor, "alpha", reference, "grant").status_code == 302
    run_jobs(app)

    today = uk_today()
    with app.app_context(), tenant_context(alpha):
        (certificate,) = db.session.scalars(db.select(Certificate)).all()
        assert certificate.number == f"ALP/FAC/{today.year}/00001"
        assert (certificate.issued_on, certificate.expires_on) == (today, expiry_for(today))
        assert certificate.holder_name == "Alex Archer" and certificate.holder_email == "archer@example.com"
        document = db.session.scalar(db.select(Document).filter_by(kind="certificate"))
        assert document.public and document.filename == f"firearm-certificate-ALP-FAC-{today.year}-00001.pdf"
    assert _case(app, alpha, reference).state == "granted"
    text = _flat(supervisor.get(f"/alpha/documents/{document.id}").data)
    for expected in (
        "Firearm certificate",
        certificate.number,
        "Alex Archer",
        long_date(expiry_for(today)),
        "valid for 5 years",
        "sign it in ink",
        "within 7 days",
        "without undue delay, inform the chief officer of police by whom the certificate was granted of any change",
        "stored securely",
    ):
        assert expected in text, f"{expected!r} not in the certificate: {text!r}"
    html = supervisor.get(f"/alpha/staff/firearms/cases/{reference}").get_data(as_text=True)
    assert certificate.number in html


def test_refusing_a_grant_refunds_the_fee_through_the_provider_and_sets_the_appeal_deadline(app, firearms_forces):
    alpha = firearms_forces[0]
    reference = _open(app, alpha, "Archer", stage=_paid_to_decision)
    supervisor = _signed_in(app, alpha, "boss@alpha.example.com", ["supervisor"])
    assert _decide(supervisor, "alpha", reference, "refuse", "").status_code == 302  # a reason is required
    assert _case(app, alpha, reference).state == "decision"

    asked = _decide(supervisor, "alpha", reference, "refuse", "No good reason for a rifle was shown.", confirmed=False)
    assert "Are you sure you want to refuse?" in asked.get_data(as_text=True)
    assert "Print my note in the refusal letter" in asked.get_data(as_text=True)
    assert _case(app, alpha, reference).state == "decision"
    _decide(
        supervisor, "alpha", reference, "refuse", "No good reason for a rifle was shown.", letter_includes_note="yes"
    )
    run_jobs(app)

    today = uk_today()
    case = _case(app, alpha, reference)
    assert case.state == "refused"
    assert case.data["refusal"]["appeal_deadline"] == (today + timedelta(days=21)).isoformat()
    with app.app_context(), tenant_context(alpha):
        payment = db.session.scalar(db.select(Payment))
        (refund,) = db.session.scalars(db.select(Refund)).all()
        assert (refund.amount_pence, refund.state, payment.refunded_pence) == (19800, "success", 19800)
        letter = db.session.scalar(db.select(Document).filter_by(kind="refusal-letter"))
    text = _flat(supervisor.get(f"/alpha/documents/{letter.id}").data)
    deadline = long_date(today + timedelta(days=21))
    for expected in ("No good reason for a rifle was shown.", "Crown Court", deadline, "refunded"):
        assert expected in text, f"{expected!r} not in the letter: {text!r}"
    assert any("refund" in m.subject.lower() for m in mailbox(app, "archer@example.com"))
    html = supervisor.get(f"/alpha/staff/firearms/cases/{reference}").get_data(as_text=True)
    assert f"Appeal deadline: {(today + timedelta(days=21)).isoformat()}" in html


def test_refusing_a_renewal_keeps_the_fee(app, firearms_forces):
    alpha = firearms_forces[0]
    reference = _open(app, alpha, "Archer", kind="renewal", fee_pence=13100, stage=_paid_to_decision)
    supervisor = _signed_in(app, alpha, "boss@alpha.example.com", ["supervisor"])
    _decide(supervisor, "alpha", reference, "refuse", "Internal: neighbour's complaint, unverified.")
    run_jobs(app)
    assert _case(app, alpha, reference).data["refusal"]["fee_refunded"] is False
    with app.app_context(), tenant_context(alpha):
        assert db.session.scalar(db.select(Refund.id)) is None
        letter = db.session.scalar(db.select(Document).filter_by(kind="refusal-letter"))
    text = _flat(supervisor.get(f"/alpha/documents/{letter.id}").data)
    assert "neighbour" not in text  # staff did not choose to print their note
    assert "You can ask the firearms licensing team for the full reasons" in text


# -- renewal reminders ---------------------------------------------------------------------------


def test_renewal_reminders_go_once_from_14_weeks_before_expiry(app, firearms_forces):
    alpha = firearms_forces[0]
    today = date(2026, 3, 15)
    with app.app_context(), tenant_context(alpha):
        for number, weeks, email in (("A/1", 14, "due@example.com"), ("A/2", 15, "later@example.com")):
            expires = today + timedelta(weeks=weeks)
            db.session.add(
                Certificate(
                    number=number,
                    kind="fac",
                    holder_name="Holder",
                    holder_email=email,
                    issued_on=expires.replace(year=expires.year - 5),
                    expires_on=expires,
                )
            )
        db.session.commit()
        assert "firearms-renewal-reminders" in {task.name for task in all_tasks()}

    with app.app_context():
        assert send_renewal_reminders(today) == 1
        assert send_renewal_reminders(today) == 0  # once only
    (reminder,) = mailbox(app, "due@example.com")
    assert "A/1" in reminder.subject and "/alpha/start/firearms" in reminder.text_body
    assert mailbox(app, "later@example.com") == []
    with app.app_context():
        assert send_renewal_reminders(today + timedelta(weeks=1)) == 1  # the next one's turn comes a week later


# -- home visits ---------------------------------------------------------------------------------


def _booked_today(officer_id: int | None, hour: int = 12):
    def stage(case: Case) -> None:
        to_referees_stage(case)
        for name in ("Robin Reed", "Sam Smith"):
            add_referee(case, name)
        add_document(case, GP_INFORMATION)
        fire(case, "start_checks")
        run_checks(case, case.data["personal"], [DemoIntelligenceCheck()])
        fire(case, "checks_done", roles=("caseworker",))
        address = {"line1": "1 Orchard Lane", "line2": "", "town": "Alphaton", "postcode": "AL1 2AB"}
        case.data = {**case.data, "personal": {**case.data["personal"], "address": address, "phone": "01632 960001"}}
        starts_at = uk_to_utc(uk_today(), time(hour))
        arrange_visit(case, starts_at, officer_id, actor="test", now=starts_at - timedelta(days=1), as_system=True)

    return stage


def _png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (30, 20), "grey").save(out, "PNG")
    return out.getvalue()


def test_an_officer_records_a_visit_with_photos_and_notes_from_the_visit_page(app, firearms_forces):
    alpha = firearms_forces[0]
    officer = _signed_in(app, alpha, "feo@alpha.example.com", ["field_officer"])
    with app.app_context(), tenant_context(alpha):
        from frontcounter.accounts.models import StaffMember

        officer_id = db.session.scalar(db.select(StaffMember.id))
    reference = _open(app, alpha, "Archer", stage=_booked_today(officer_id))
    other = _open(app, alpha, "Baker", stage=_booked_today(None, hour=15))

    listing = officer.get("/alpha/staff/firearms/visits").get_data(as_text=True)
    mine = listing.split('id="my-visits"')[1].split('id="other-visits"')[0]
    assert reference in mine and other not in mine and other in listing
    assert "https://www.openstreetmap.org/search?query=AL1+2AB" in listing and 'href="tel:01632960001"' in listing

    url = f"/alpha/staff/firearms/visits/{reference}"
    incomplete = submit(officer, url, {"action": "finish", "outcome": "concerns", "notes": ""})
    assert incomplete.status_code == 400 and "Enter notes to explain the outcome" in incomplete.get_data(as_text=True)
    saved = submit(
        officer,
        url,
        {"action": "save", "checklist": ["cabinet_bolted", "identity"], "photos": (BytesIO(_png()), "c.png")},
    )
    assert saved.status_code == 302
    kept = officer.get(url).get_data(as_text=True)
    assert re.search(r'value="cabinet_bolted"\s+checked', kept) and not re.search(
        r'value="keys_secure"\s+checked', kept
    )
    done = submit(
        officer,
        url,
        {"action": "finish", "outcome": "satisfactory", "checklist": ["cabinet_bolted", "identity"], "notes": "Good."},
    )
    assert done.status_code == 302

    case = _case(app, alpha, reference)
    assert case.state == "decision" and case.data["visit"]["outcome"] == "satisfactory"
    assert case.data["visit"]["checked"] == ["cabinet_bolted", "identity"]
    with app.app_context(), tenant_context(alpha):
        photo = db.session.scalar(db.select(Document).filter_by(kind="visit-photo"))
        assert photo is not None and not photo.public  # staff only
        assert db.session.scalar(db.select(AuditEvent.id).filter_by(action="firearms.visit_saved")) is not None
    with app.app_context(), tenant_context(alpha):
        event = engine.find_case(reference).events[-1]
        assert event.transition == "record_visit" and "2 of 12 checks confirmed. Good." in event.note


def test_visits_need_a_field_officer_and_paper_forms_a_caseworker(app, firearms_forces):
    alpha = firearms_forces[0]
    caseworker = _signed_in(app, alpha, "cw@alpha.example.com", ["caseworker"])
    officer = _signed_in(app, alpha, "feo@alpha.example.com", ["field_officer"])
    assert caseworker.get("/alpha/staff/firearms/visits").status_code == 403
    assert officer.get("/alpha/staff/firearms/paper/new").status_code == 403
    assert app.test_client().get("/alpha/staff/firearms/").status_code == 302  # to the staff sign-in


@pytest.mark.browser
def test_the_visits_page_works_on_a_phone(app, firearms_forces, page, live_url):
    alpha = firearms_forces[0]
    officer = _signed_in(app, alpha, "feo@alpha.example.com", ["field_officer"])
    reference = _open(app, alpha, "Archer", stage=_booked_today(None))
    with app.app_context(), tenant_context(alpha):
        from frontcounter.accounts.models import StaffMember

        member = db.session.scalar(db.select(StaffMember))
        case = engine.find_case(reference)
        case.assignee_id = member.id
        db.session.commit()
    page.context.add_cookies(
        [{"name": c.key, "value": c.value, "url": live_url} for c in officer._cookies.values()]  # the signed-in session
    )

    page.goto("/alpha/staff/firearms/visits")
    start = page.get_by_role("button", name="Start the visit")
    expect(start).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing off the side
    box = start.bounding_box()  # GOV.UK's button: full width on a phone, 38px tall plus its 2px shadow
    assert box["width"] >= 300 and box["height"] >= 38
    start.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Home visit")
    page.get_by_label("Cabinet (or gun room) is bolted to a solid wall or floor").check()
    page.get_by_label("Notes").fill("Cabinet bolted; keys in a key safe.")
    page.get_by_label("Satisfactory: send for a decision with no concerns").check()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_text(f"Visit recorded for case {reference}.")).to_be_visible()
    assert _case(app, alpha, reference).state == "decision"


# -- paper applications --------------------------------------------------------------------------

PAPER = {
    "received_on-day": "10",
    "received_on-month": "3",
    "received_on-year": "2026",
    "kind": "grant",
    "certificates": ["sgc"],
    "title": "Mrs",
    "forenames": "Pat",
    "surname": "Paper",
    "date_of_birth-day": "1",
    "date_of_birth-month": "2",
    "date_of_birth-year": "1970",
    "place_of_birth": "Leeds, England",
    "height_cm": "165",
    "nationality": "British",
    "occupation": "Retired",
    "address-line1": "2 Mill Road",
    "address-town": "Alphaton",
    "address-postcode": "al1 3cd",
    "phone": "01632 960002",
    "email": "pat.paper@example.com",
}


def test_a_caseworker_enters_a_paper_application_for_the_applicant(app, firearms_forces):
    alpha = firearms_forces[0]
    caseworker = _signed_in(app, alpha, "cw@alpha.example.com", ["caseworker"])
    url = "/alpha/staff/firearms/paper/new"

    bad = submit(caseworker, url, {**PAPER, "surname": "", "address-postcode": "nowhere", "certificates": []})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "There is a problem" in html
    for message in ("Enter your surname", "Enter a real postcode", "Select at least one certificate"):
        assert message in html
    with app.app_context(), tenant_context(alpha):
        assert db.session.scalar(db.select(Case.id)) is None  # nothing half-written

    scan = (BytesIO(scanned_pdf()), "form201.pdf")
    response = submit(caseworker, url, {**PAPER, "scan": scan})
    assert response.status_code == 302
    with app.app_context(), tenant_context(alpha):
        case = db.session.scalar(db.select(Case))
        assert case.state == "awaiting_payment" and case.data["fee_pence"] == 19400
        assert case.applicant_name == "Pat Paper" and case.data["personal"]["address"]["postcode"] == "AL1 3CD"
        assert case.data["paper"] == {"received_on": "2026-03-10", "entered_by": "cw@alpha.example.com"}
        assert case.channel == "staff"  # the management figures count it as staff-entered
        scanned = db.session.scalar(db.select(Document).filter_by(kind="paper-form"))
        assert scanned is not None and not scanned.public
        event = db.session.scalar(db.select(AuditEvent).filter_by(action="firearms.paper_application"))
        assert event.actor == "cw@alpha.example.com"
        reference = case.reference
    assert response.headers["Location"].endswith(f"/alpha/staff/firearms/cases/{reference}")
    (email,) = mailbox(app, "pat.paper@example.com")
    assert f"/alpha/track/{reference}" in email.text_body
    assert "Pat Paper" in caseworker.get(response.headers["Location"]).get_data(as_text=True)


def test_a_renewal_received_eight_weeks_before_expiry_marks_the_section_28b_extension(app, firearms_forces):
    alpha = firearms_forces[0]
    received = uk_today()
    expires = received + timedelta(weeks=9)
    with app.app_context(), tenant_context(alpha):
        db.session.add(
            Certificate(
                number="ALP/SGC/2021/00007",
                kind="sgc",
                holder_name="Pat Paper",
                issued_on=expires.replace(year=expires.year - 5),
                expires_on=expires,
            )
        )
        db.session.commit()
    caseworker = _signed_in(app, alpha, "cw@alpha.example.com", ["caseworker"])
    on = {"received_on-day": str(received.day), "received_on-month": str(received.month)}
    form = {**PAPER, **on, "received_on-year": str(received.year), "kind": "renewal"}
    response = submit(
        caseworker, "/alpha/staff/firearms/paper/new", {**form, "current_certificate_number": "ALP/SGC/2021/00007"}
    )
    assert response.status_code == 302
    until = expires + timedelta(weeks=8)
    with app.app_context(), tenant_context(alpha):
        case = db.session.scalar(db.select(Case))
        assert case.data["s28b_extended_to"] == until.isoformat()
        assert db.session.scalar(db.select(Certificate)).extended_to == until
    html = caseworker.get(response.headers["Location"]).get_data(as_text=True)
    assert "section 28B" in html and until.isoformat() in html
