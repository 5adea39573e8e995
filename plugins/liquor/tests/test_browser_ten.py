"""A temporary event notice in real Chromium on a 390px phone: the premises user gives a late notice and sees
that it is late before sending it; a licensing officer objects within the window; the licensing authority's
email holds the objection notice."""

from __future__ import annotations

import pytest
from frontcounter.calendar import uk_today
from frontcounter.testing import PASSWORD, add_staff, mailbox
from frontcounter.testing.browser import staff_sign_in_page
from playwright.sync_api import expect

from plugins.liquor.tests.support import CAL

pytestmark = pytest.mark.browser
OFFICER = "officer@alpha.police.example"


def fill_date(page, legend: str, day) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_give_a_late_notice_and_the_police_object_within_the_window(app, forces, page):
    first = CAL.add_working_days(uk_today(), 7)
    add_staff(app, forces[0], OFFICER, ["caseworker"])

    page.goto("/alpha/liquor/")
    page.locator("#start").click()
    page.get_by_label("Continue without an account").check()
    page.get_by_role("button", name="Continue", exact=True).click()
    page.locator("#start").click()

    # Sending nothing shows every problem at the top.
    page.locator("#continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your full name")

    page.get_by_label("Full name").fill("Sam Organiser")
    fill_date(page, "Date of birth", first.replace(year=1980))
    page.get_by_label("Email address").fill("sam@example.com")
    page.get_by_label("Your address").fill("1 Quay Road, Poole")
    page.locator("#personal_licence-2").check()
    page.get_by_label("Address of the premises").fill("St Mary's Hall, High Street")
    page.get_by_label("Postcode").fill("bh15 1aa")
    fill_date(page, "Date the event starts", first)
    page.get_by_label("Time it starts").fill("18:00")
    fill_date(page, "Date the event ends", first)
    page.get_by_label("Time it ends").fill("23:00")
    page.get_by_label("Largest number of people at any one time, including staff").fill("600")
    page.locator("#alcohol").check()
    page.locator("#alcohol_where").check()
    page.locator("#continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("at most 499 people")

    page.get_by_label("Largest number of people at any one time, including staff").fill("120")
    page.locator("#continue").click()
    expect(page.locator("#notice-kind")).to_contain_text("Late notice")
    expect(page.locator("#authority")).to_have_text("Harbour Council")
    page.locator("#give-notice").click()
    expect(page.get_by_role("heading", name="Notice given")).to_be_visible()
    reference = page.locator("#reference").inner_text()

    staff_sign_in_page(page, "alpha", OFFICER, PASSWORD)
    page.goto("/alpha/staff/liquor/")
    page.get_by_role("link", name=reference).click()
    expect(page.locator("#objection-due")).to_have_text(CAL.add_working_days(uk_today(), 3).strftime("%d/%m/%Y"))
    page.get_by_label("Object", exact=True).check()
    page.get_by_label("The prevention of public nuisance").check()
    page.get_by_label("Reasons, or the modifications agreed").fill("Amplified music until 23:00 next to homes.")
    page.locator("#record-decision").click()
    expect(page.locator("#case-state")).to_have_text("Counter notice: the event cannot go ahead")
    expect(page.get_by_role("link", name=f"objection-notice-{reference}.pdf")).to_be_visible()

    [notice] = [m for m in mailbox(app, "licensing@harbour.example") if m.subject.startswith("Police objection")]
    assert reference in notice.subject
    assert "The prevention of public nuisance" in notice.text_body
    assert "Amplified music until 23:00 next to homes." in notice.text_body
    assert f"objection-notice-{reference}.pdf" in notice.text_body
