"""The whole course journey in headless Chromium: a driver books and pays, moves the course, and on the day
the trainer marks the register, which completes the course."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from frontcounter.bookings import Slot
from frontcounter.bookings.times import now_utc
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.testing import PASSWORD, add_staff, link_in, mailbox
from playwright.sync_api import expect

from .offer_files import LICENCE
from .test_public_journey import PIN, add_offer, add_session, add_venue

pytestmark = pytest.mark.browser
DRIVER = "sa-1001@example.com"
TRAINER = "trainer@alpha.police.uk"


def _the_course_day_arrives(app, force, slot_id: int) -> None:
    """Time passes: the session the driver is booked on is held today and has just ended."""
    with app.app_context(), tenant_context(force):
        slot = db.session.get(Slot, slot_id)
        slot.starts_at, slot.ends_at = now_utc() - timedelta(hours=3), now_utc() - timedelta(minutes=15)
        db.session.commit()


def _staff_sign_in(page, email: str) -> None:
    """Sign in on the real pages: password, then enrol the authenticator with the key the page shows."""
    page.goto("/alpha/staff/sign-in")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("I cannot scan the QR code").click()
    expect(page.locator("#totp-secret")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
    page.locator("form button, form input[type=submit]").last.click()
    page.wait_for_url("**/alpha/staff/**")


def test_a_driver_books_pays_and_moves_their_course_and_the_trainer_marks_it_complete(app, forces, page):
    alpha = forces[0]
    add_offer(app, alpha)
    venue = add_venue(app, alpha, "St Albans Hall", "AL1 3AB")
    first = add_session(app, alpha, venue, 10)
    second = add_session(app, alpha, venue, 20, hour=14)
    add_staff(app, alpha, TRAINER, ["field_officer"])

    # The driver opens the force's page and, in one tap, the page that asks for the details in the letter.
    page.goto("/alpha/")
    page.get_by_role("link", name="Speed awareness and driver courses").click()
    expect(page.get_by_label("Offer reference")).to_be_visible()
    page.get_by_label("Offer reference").fill("SA-1001")
    page.get_by_label("PIN").fill(PIN)
    page.get_by_label("Driving licence number").fill(LICENCE.lower())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your course offer")
    expect(page.locator("#fee")).to_contain_text("£80.00")

    # ... chooses the first session and pays in the sandbox.
    page.locator(f'[data-slot-id="{first}"]').check()
    page.get_by_role("button", name="Continue to payment").click()
    page.get_by_label("Pay successfully").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Course booked")
    expect(page.locator("#booking-where")).to_contain_text("St Albans Hall")

    # ... then moves it to the later session.
    page.get_by_role("link", name="View, change or cancel your booking").click()
    page.get_by_role("link", name="Change the date of your course").click()
    page.locator(f'[data-slot-id="{second}"]').check()
    page.get_by_role("button", name="Change to this session").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your course is booked for the new date")
    expect(page.locator("#booking-when")).to_contain_text("14:00")

    # On the day, the trainer marks the driver as having attended.
    _the_course_day_arrives(app, alpha, second)
    page.context.clear_cookies()
    _staff_sign_in(page, TRAINER)
    page.goto(f"/alpha/staff/speed_awareness/sessions/{second}/register")
    page.get_by_role("button", name="Ann Driver attended and completed the course").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Ann Driver attended and completed the course")

    # The driver's tracking page now says the course is completed.
    page.context.clear_cookies()
    [confirmation] = [m for m in mailbox(app, DRIVER) if "booking is confirmed" in m.subject]
    page.goto(link_in(confirmation, "/alpha/track/"))
    expect(page.locator("#current-state")).to_contain_text("Course completed")
