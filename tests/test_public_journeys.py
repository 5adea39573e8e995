"""The public's journeys around a case, for every service: the force page's links, pay later, paying back
from another browser, finding an application, the account page, and a service the force switched off."""

from __future__ import annotations

import re

import pytest
from frontcounter.extensions import db
from frontcounter.plugins.manager import registry
from frontcounter.tenancy import TenantService, tenant_context

from tests.conftest import PASSWORD, csrf_token, mailbox, public_account, submit
from tests.conftest import link_in as link_path
from tests.test_payments import apply_for_permit, choose_in_sandbox, press_pay


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.fixture
def sample_service(app):
    with app.app_context():
        return registry().services["sample"]


# -- the force's home page ---------------------------------------------------------------------------


def test_a_service_with_its_own_way_in_is_one_tap_from_the_force_page(app, client, forces, sample_service, monkeypatch):
    monkeypatch.setattr(sample_service, "asks_for_account", False)
    home = client.get("/alpha/").get_data(as_text=True)
    assert 'href="/alpha/sample/">Parking permits</a>' in home
    assert client.get("/alpha/start/sample").headers["Location"] == "/alpha/sample/"


def test_a_service_that_asks_for_an_account_still_offers_the_choice(client, forces):
    assert 'href="/alpha/start/sample">Parking permits</a>' in client.get("/alpha/").get_data(as_text=True)
    assert "Do you want to use an account?" in client.get("/alpha/start/sample").get_data(as_text=True)


def test_a_service_without_public_pages_is_listed_as_coming_soon_with_no_link(client, forces, sample_service,
                                                                               monkeypatch):
    monkeypatch.setattr(sample_service, "start_endpoint", None)
    home = client.get("/alpha/").get_data(as_text=True)
    coming = home.split('id="coming-soon"')[1].split("</ul>")[0]
    assert "Parking permits" in coming and "<a " not in coming
    assert 'id="services"' not in home and "To use them now, contact Alpha Police on 101" in home


# -- pay later -----------------------------------------------------------------------------------------


def test_pay_later_emails_a_link_that_pays_from_any_browser(app, client, forces):
    reference = apply_for_permit(client, email="later@example.com")
    pay_page = client.get(f"/alpha/sample/case/{reference}/pay").get_data(as_text=True)
    form = pay_page.split('id="pay-later"')[0].rsplit("<form", 1)[1]
    token = re.search(r'name="token" value="([^"]+)"', form).group(1)
    sent = client.post(f"/alpha/track/{reference}/pay-later", data={"token": token, "csrf_token": csrf_token(pay_page)})
    assert sent.status_code == 200 and "We have sent a link to pay to later@example.com" in text_of(sent)
    (email,) = [m for m in mailbox(app, "later@example.com") if m.subject.startswith("Pay for your application")]
    link = link_path(email, f"/alpha/sample/case/{reference}/pay")
    other = app.test_client()  # the browser was closed: another device
    assert "The fee is £25.00" in other.get(link).get_data(as_text=True)
    tracking = other.get(f"/alpha/track/{reference}").get_data(as_text=True)
    assert 'id="pay-now"' in tracking  # the tracking page offers paying too
    returned = choose_in_sandbox(other, press_pay(other, reference), "success")
    other.get(returned)
    assert 'id="pay-now"' not in other.get(f"/alpha/track/{reference}").get_data(as_text=True)


def test_nothing_to_pay_sends_no_pay_later_email(app, client, forces):
    reference = apply_for_permit(client, email="paid@example.com")
    returned = choose_in_sandbox(client, press_pay(client, reference), "success")
    client.get(returned)
    page = client.get("/alpha/track").get_data(as_text=True)  # a page with a form, for a CSRF token
    response = client.post(f"/alpha/track/{reference}/pay-later", data={"csrf_token": csrf_token(page)})
    assert "There is nothing to pay" in text_of(response)
    assert not [m for m in mailbox(app, "paid@example.com") if m.subject.startswith("Pay for your application")]


# -- coming back from paying in another browser ---------------------------------------------------------


def _paid_return_url(client, reference: str) -> str:
    sandbox_url = press_pay(client, reference)
    page = client.get(sandbox_url).get_data(as_text=True)
    return client.post(sandbox_url, data={"outcome": "success", "csrf_token": csrf_token(page)}).headers["Location"]


def test_the_payment_return_in_another_browser_is_a_proper_page(app, client, forces):
    from frontcounter.payments.models import Payment

    reference = apply_for_permit(client)
    return_url = _paid_return_url(client, reference)
    with app.app_context(), tenant_context(forces[0]):  # a service whose page after paying needs the case's browser
        payment = db.session.scalar(db.select(Payment))
        payment.next_url = f"http://localhost/alpha/sample/case/{reference}/pay"
        db.session.commit()
    other = app.test_client()
    response = other.get(return_url, follow_redirects=True)
    assert response.status_code == 200
    text = text_of(response)
    assert "Payment received" in text and reference in text and "Page not found" not in text
    assert "use the link in the email we sent you" in text
    same = client.get(return_url)  # the browser that paid goes on to the service's page as before
    assert same.status_code == 302 and same.headers["Location"].endswith(f"/alpha/sample/case/{reference}/pay")


def test_a_return_link_that_carries_its_token_goes_on_in_any_browser(app, client, forces):
    reference = apply_for_permit(client)
    return_url = _paid_return_url(client, reference)
    response = app.test_client().get(return_url, follow_redirects=True)
    assert response.status_code == 200 and "Payment received" in text_of(response)
    assert f"Your case {reference}" in text_of(response)


# -- finding an application -----------------------------------------------------------------------------


def _ask_for_link(client, reference: str, email: str):
    return submit(client, "/alpha/track", {"reference": reference, "email": email})


def test_tracking_by_reference_and_email_emails_the_link_and_says_the_same_either_way(app, client, forces):
    reference = apply_for_permit(app.test_client(), email="owner@example.com")
    right = _ask_for_link(client, reference.lower(), "Owner@example.com")
    wrong_email = _ask_for_link(client, reference, "someone@example.com")
    no_case = _ask_for_link(client, "ALP-SM-26-999999", "owner@example.com")
    answers = {re.sub(r"nonce=\"[^\"]+\"|[\w.]+@example\.com", "", text_of(r)) for r in (right, wrong_email, no_case)}
    assert len(answers) == 1 and all(r.status_code == 200 for r in (right, wrong_email, no_case))
    (email,) = [m for m in mailbox(app, "owner@example.com") if "Your link to application" in m.subject]
    assert not mailbox(app, "someone@example.com")
    other = app.test_client()
    assert other.get(link_path(email, f"/alpha/track/{reference}")).status_code == 200


def test_tracking_requests_are_rate_limited(app, client, forces):
    for _ in range(5):
        assert _ask_for_link(client, "ALP-SM-26-000001", "x@example.com").status_code == 200
    limited = _ask_for_link(client, "ALP-SM-26-000001", "x@example.com")
    assert limited.status_code == 429 and "Too many attempts" in text_of(limited)


def test_the_track_form_points_at_what_is_missing(client, forces):
    response = _ask_for_link(client, "", "not-an-email")
    assert response.status_code == 400
    text = text_of(response)
    assert "Enter the reference of your application" in text and "Enter an email address in the correct format" in text


# -- the account page -----------------------------------------------------------------------------------


def test_the_account_page_lists_the_persons_cases_in_every_force(app, client, forces):
    public_account(app, "pat@example.com")
    submit(client, "/account/sign-in", {"email": "pat@example.com", "password": PASSWORD})
    assert 'id="no-cases"' in client.get("/account/").get_data(as_text=True)
    alpha_ref = apply_for_permit(client, email="pat@example.com")
    bravo_ref = apply_for_permit(client, force="bravo", email="pat@example.com")
    apply_for_permit(app.test_client(), email="someone@example.com")
    page = client.get("/account/").get_data(as_text=True)
    listed = re.findall(r'href="/(\w+)/track/([^"]+)"', page.split('id="account-cases"')[1])
    assert sorted(listed) == sorted([("alpha", alpha_ref), ("bravo", bravo_ref)])
    assert "Alpha Police" in page and "Bravo Police" in page and "Waiting for payment" in page


def test_the_account_page_lists_upcoming_bookings(app, client, forces):
    from datetime import timedelta

    from frontcounter.bookings import SlotSpec, book, create_slots
    from frontcounter.bookings.times import now_utc
    from frontcounter.cases.engine import find_case

    public_account(app, "pat@example.com")
    submit(client, "/account/sign-in", {"email": "pat@example.com", "password": PASSWORD})
    reference = apply_for_permit(client, email="pat@example.com")
    with app.app_context(), tenant_context(forces[0]):
        starts = now_utc().replace(microsecond=0) + timedelta(days=5)
        (soon,) = create_slots("sample", [SlotSpec("visit", starts, starts + timedelta(hours=1), 2)])
        case = find_case(reference)
        book(soon, case, actor="test", email="pat@example.com")
        db.session.commit()
    page = client.get("/account/").get_data(as_text=True)
    bookings = page.split('id="account-bookings"')[1].split("</ul>")[0]
    assert reference in bookings and "Parking permits" in bookings and "Alpha Police" in bookings


# -- a service the force switched off ---------------------------------------------------------------------


def _switch(app, force, key: str, on: bool) -> None:
    with app.app_context(), tenant_context(force):
        db.session.scalar(db.select(TenantService).filter_by(service_key=key)).enabled = on
        db.session.commit()


def test_switching_a_service_off_keeps_existing_customers_links_and_explains_new_applications(app, client, forces):
    reference = apply_for_permit(client)
    _switch(app, forces[0], "sample", False)
    start = client.get("/alpha/sample/")
    assert start.status_code == 404 and "Parking permits is not available online" in text_of(start)
    assert "Alpha Police on 101" in text_of(start)
    assert "not available online" in text_of(client.get("/alpha/start/sample"))
    tracking = client.get(f"/alpha/track/{reference}")
    assert tracking.status_code == 200 and "no longer offers Parking permits online" in text_of(tracking)
    paying = client.get(f"/alpha/sample/case/{reference}/pay")
    assert paying.status_code == 200 and "The fee is £25.00" in text_of(paying)
    assert "Parking permits" not in client.get("/alpha/").get_data(as_text=True)
    never = client.get("/bravo/sample/")  # a force that still has it is unaffected
    assert never.status_code == 200
