"""The figures pages in real Chromium, on a 390px phone and a desktop screen, checked with axe (every page the
browser loads): charts with their tables, the filters and their error summary, the national page."""

from __future__ import annotations

import re

import pyotp
import pytest
from frontcounter.accounts.models import AccountKind
from frontcounter.accounts.service import create_account
from frontcounter.extensions import db
from frontcounter.testing import PASSWORD, add_staff
from frontcounter.testing.browser import staff_sign_in_page
from playwright.sync_api import expect

from tests.test_figures import fixed  # noqa: F401 - the fixture of fixed cases

pytestmark = pytest.mark.browser
SHOTS = "/tmp/figures-browser"


def _shot(page, name: str) -> None:
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _check_figures_page(page, name: str, march: str) -> None:
    expect(page.locator("#key-applications")).to_contain_text("Applications")
    for chart in ("applications", "income", "compliance", "backlog", "states"):
        svg = page.locator(f"svg#chart-{chart}")
        expect(svg).to_be_visible()
        box = svg.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"], chart  # it fits the screen
    _shot(page, name)
    page.get_by_text("Show these figures as a table").first.click()
    table = page.locator("#table-applications")
    expect(table).to_be_visible()
    expect(table.get_by_role("row", name=f"March 2026 {march} 0 0 {march}", exact=True)).to_be_visible()


def test_a_supervisor_reads_the_figures_on_a_phone_and_a_desktop(app, page, fixed):  # noqa: F811
    add_staff(app, fixed[0], "boss@alpha.example.com", ["supervisor"])
    staff_sign_in_page(page, "alpha", "boss@alpha.example.com", PASSWORD)
    page.goto("/alpha/staff/")
    page.get_by_role("link", name="Figures and charts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Management information")
    expect(page.locator("#key-applications")).to_contain_text("4")
    _check_figures_page(page, "force-phone", "1")

    page.get_by_label("Month").first.fill("13")
    page.get_by_label("Year").first.fill("2026")
    page.get_by_role("button", name="Show figures").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The start of the period must be a real month, like 4 2026")
    _shot(page, "force-phone-error")
    summary.get_by_role("link").click()
    expect(page.locator("#from-month")).to_be_focused()

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Month").first.fill("3")
    page.get_by_label("Month").nth(1).fill("3")
    page.get_by_label("Year").nth(1).fill("2026")
    page.get_by_label("Service", exact=True).select_option(label="Parking permits")
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator("#figures-period")).to_contain_text("Figures for March 2026 to March 2026")
    expect(page.locator("#key-applications")).to_contain_text("1")
    _check_figures_page(page, "force-desktop", "1")


def test_a_platform_admin_reads_the_national_figures(app, page, fixed):  # noqa: F811
    with app.app_context():
        create_account("root@platform.example.com", PASSWORD, "Root", AccountKind.PLATFORM_ADMIN, verified=True)
        db.session.commit()
    page.goto("/platform/sign-in")
    page.locator("input[name=email]").fill("root@platform.example.com")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#totp-secret").inner_text().strip()
    page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
    page.locator("form button, form input[type=submit]").last.click()
    page.wait_for_url("**/platform/")
    page.get_by_role("link", name="National management information").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("National management information")
    expect(page.locator("#key-applications")).to_contain_text("5")
    expect(page.locator("#table-forces").get_by_role("row", name=re.compile("Bravo Police"))).to_contain_text("£99.00")
    _check_figures_page(page, "national-phone", "2")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    _check_figures_page(page, "national-desktop", "2")
    page.locator("#table-forces").get_by_role("link", name="Alpha Police").click()
    expect(page.locator("#key-applications")).to_contain_text("4")
