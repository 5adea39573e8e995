"""A firearm certificate grant in real Chromium on a phone-sized screen: apply with a photo, pay in the
sandbox, a referee confirms from their email, the applicant books the home visit, and sees the certificate."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from frontcounter.bookings import SlotSpec, create_slots
from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.testing import link_in, mailbox, run_jobs
from frontcounter_firearms.rules import MEDICAL_CONDITIONS
from PIL import Image
from playwright.sync_api import expect

from .support import scanned_pdf

pytestmark = pytest.mark.browser
TEN_YEARS_AGO = date.today().year - 12


def photo_file(tmp_path) -> str:
    path = tmp_path / "me.jpg"
    out = BytesIO()
    Image.new("RGB", (120, 160), "teal").save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def gp_form_file(tmp_path) -> str:
    path = tmp_path / "gp-form.pdf"
    path.write_bytes(scanned_pdf())
    return str(path)


def fill_date(scope, legend: str, day: date) -> None:
    group = scope.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def fill_address(scope, line1: str) -> None:
    scope.get_by_label("Address line 1").fill(line1)
    scope.get_by_label("Town or city").fill("Alphaton")
    scope.get_by_label("Postcode", exact=True).fill("AL1 1AA")


def press_continue(page) -> None:
    """Press Continue and wait for the next page to load (never read the old page)."""
    with page.expect_navigation(wait_until="load"):
        page.locator("#continue").click()


def move_case(app, force, reference: str, *names: str, note: str = "") -> None:
    """What staff would do on their pages, fired through the engine."""
    with app.app_context(), tenant_context(force):
        case = db.session.scalars(db.select(Case).filter_by(reference=reference)).one()
        for name in names:
            engine.fire(case, name, actor="test: staff", as_system=True, note=note)
            db.session.commit()


def test_a_grant_from_application_to_certificate_on_a_phone(app, page, live_url, firearms_forces, tmp_path):
    alpha = firearms_forces[0]
    page.goto("/alpha/start/firearms")
    page.get_by_label("Continue without an account").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Start now").click()

    page.get_by_label("A new certificate (grant)").check()
    page.get_by_role("checkbox", name="Firearm certificate").check()
    press_continue(page)

    page.get_by_label("Title").fill("Mr")
    page.get_by_label("All your forenames").fill("Alex")
    page.get_by_label("Surname").fill("Archer")
    fill_date(page, "Date of birth", date(1980, 1, 1))
    page.get_by_label("Town and country of birth").fill("Alphaton, England")
    page.get_by_label("Height in centimetres").fill("180")
    page.get_by_label("Nationality").fill("British")
    page.get_by_label("Occupation").fill("Farmer")
    fill_address(page, "1 High Street")
    page.get_by_label("Phone number").fill("01632 960 001")
    page.get_by_label("Email address").fill("alex@example.com")
    press_continue(page)
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your addresses in the last 5 years")

    fill_address(page, "1 High Street")
    fill_date(page, "Date you moved in", date(TEN_YEARS_AGO, 1, 1))
    press_continue(page)

    for key, _label in MEDICAL_CONDITIONS:
        page.locator(f"input[name='{key}'][value='no']").check()
    press_continue(page)

    page.get_by_label("Name of the practice").fill("Alphaton Surgery")
    fill_address(page, "3 Surgery Lane")
    fill_date(page, "Date you joined", date(TEN_YEARS_AGO - 1, 1, 1))
    page.locator("input[name='consent_to_contact_gp'][value='yes']").check()
    press_continue(page)

    page.locator("input[name='has_convictions'][value='no']").check()
    press_continue(page)

    page.get_by_label("Rifle").check()
    page.get_by_label("Calibre").fill(".22")
    page.get_by_label("How many").fill("1")
    page.get_by_label("Rounds of ammunition to hold at any time").fill("500")
    page.get_by_label("Rounds of ammunition to buy at one time").fill("200")
    page.get_by_label("Target shooting at a club").check()
    page.get_by_label("Club you shoot with (target shooting)").fill("Alphaton Rifle Club")
    press_continue(page)

    page.get_by_label("A gun cabinet").check()
    page.get_by_label("Where in your home will they be stored?").fill("Utility room")
    page.locator("input[name='alarm'][value='yes']").check()
    page.locator("input[name='ammunition_stored_separately'][value='yes']").check()
    press_continue(page)

    for i, (name, email) in enumerate((("Robin Reed", "robin@example.com"), ("Sam Smith", "sam@example.com"))):
        referee = page.locator(f"#referee-{i}")
        referee.get_by_label("Full name").fill(name)
        referee.get_by_label("Email address").fill(email)
        referee.get_by_label("Phone number").fill("01632 960 002")
        fill_address(referee, "2 Low Road")
        referee.get_by_label("England").check()
        referee.get_by_label("Friend").check()
        referee.get_by_label("How many years have they known you?").fill("5")
        referee.locator(f"input[name='referees-{i}-firearms_dealer'][value='no']").check()
        referee.locator(f"input[name='referees-{i}-police'][value='no']").check()
    press_continue(page)
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a photo of yourself")

    page.set_input_files("#photo", photo_file(tmp_path))
    press_continue(page)
    page.set_input_files("#gp-information", gp_form_file(tmp_path))
    press_continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending your application")
    expect(page.locator("#fee")).to_contain_text("£198.00")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.get_by_label("I declare that the information I have given is true and complete").check()
    page.get_by_role("button", name="Accept and pay").click()
    page.get_by_role("button", name="Pay £198.00").click()
    page.get_by_label("Pay successfully").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#current-state")).to_contain_text("Received")
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"ALP-FA-\d\d-\d+"))
    reference = re.search(r"ALP-FA-\d\d-\d+", page.get_by_role("heading", level=1).inner_text()).group(0)

    move_case(app, alpha, reference, "accept")
    robin_link = link_in(mailbox(app, "robin@example.com")[0], "/alpha/firearms/referee/")
    sam_link = link_in(mailbox(app, "sam@example.com")[0], "/alpha/firearms/referee/")
    tracking = page.url
    for link in (robin_link, sam_link):
        page.goto(link)
        expect(page.locator("#applicant-photo")).to_be_visible()
        page.get_by_label("How many years have you known the applicant?").fill("6")
        page.locator("input[name='photo_likeness'][value='yes']").check()
        page.locator("input[name='declaration']").check()
        page.get_by_role("button", name="Confirm", exact=True).click()
        expect(page.locator("#referee-confirmed")).to_be_visible()

    with app.app_context(), tenant_context(alpha):  # the team has put visit times in the diary
        starts = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
        create_slots("firearms", [SlotSpec("visit", starts, starts + timedelta(hours=2), 1)])
        db.session.commit()
    move_case(app, alpha, reference, "start_checks")
    run_jobs(app)  # the background checks (at commit on the embedded backend; an rq worker's job with Redis)
    with app.app_context(), tenant_context(alpha):
        state = db.session.scalars(db.select(Case.state).filter_by(reference=reference)).one()
    if state == "background_checks":  # the checks found nothing, but a caseworker finishes them
        move_case(app, alpha, reference, "checks_done")
    visit_email = [m for m in mailbox(app, "alex@example.com") if "choose a home visit time" in m.subject][-1]
    page.goto(link_in(visit_email, "/alpha/firearms/cases/"))
    page.locator("input[name='slot_id']").first.check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Confirm home visit").click()
    expect(page.locator("#current-state")).to_contain_text("Home visit booked")
    expect(page.locator("#booking-state")).to_have_text("Confirmed")

    move_case(app, alpha, reference, "record_visit", note="Cabinet bolted to the wall; form cross-checked.")
    move_case(app, alpha, reference, "grant")
    run_jobs(app)  # the certificate PDFs
    page.goto(tracking)
    expect(page.locator("#current-state")).to_contain_text("Granted")
    expect(page.locator("#case-documents").get_by_text("firearm-certificate-ALP-FAC-")).to_be_visible()
