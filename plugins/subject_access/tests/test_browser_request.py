"""A subject access request in real Chromium on a 390px phone: the request and proof of identity, staff search
every service and redact a document, a second person approves, and the requester downloads with a one-time code."""

from __future__ import annotations

import re
from io import BytesIO

import pyotp
import pytest
from frontcounter.testing import PASSWORD, add_staff, mailbox
from playwright.sync_api import expect
from pypdf import PdfReader

from .support import pdf_with, png
from .test_search import third_party  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser
THIRD_PARTY = "DPA 2018 Sch 2 para 16: protection of the rights of others"


def _phone(page, live_url):
    """Another person's browser: a new phone-sized context in the same Chromium."""
    context = page.context.browser.new_context(base_url=live_url, viewport={"width": 390, "height": 844})
    other = context.new_page()
    other.set_default_timeout(15000)
    return other


def _staff_sign_in(page, email: str) -> None:
    page.goto("/alpha/staff/sign-in")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#totp-secret").inner_text().strip()
    page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
    page.locator("form button, form input[type=submit]").last.click()
    page.wait_for_url("**/alpha/staff/**")


def _email(app, subject: str):
    found = [m for m in mailbox(app, "alex@example.com") if subject in m.subject]
    assert found, subject
    return found[-1]


def test_request_search_redact_approve_and_download_on_a_phone(app, page, live_url, sar_forces, third_party,  # noqa: F811
                                                              tmp_path):
    alpha = sar_forces[0]
    licence, custody = tmp_path / "licence.png", tmp_path / "custody.pdf"
    licence.write_bytes(png())
    custody.write_bytes(pdf_with("Custody record of Alex Archer", "Witness: Jordan Smith, 4 Elm Road"))
    add_staff(app, alpha, "case@alpha.police.uk", ["caseworker"])
    add_staff(app, alpha, "boss@alpha.police.uk", ["supervisor"])

    # The requester, on their phone.
    page.goto("/alpha/start/subject_access")
    page.get_by_label("Continue without an account").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Myself").check()
    page.locator("#continue").click()
    page.locator("#continue").click()  # nothing filled in: the error summary says what is missing
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the full name")
    page.get_by_label("Full name").fill("Alex Archer")
    page.get_by_label("Day").fill("12")
    page.get_by_label("Month").fill("5")
    page.get_by_label("Year").fill("1980")
    page.get_by_label("Email address").fill("alex@example.com")
    page.locator("#continue").click()
    page.get_by_label("Current address").fill("1 High Street, Alphatown")
    page.get_by_label("Postcode").fill("AL1 1AA")
    page.get_by_label("Other addresses in the last 10 years (optional)").fill("5 Low Road, Bravoton (2015 to 2020)")
    page.locator("#continue").click()
    page.get_by_label("Everything you hold about me").check()
    page.locator("#continue").click()
    page.get_by_label("A secure download link by email").check()
    page.locator("#continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending your request")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload proof of identity")
    page.locator("#evidence").set_input_files(str(licence))
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Request sent")
    reference = page.locator("#reference").inner_text().strip()

    # A caseworker accepts the proof, searches every service and a force system, and redacts a witness.
    worker = _phone(page, live_url)
    _staff_sign_in(worker, "case@alpha.police.uk")
    worker.goto(f"/alpha/staff/subject_access/r/{reference}")
    worker.get_by_role("button", name="Accept: start the clock").click()
    expect(worker.locator("#status")).to_contain_text("Searching our records")
    worker.get_by_role("button", name="Search every service").click()
    expect(worker.locator("#items")).to_contain_text("DOG-0042")
    worker.locator("#items tr", has_text="DOG-0042").get_by_role("button", name="Include").click()
    expect(worker.locator("#items tr", has_text="DOG-0042")).to_contain_text("Included")
    worker.get_by_text("Record the search of Custody system").click()
    card = worker.locator(".fc-service-card", has_text="Custody system")
    card.get_by_label("Something found").check()
    card.get_by_label("What was found").fill("Custody record from 2019")
    card.get_by_label("Upload material from the system").set_input_files(str(custody))
    card.get_by_role("button", name="Record search").click()
    expect(worker.locator("#items")).to_contain_text("custody.pdf")
    worker.get_by_role("button", name="Finish searching: start the review").click()
    worker.locator("#items tr", has_text="custody.pdf").get_by_role("link", name="Review").click()
    worker.get_by_label("Disclose with redactions").check()
    worker.get_by_label("Exemption or restriction (to withhold or redact)").select_option(label=THIRD_PARTY)
    worker.get_by_label("Note: why the exemption applies").fill("The witness is a third party")
    worker.get_by_label("Words to redact").fill("Jordan Smith\n4 Elm Road")
    worker.get_by_role("button", name="Save decision").click()
    expect(worker.locator("#redacted-copy")).to_be_visible()
    worker.get_by_role("link", name="Back to the request").click()
    worker.locator("#items tr", has_text="DOG-0042").get_by_role("link", name="Review").click()
    worker.get_by_label("Disclose with redactions").check()
    worker.get_by_label("Exemption or restriction (to withhold or redact)").select_option(label=THIRD_PARTY)
    worker.get_by_label("Note: why the exemption applies").fill("The neighbour is a third party")
    worker.get_by_label("Words to redact").fill("Jordan Smith")
    worker.get_by_role("button", name="Save decision").click()
    expect(worker.locator(".govuk-notification-banner")).to_contain_text("Decision recorded")
    worker.get_by_role("link", name="Back to the request").click()
    worker.get_by_role("button", name="Send for approval").click()
    expect(worker.locator("#approval")).to_contain_text("Sent for approval by case@alpha.police.uk")
    expect(worker.get_by_role("button", name="Approve and send the response")).to_have_count(0)

    # A supervisor, a second person, approves.
    boss = _phone(page, live_url)
    _staff_sign_in(boss, "boss@alpha.police.uk")
    boss.goto(f"/alpha/staff/subject_access/r/{reference}")
    boss.get_by_role("button", name="Approve and send the response").click()
    expect(boss.locator("#download")).to_be_visible()

    # The requester downloads with a one-time code from their email.
    link = re.search(r"http://[^\s]+(/alpha/subject_access/download/[^\s]+)",
                     _email(app, "Your response is ready").text_body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Email me a code").click()
    expect(page.locator("#code-sent")).to_be_visible()
    code = re.search(r"is (\d{6})\.", _email(app, "one-time code").text_body).group(1)
    page.get_by_label("Enter the code").fill(code)
    page.locator("#verify").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the response (PDF)").click()
    pdf = download.value.path().read_bytes()
    text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(BytesIO(pdf)).pages).split())
    assert "Information Commissioner" in text and "DOG-0042" in text
    assert "Jordan" not in text and "Elm Road" not in text
    boss.reload()
    expect(boss.locator("#downloads")).to_have_text("Downloaded 1 time")
    expect(boss.locator("#status")).to_contain_text("Closed")
