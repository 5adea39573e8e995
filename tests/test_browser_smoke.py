"""A first journey in real Chromium: find a force, open its service, apply, and follow the tracking link.
Every page reached is checked with axe-core (WCAG 2.2 AA) by the page fixture."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import make_force
from tests.support.browser import assert_accessible

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
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Your case ALP-SM-"))
    expect(page.locator("#current-state")).to_contain_text("Waiting for payment")


def test_the_language_switch_is_one_tap_on_a_phone(app, page):
    with app.app_context():
        make_force("gwent", "GWE", {"sample": True}, name="Gwent Police", languages=["en", "cy"])
    page.goto("/gwent/")
    switch = page.get_by_role("link", name="Cymraeg")
    expect(switch).to_be_visible()  # not folded into the menu on a 390px screen
    switch.click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("link", name="English")).to_be_visible()


def test_the_force_name_is_one_tab_stop(page, forces):
    page.goto("/alpha/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Alpha Police")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).not_to_have_text("Alpha Police")


def test_assert_accessible_finds_a_violation(page, forces):
    page.goto("/alpha/")
    page._fc_evaluate("() => { const i = document.createElement('input'); document.body.appendChild(i); }")
    with pytest.raises(AssertionError, match="label"):
        assert_accessible(page)
    page._fc_evaluate("() => document.querySelector('body > input:last-of-type').remove()")
