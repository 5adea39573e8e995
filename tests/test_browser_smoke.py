"""A first journey in real Chromium: find a force, open its service, apply, and follow the tracking link."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_find_force_apply_and_track_on_a_phone(page, forces):
    page.goto("/")
    page.get_by_label("Search by force name or postcode").fill("AL1 1AA")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Alpha Police").click()
    page.get_by_role("link", name="Parking permits").click()
    page.get_by_label("Continue without an account").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Your name").fill("Robin Driver")
    page.get_by_label("Email address").fill("robin@example.com")
    page.get_by_role("button", name="Apply").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Your case ALP-SM-")
    assert "Waiting for payment" in page.locator("#current-state").inner_text()
