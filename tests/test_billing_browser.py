"""Billing pages in real Chromium, on a 390px phone and on a desktop, every page checked with axe-core.

Set BILLING_SHOTS=<folder> to keep a screenshot of each page."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

import pyotp
import pytest
from frontcounter.billing import statements
from frontcounter.billing.ledger import record_transaction
from frontcounter.extensions import db
from frontcounter.tenancy import Tenant, tenant_context
from playwright.sync_api import expect

from tests.conftest import PASSWORD, add_staff
from tests.support.browser import staff_sign_in_page

pytestmark = pytest.mark.browser
ROOT = "root@platform.example.com"
DESKTOP = {"width": 1280, "height": 900}


def _shot(page, name: str) -> None:
    folder = os.environ.get("BILLING_SHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def _march(app, forces) -> None:
    from frontcounter.accounts.models import AccountKind
    from frontcounter.accounts.service import create_account

    with app.app_context():
        create_account(ROOT, PASSWORD, "Root", AccountKind.PLATFORM_ADMIN, verified=True)
        with tenant_context(forces[0]):
            for n in range(12):
                record_transaction("paid_application", "sample", f"t:{n}", when=datetime(2026, 3, 2 + n, tzinfo=UTC))
        db.session.commit()


def _platform_sign_in(page) -> None:
    page.goto("/platform/sign-in")
    page.locator("input[name=email]").fill(ROOT)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#totp-secret").inner_text().strip()
    page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
    page.locator("form button, form input[type=submit]").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Police forces on the platform")


def test_the_platform_admin_prices_onboards_and_issues_on_a_phone_and_a_desktop(app, page, forces):
    _march(app, forces)
    _platform_sign_in(page)
    page.get_by_role("link", name="Billing: prices, forces joining and statements").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Billing")
    _shot(page, "platform-billing-390")
    page.get_by_role("link", name="Change the price of Parking permits").click()
    page.get_by_role("button", name="Save the new price").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the price per transaction")
    _shot(page, "price-errors-390")
    page.get_by_label("New price per transaction, before VAT").fill("1.25")
    today = date.today()
    page.get_by_label("Day").fill(str(today.day + 1 if today.day < 28 else 1))
    page.get_by_label("Month").fill(str(today.month if today.day < 28 else today.month % 12 + 1))
    page.get_by_label("Year").fill(str(today.year + (1 if today.day >= 28 and today.month == 12 else 0)))
    page.get_by_role("button", name="Save the new price").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("New price for Parking permits saved.")
    page.get_by_role("link", name="Change dates for Alpha Police").click()
    page.locator("#acceptance_signed_off_on-day").fill("10")
    page.locator("#acceptance_signed_off_on-month").fill("3")
    page.locator("#acceptance_signed_off_on-year").fill("2026")
    page.locator("#live_on-day").fill("1")
    page.locator("#live_on-month").fill("2")
    page.locator("#live_on-year").fill("2026")
    page.get_by_role("button", name="Save dates").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("on or after the step before it")
    page.locator("#live_on-month").fill("4")
    page.get_by_role("button", name="Save dates").click()
    expect(page.locator("#onboarding-table")).to_contain_text("Live on 1 April 2026")
    page.goto("/platform/billing/?month=2026-03")
    page.get_by_role("button", name="Issue statements for March 2026").click()
    expect(page.locator("#national-total")).to_have_text("£14.26")  # 12 x 99p = 11.88 + 2.38 VAT
    _shot(page, "platform-statements-390")
    page.get_by_role("link", name="Alpha Police").last.click()
    expect(page.locator("#statement-total")).to_have_text("£14.26")
    _shot(page, "platform-statement-390")
    page.set_viewport_size(DESKTOP)
    page.goto("/platform/billing/?month=2026-03")
    expect(page.locator("#national-table")).to_contain_text("Bravo Police")
    _shot(page, "platform-billing-desktop")
    page.goto("/platform/billing/forces/alpha/statements/2026-03")
    expect(page.get_by_role("link", name="Download the statement as a PDF")).to_be_visible()
    _shot(page, "platform-statement-desktop")


def test_a_force_admin_reads_their_statements_on_a_phone_and_a_desktop(app, page, forces):
    _march(app, forces)
    with app.app_context():
        statements.issue(db.session.get(Tenant, forces[0].id), date(2026, 3, 1), actor="test")
        db.session.commit()
    add_staff(app, forces[0], "admin@alpha.example.com", ["force_admin"])
    staff_sign_in_page(page, "alpha", "admin@alpha.example.com", PASSWORD)
    page.goto("/alpha/staff/")
    page.get_by_role("link", name="Statements from the platform").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statements")
    _shot(page, "force-statements-390")
    page.get_by_role("link", name="March 2026").click()
    expect(page.locator("#statement-total")).to_have_text("£14.26")
    expect(page.locator("#statement-lines")).to_contain_text("Parking permits: transactions")
    _shot(page, "force-statement-390")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the statement as a spreadsheet (CSV)").click()
    assert download.value.suggested_filename == "statement-ALP-202603.csv"
    page.set_viewport_size(DESKTOP)
    page.goto("/alpha/staff/admin/statements/2026-03")
    expect(page.locator("#statement-total")).to_have_text("£14.26")
    _shot(page, "force-statement-desktop")
