"""In a real browser on a phone: a guest answers "more information needed" from the emailed tracking link, is told
about a file that is not what it claims, then sends a note and a scan; the case goes back to the licensing team."""

from __future__ import annotations

import re
from io import BytesIO

from frontcounter.cases.tracking import tracking_token
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from PIL import Image
from playwright.sync_api import expect

from .support import fire, open_application, pay


def test_a_guest_answers_more_information_needed_in_the_browser(app, firearms_forces, page, tmp_path):
    with app.app_context(), tenant_context(firearms_forces[0]):
        case = open_application(email="guest@example.com")
        pay(case)
        fire(case, "pay")
        fire(case, "return_incomplete", roles=("caseworker",), note="Send a signed copy of page 4.")
        db.session.commit()
        link = f"/alpha/track/{case.reference}?token={tracking_token(case)}"
    fake = tmp_path / "page4.png"
    fake.write_bytes(b"this is not a picture")
    scan = tmp_path / "scan.png"
    out = BytesIO()
    Image.new("RGB", (60, 40), (20, 90, 160)).save(out, "PNG")
    scan.write_bytes(out.getvalue())

    page.goto(link)
    expect(page.locator("#current-state")).to_contain_text("More information needed")
    expect(page.locator("#timeline")).to_contain_text("Send a signed copy of page 4.")
    page.get_by_role("link", name="Send the application again").click()
    expect(page.get_by_role("heading", name="Send the application again")).to_be_visible()
    page.get_by_label("Your message (optional)").fill("Signed page 4 attached.")
    page.get_by_label("Upload a file (optional)").set_input_files(str(fake))
    page.get_by_role("button", name=re.compile("Confirm")).click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(page.get_by_label("Your message (optional)")).to_have_value("Signed page 4 attached.")
    page.get_by_label("Upload a file (optional)").set_input_files(str(scan))
    page.get_by_role("button", name=re.compile("Confirm")).click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("We have your reply")
    expect(page.locator("#current-state")).to_contain_text("Received")
    expect(page.locator("#case-documents")).to_contain_text("scan.png")
