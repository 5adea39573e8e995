"""A force admin's webhook walk in real Chromium on a 390px phone (axe on every page): add a webhook with a
mistake first, copy the secret, see a signed delivery in the log, open it and send it again."""

from __future__ import annotations

import re

import pytest
from frontcounter.cases import engine
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.testing import PASSWORD, add_staff, run_jobs
from frontcounter.testing.browser import staff_sign_in_page
from playwright.sync_api import expect

from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.browser
ADMIN = "admin@alpha.police.example"


@pytest.fixture
def receiver():
    server = WebhookReceiver().up()
    yield server
    server.down()


def test_add_a_webhook_see_its_deliveries_and_replay_one_on_a_phone(app, forces, page, receiver):
    add_staff(app, forces[0], ADMIN, ["force_admin"])
    staff_sign_in_page(page, "alpha", ADMIN, PASSWORD)
    page.goto("/alpha/staff/")
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")
    page.get_by_role("button", name="Add a webhook").click()
    page.get_by_label("Address (URL)").fill("http://records.example.police.uk/hooks")
    page.get_by_label(re.compile(r"Application received")).check()
    page.get_by_role("button", name="Add webhook").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The address must start with https://")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Address (URL)")).to_be_focused()
    page.get_by_label("Address (URL)").fill(receiver.url)
    page.get_by_label("Description (optional)").fill("Records system")
    page.get_by_role("button", name="Add webhook").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhook added")
    receiver.secret = page.locator("#webhook-secret").inner_text().strip()
    assert receiver.secret.startswith("whsec_")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"

    with app.app_context(), tenant_context(forces[0]):
        engine.open_case("sample", applicant_email="robin@example.com", applicant_name="Robin", actor="test",
                         language="en")
        db.session.commit()
    run_jobs(app)
    assert [r.signed for r in receiver.received] == [True]

    page.goto("/alpha/staff/admin/webhooks")
    page.get_by_role("link", name="Records system").click()
    log = page.locator("#delivery-log")
    expect(log).to_contain_text("Delivered")
    log.get_by_role("link").first.click()
    expect(page.locator("#attempts")).to_contain_text("200")
    page.get_by_role("button", name="Send it again").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Event sent again.")
    run_jobs(app)
    assert len(receiver.received) == 2 and receiver.received[0].event["id"] == receiver.received[1].event["id"]
