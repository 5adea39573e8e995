"""The journey on a 390px phone in headless Chromium: a finder reports a ring and books a hand-in time; staff
receive it; the owner reports it lost and is matched; staff confirm; the owner claims with a photo, is accepted,
books a collection time and collects it with photo ID."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from frontcounter.calendar import uk_today
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.testing import add_staff, link_in, mailbox, run_jobs, staff_sign_in, submit
from frontcounter_lost_property.models import Claim, Match
from playwright.sync_api import expect

from .conftest import STATION, add_slot
from .test_journeys import png

pytestmark = pytest.mark.browser
TODAY = uk_today()


def fill_date(page, legend: str, day) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_found_handed_in_matched_claimed_and_collected_on_a_phone(app, forces, page, tmp_path):
    alpha = forces[0]
    hand_in = add_slot(app, alpha, "hand_in")
    collection = add_slot(app, alpha, "collection", days_ahead=5, hour=16)

    # The finder reports what they found.
    page.goto("/alpha/start/lost_property")
    page.get_by_label("Continue without an account").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Report something you found").click()
    page.get_by_label("Jewellery or a watch").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About the item you found")
    page.get_by_label("Describe the item").fill("Gold ring engraved J and M")
    fill_date(page, "When did you find it?", TODAY - timedelta(days=1))
    page.get_by_label("Where did you find it?").fill("Bench on the High Street")
    page.get_by_label("Postcode where you found it (optional)").fill("BH1 1AA")
    photo = tmp_path / "ring.png"
    photo.write_bytes(png())
    page.get_by_label("Photos of the item (optional)").set_input_files(str(photo))
    page.get_by_role("group", name="If nobody claims it, would you like it?").get_by_label("Yes").check()
    page.get_by_label("Full name").fill("Fay Finder")
    page.get_by_label("Email address").fill("fay@example.com")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a police station and a time to hand it in")
    page.locator(f'[data-slot-id="{hand_in}"]').check()
    page.get_by_role("button", name="Book this time").click()
    expect(page.locator("#booked")).to_contain_text("Hand-in booked")
    expect(page.locator("main")).to_contain_text(STATION)
    reference = re.search(r"ALP-LP-\d{2}-\d{6}", page.locator("#booked").inner_text()).group(0)
    page.screenshot(path=str(tmp_path / "1-hand-in-booked.png"), full_page=True)

    # Staff receive it at the station (the desk, through the real pages).
    staff = app.test_client()
    add_staff(app, alpha, "desk@alpha.police.uk", ["caseworker"])
    staff_sign_in(staff, app, "alpha", "desk@alpha.police.uk")
    item_url = f"/alpha/staff/lost_property/items/{reference}"
    assert submit(staff, f"{item_url}/receive", {"storage_location": "Shelf B2", "condition": "Good",
                                                 "station": STATION}, page=item_url).status_code == 302

    # The owner reports the ring lost, on their phone.
    page.context.clear_cookies()
    page.goto("/alpha/start/lost_property")
    page.get_by_label("Continue without an account").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Report something you lost").click()
    page.get_by_label("Jewellery or a watch").check()
    page.get_by_label("Describe the item").fill("gold ring with J and M engraved inside")
    fill_date(page, "The first day you could have lost it", TODAY - timedelta(days=3))
    fill_date(page, "The last day you could have lost it", TODAY - timedelta(days=1))
    page.get_by_label("Where do you think you lost it?").fill("High Street")
    page.get_by_label("Postcode where you lost it (optional)").fill("BH1")
    page.get_by_label("Full name").fill("Olly Owner")
    page.get_by_label("Email address").fill("olly@example.com")
    page.get_by_role("button", name="Send report").click()
    expect(page.locator("#reported")).to_contain_text("Report sent")

    # It is matched (after the report's commit, by a job); staff confirm with a question.
    run_jobs(app)
    with app.app_context(), tenant_context(alpha):
        match_id = db.session.scalar(db.select(Match.id))
    assert submit(staff, f"/alpha/staff/lost_property/matches/{match_id}/confirm",
                  {"questions": "What is engraved inside the ring?"}, page=item_url).status_code == 302

    # The owner follows the emailed link, claims with a photo as proof.
    page.goto(link_in(mailbox(app, "olly@example.com")[-1], "/alpha/lost_property/lost/"))
    expect(page.locator("#status")).to_have_text("An item that may be yours has been handed in")
    page.get_by_role("button", name="Claim the item").click()
    page.get_by_label("What is engraved inside the ring?").fill("J and M")
    page.get_by_label("Proof that it is yours").set_input_files(str(photo))
    page.get_by_role("button", name="Send claim").click()
    expect(page.locator("#status")).to_have_text("We are looking at your claim")

    # Staff accept; the owner books a collection time.
    with app.app_context(), tenant_context(alpha):
        claim_id = db.session.scalar(db.select(Claim.id))
    assert submit(staff, f"/alpha/staff/lost_property/claims/{claim_id}/decide", {"decision": "approve"},
                  page=item_url).status_code == 302
    page.reload()
    expect(page.locator("#status")).to_have_text("Your claim has been accepted")
    page.get_by_role("button", name="Choose a time to collect it").click()
    page.locator(f'[data-slot-id="{collection}"]').check()
    page.get_by_role("button", name="Book this time").click()
    expect(page.locator("main")).to_contain_text("Your collection time")
    expect(page.locator("main")).to_contain_text("Bring photo ID")
    page.screenshot(path=str(tmp_path / "2-collection-booked.png"), full_page=True)

    # At the counter: ID checked, handed over; the owner's page says so.
    assert submit(staff, f"/alpha/staff/lost_property/claims/{claim_id}/hand-over",
                  {"id_checked": "Driving licence ending 77"}, page=item_url).status_code == 302
    page.reload()
    expect(page.locator("#status")).to_have_text("Item returned to you")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
