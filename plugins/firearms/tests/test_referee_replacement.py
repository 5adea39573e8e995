"""A referee who declines: the applicant is told (email and tracking page), names a replacement online (or
staff do), the new referee gets their own link, and checks cannot start until enough referees confirm."""

from __future__ import annotations

import pytest
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.testing import add_staff, csrf_token, link_in, mailbox, staff_sign_in, submit
from frontcounter_firearms.models import Referee

from plugins.firearms.tests.test_public_journey import (
    FORCE,
    apply_for_a_grant,
    error_summary,
    referee,
    staff_fire,
)


@pytest.fixture
def client(app):
    """A browser without an account (its own cookies)."""
    return app.test_client()


def signed_in(app, force, email: str = "cw@alpha.example", roles: tuple[str, ...] = ("caseworker",)):
    """A member of staff at their desk, signed in through the real pages."""
    add_staff(app, force, email, list(roles))
    desk = app.test_client()
    staff_sign_in(desk, app, force.slug, email)
    return desk


def decline(app, email: str) -> None:
    link = link_in(mailbox(app, email)[-1], f"/{FORCE}/firearms/referee/")
    browser = app.test_client()
    submit(browser, link, {"action": "decline"})
    assert "You have declined" in submit(browser, link, {"action": "decline-confirmed"}).get_data(as_text=True)


def confirm(app, email: str, years: str = "5") -> None:
    link = link_in(mailbox(app, email)[-1], f"/{FORCE}/firearms/referee/")
    answers = {"action": "confirm", "years_known": years, "photo_likeness": "yes", "declaration": "yes"}
    assert "Thank you for confirming" in submit(app.test_client(), link, answers).get_data(as_text=True)


def new_referee(name: str, email: str, **change: str) -> dict[str, str]:
    """The replacement form's fields (the application's referee fields without the list prefix)."""
    return {key.removeprefix("referees-0-"): value for key, value in referee(0, name, email, **change).items()}


def state_of(app, alpha, reference: str) -> str:
    with app.app_context(), tenant_context(alpha):
        return db.session.scalars(db.select(Case.state).filter_by(reference=reference)).one()


def test_a_guest_is_told_a_referee_declined_and_names_a_replacement_from_the_emailed_link(app, client, firearms_forces):
    alpha = firearms_forces[0]
    case = apply_for_a_grant(app, client, alpha)
    staff_fire(app, alpha, case.reference, "accept")
    decline(app, "sam@example.com")

    told = [m for m in mailbox(app, "alex@example.com") if "cannot act" in m.subject]
    assert len(told) == 1 and "Sam Smith" in told[0].text_body
    tracking = link_in(told[0], f"/{FORCE}/firearms/cases/")
    guest = app.test_client()  # another device, no session: the signed link is enough
    page = guest.get(tracking).get_data(as_text=True)
    assert "Name a new referee" in page and "have 7 days" not in page

    form_url = f"/{FORCE}/firearms/cases/{case.reference}/referees/new?" + tracking.split("?", 1)[1]
    bad = submit(guest, form_url, new_referee("Robin Reed", "robin@example.com"))
    assert bad.status_code == 400
    assert error_summary(bad) == ["This person is already a referee on this application"]
    too_new = submit(guest, form_url, new_referee("Kim Kerr", "kim@example.com", years_known="1"))
    assert "Kim Kerr must have known you for at least 2 years" in error_summary(too_new)
    done = submit(guest, form_url, new_referee("Kim Kerr", "kim@example.com"))
    assert done.status_code == 302
    after = guest.get(done.headers["Location"]).get_data(as_text=True)
    assert "We have emailed Kim Kerr" in after and 'id="name-referee"' not in after

    (request,) = mailbox(app, "kim@example.com")
    assert "Alex Archer" in request.subject
    confirm(app, "kim@example.com")
    with app.app_context(), tenant_context(alpha):
        kim = db.session.scalars(db.select(Referee).filter_by(email="kim@example.com")).one()
        assert kim.has_confirmed and kim.phone == "01632 960 002"


def test_checks_cannot_start_while_a_firearm_certificate_has_one_confirmed_referee(app, client, firearms_forces):
    from frontcounter.cases import engine
    from frontcounter_firearms.guards import GP_INFORMATION

    from plugins.firearms.tests.support import add_document

    alpha = firearms_forces[0]
    case = apply_for_a_grant(app, client, alpha)
    staff_fire(app, alpha, case.reference, "accept")
    confirm(app, "robin@example.com")
    decline(app, "sam@example.com")
    with app.app_context(), tenant_context(alpha):
        found = db.session.scalars(db.select(Case).filter_by(reference=case.reference)).one()
        add_document(found, GP_INFORMATION)
        refusal = engine.refusal(found, engine.workflow_for("firearms").transition("start_checks"))
        assert refusal == "1 of the 2 referees needed have confirmed."


def test_staff_name_a_replacement_and_a_flagged_case_goes_back_to_waiting(app, client, firearms_forces):
    alpha = firearms_forces[0]
    case = apply_for_a_grant(app, client, alpha)
    staff_fire(app, alpha, case.reference, "accept")
    decline(app, "robin@example.com")
    staff_fire(app, alpha, case.reference, "flag_referees_overdue")
    desk = signed_in(app, alpha)
    staff_page = f"/{FORCE}/staff/firearms/cases/{case.reference}"
    html = desk.get(staff_page).get_data(as_text=True)
    assert 'id="name-referee"' in html and "Declined" in html
    done = submit(desk, f"{staff_page}/referees/new", new_referee("Kim Kerr", "kim@example.com"))
    assert done.headers["Location"].endswith(staff_page)
    assert state_of(app, alpha, case.reference) == "awaiting_referees_gp"
    assert len(mailbox(app, "kim@example.com")) == 1
    assert csrf_token(desk.get(staff_page).get_data(as_text=True))


def test_a_referee_s_years_known_is_kept_beside_the_applicant_s_and_a_conflict_is_flagged(app, client, firearms_forces):
    alpha = firearms_forces[0]
    case = apply_for_a_grant(app, client, alpha)
    staff_fire(app, alpha, case.reference, "accept")
    confirm(app, "robin@example.com", years="1")  # ticked "at least 2 years", then wrote 1
    confirm(app, "sam@example.com", years="5")  # agrees with the applicant
    told = [m for m in mailbox(app, "alex@example.com") if "has replied" in m.subject]
    assert len(told) == 2
    desk = signed_in(app, alpha)
    html = desk.get(f"/{FORCE}/staff/firearms/cases/{case.reference}").get_data(as_text=True)
    robin = html.split('data-referee="robin@example.com"')[1].split("</li>")[0]
    sam = html.split('data-referee="sam@example.com"')[1].split("</li>")[0]
    assert "the applicant says known 5 years" in robin and "the referee says 1 years" in robin
    assert "data-years-conflict" in robin and "data-years-conflict" not in sam


def test_the_applicant_is_not_told_we_asked_their_gp_when_we_have_no_way_to(app, client, firearms_forces):
    alpha = firearms_forces[0]
    case = apply_for_a_grant(app, client, alpha)
    staff_fire(app, alpha, case.reference, "accept")
    waiting = [m for m in mailbox(app, "alex@example.com") if "Waiting for referees" in m.text_body]
    assert waiting, [m.subject for m in mailbox(app, "alex@example.com")]
    assert all("your GP for medical information" not in m.text_body for m in waiting)
