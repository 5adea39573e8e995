"""The firearms journeys issue 8 fixed, walked in real Chromium: a referee declines (with a confirmation step)
and the applicant names a replacement on a phone; the applicant moves a booked visit; at a desk a caseworker
sees every answer, an officer on a phone picks a day, and a supervisor grants after confirming.

Set FIREARMS_SHOTS=<folder> to keep a screenshot of each page."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

import pytest
from frontcounter.accounts.models import Account, StaffMember
from frontcounter.bookings import SlotSpec, create_slots
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.testing import link_in, mailbox
from playwright.sync_api import expect

from plugins.firearms.tests.support import add_document, fire
from plugins.firearms.tests.test_public_journey import FORCE, apply_for_a_grant, staff_fire
from plugins.firearms.tests.test_referee_replacement import signed_in

pytestmark = pytest.mark.browser


@pytest.fixture
def client(app):
    """A browser without an account (its own cookies), for the parts walked in the test client."""
    return app.test_client()


def shot(page, name: str) -> None:
    folder = os.environ.get("FIREARMS_SHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def as_staff(page, live_url, desk) -> None:
    """Give the browser the signed-in session of a test client (signed in through the real pages)."""
    page.context.add_cookies([{"name": c.key, "value": c.value, "url": live_url} for c in desk._cookies.values()])


def test_a_referee_declines_and_the_applicant_names_another_on_a_phone(app, client, page, live_url, firearms_forces):
    alpha = firearms_forces[0]
    case = apply_for_a_grant(app, client, alpha)
    staff_fire(app, alpha, case.reference, "accept")

    page.goto(link_in(mailbox(app, "sam@example.com")[0], f"/{FORCE}/firearms/referee/"))
    page.get_by_role("button", name="I cannot act as a referee").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you sure you cannot act as a referee?")
    shot(page, "referee-decline-confirm")
    page.get_by_role("button", name="Yes, I cannot act as a referee").click()
    expect(page.locator("#referee-declined")).to_be_visible()

    told = [m for m in mailbox(app, "alex@example.com") if "cannot act" in m.subject][-1]
    page.goto(link_in(told, f"/{FORCE}/firearms/cases/"))
    expect(page.locator("#referee-declined")).to_be_visible()
    expect(page.locator("#next-steps")).not_to_contain_text("7 days")
    shot(page, "tracking-referee-declined")
    page.get_by_role("button", name="Name a new referee").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Name a new referee")
    page.get_by_label("Full name").fill("Kim Kerr")
    page.get_by_label("Email address").fill("kim@example.com")
    page.get_by_label("Phone number").fill("01632 960 003")
    page.get_by_label("Address line 1").fill("4 Mill Lane")
    page.get_by_label("Town or city").fill("Alphaton")
    page.get_by_label("Postcode").fill("AL1 3CD")
    page.get_by_label("England").check()
    page.get_by_label("Neighbour").check()
    page.get_by_label("How many years have they known you?").fill("8")
    page.locator("input[name='firearms_dealer'][value='no']").check()
    page.locator("input[name='police'][value='no']").check()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "referee-new")
    page.get_by_role("button", name="Send the request to the new referee").click()
    expect(page.get_by_text("We have emailed Kim Kerr a link to confirm the details.")).to_be_visible()
    expect(page.locator("#referee-declined")).to_have_count(0)
    assert len(mailbox(app, "kim@example.com")) == 1


def test_the_applicant_moves_a_booked_visit_on_a_phone(app, client, page, live_url, firearms_forces):
    from frontcounter_firearms.public_visits import ask_to_choose_visit

    alpha = firearms_forces[0]
    case = apply_for_a_grant(app, client, alpha)
    with app.app_context(), tenant_context(alpha):
        found = db.session.scalars(db.select(Case).filter_by(id=case.id)).one()
        found.state = "visit_to_arrange"
        base = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        create_slots(
            "firearms",
            [SlotSpec("visit", base + timedelta(days=d), base + timedelta(days=d, hours=2), 1) for d in (3, 5)],
        )
        ask_to_choose_visit(found)
        db.session.commit()
    page.goto(link_in(mailbox(app, "alex@example.com")[-1], f"/{FORCE}/firearms/cases/"))
    page.locator("input[name='slot_id']").first.check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Confirm home visit").click()
    expect(page.locator("#booking-state")).to_have_text("Confirmed")
    page.get_by_role("button", name="Change the time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the time of your home visit")
    shot(page, "visit-change")
    page.locator("input[name='slot_id']").first.check()
    page.get_by_role("button", name="Change to this time").click()
    expect(page.get_by_text("Your home visit has been moved.")).to_be_visible()
    shot(page, "visit-moved")


def test_staff_at_a_desk_and_an_officer_on_a_phone(app, client, page, live_url, firearms_forces):
    alpha = firearms_forces[0]
    case = apply_for_a_grant(app, client, alpha)
    supervisor = signed_in(app, alpha, "boss@alpha.example", ("supervisor", "caseworker"))
    officer = signed_in(app, alpha, "fo@alpha.example", ("field_officer",))
    visit_day = date.today() + timedelta(days=2)
    with app.test_request_context(), tenant_context(alpha):
        from frontcounter_firearms import visits
        from frontcounter_firearms.checks import DemoIntelligenceCheck, run_checks
        from frontcounter_firearms.guards import GP_INFORMATION
        from frontcounter_firearms.models import Referee

        found = db.session.scalars(db.select(Case).filter_by(id=case.id)).one()
        fire(found, "accept", roles=("caseworker",))
        for referee in db.session.scalars(db.select(Referee).filter_by(case_id=found.id)):
            referee.confirmed_at, referee.photo_likeness, referee.declaration = datetime.now(UTC), True, True
            referee.referee_years_known = 1 if referee.name == "Robin Reed" else 5
        add_document(found, GP_INFORMATION)
        fire(found, "start_checks")
        run_checks(found, found.data["personal"], [DemoIntelligenceCheck()])
        fire(found, "checks_done", roles=("caseworker",))
        officer_id = db.session.scalar(
            db.select(StaffMember.id).join(Account).where(Account.email == "fo@alpha.example")
        )
        starts = datetime.combine(visit_day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)
        visits.arrange_visit(found, starts, officer_id, actor="test", as_system=True)
        db.session.commit()

    page.set_viewport_size({"width": 1280, "height": 900})
    as_staff(page, live_url, supervisor)
    page.goto(f"/{FORCE}/staff/firearms/cases/{case.reference}")
    expect(page.locator("#case-state")).to_have_text("Home visit booked")
    expect(page.locator('[data-answer="personal.height_cm"]')).to_have_text("180")
    expect(page.locator('[data-referee="robin@example.com"] [data-years-conflict]')).to_be_visible()
    shot(page, "staff-case")

    officer_page = page.context.browser.new_context(
        base_url=live_url, viewport={"width": 390, "height": 844}
    ).new_page()
    as_staff(officer_page, live_url, officer)
    officer_page.goto(f"/{FORCE}/staff/firearms/visits")
    fill = officer_page.get_by_role("group", name="Show the visits on another day")
    fill.get_by_label("Day").fill(str(visit_day.day))
    fill.get_by_label("Month").fill(str(visit_day.month))
    fill.get_by_label("Year").fill(str(visit_day.year))
    officer_page.get_by_role("button", name="Show visits").click()
    expect(officer_page.locator("#my-visits")).to_contain_text(case.reference)
    assert officer_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(officer_page, "officer-visits-day")
    officer_page.get_by_role("button", name="Start the visit").click()
    expect(officer_page.locator("a[href^='tel:']").first).to_have_text("01632 960 001")
    officer_page.get_by_label("Satisfactory: send for a decision with no concerns").check()
    officer_page.get_by_role("button", name="Record the outcome").click()
    expect(
        officer_page.get_by_text("You can record the outcome on the day of the visit, not before.").first
    ).to_be_visible()
    shot(officer_page, "officer-visit-too-early")

    with app.app_context(), tenant_context(alpha):  # the visit day comes; the officer records it
        found = db.session.scalars(db.select(Case).filter_by(id=case.id)).one()
        fire(found, "record_visit", note="Cabinet bolted; all cross-checked.")
        db.session.commit()
    page.goto(f"/{FORCE}/staff/firearms/cases/{case.reference}")
    page.locator("[data-transition='grant']").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you sure you want to grant?")
    shot(page, "supervisor-grant-confirm")
    page.get_by_role("button", name="Yes, grant").click()
    expect(page.locator("#case-state")).to_have_text("Granted")


def test_no_visit_times_tells_applicant_when_and_flags_team(app, client, page, live_url, firearms_forces):
    from frontcounter_firearms.public_visits import ask_to_choose_visit

    alpha = firearms_forces[0]
    case = apply_for_a_grant(app, client, alpha)
    desk = signed_in(app, alpha, "cw@alpha.example", ("caseworker",))
    with app.app_context(), tenant_context(alpha):
        found = db.session.scalars(db.select(Case).filter_by(id=case.id)).one()
        found.state = "visit_to_arrange"
        ask_to_choose_visit(found)
        db.session.commit()
    page.goto(link_in(mailbox(app, "alex@example.com")[-1], f"/{FORCE}/firearms/cases/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("We will email you a link to choose a time")
    expect(page.locator("#no-visit-times")).to_contain_text("by")
    shot(page, "visit-no-times")

    page.set_viewport_size({"width": 1280, "height": 900})
    as_staff(page, live_url, desk)
    page.goto(f"/{FORCE}/staff/firearms/")
    expect(page.locator("#visit-times-wanted")).to_contain_text(case.reference)
    shot(page, "queues-visit-times-wanted")
