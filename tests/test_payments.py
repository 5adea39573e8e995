"""Payments through the sample plugin with the sandbox provider: paying, fulfilment once, refunds by
staff, the platform's charge, reconciliation, and each force seeing only its own payments."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask import render_template_string
from frontcounter.audit.models import AuditEvent
from frontcounter.billing.models import PlatformCharge
from frontcounter.cases import engine
from frontcounter.cases.models import Case, CaseEvent
from frontcounter.extensions import db
from frontcounter.payments import is_paid
from frontcounter.payments.forms import parse_pounds
from frontcounter.payments.models import Payment, Refund, SandboxPayment
from frontcounter.payments.reconcile import reconcile
from frontcounter.payments.service import PaymentRefused, pay_in_sandbox, start_payment
from frontcounter.tenancy import TenantService, tenant_context

from tests.conftest import add_staff, csrf_token, mailbox, run_jobs, staff_sign_in

# -- helpers shared with test_payments_stripe.py --------------------------------------------------


def apply_for_permit(client, force: str = "alpha", email: str = "payer@example.com") -> str:
    """Apply through the sample's pages (which opens the tracking page in this session); return the reference."""
    page = client.get(f"/{force}/sample/").get_data(as_text=True)
    response = client.post(
        f"/{force}/sample/apply",
        data={"holder": "Pat Payer", "email": email, "vehicle": "AB12CDE", "csrf_token": csrf_token(page)},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert client.get(response.headers["Location"]).status_code == 200
    return re.search(r"/track/([^?]+)", response.headers["Location"]).group(1)


def press_pay(client, reference: str, force: str = "alpha") -> str:
    """Press the sample's Pay button; return where the payer is sent (the provider's page)."""
    page = client.get(f"/{force}/sample/case/{reference}/pay")
    assert page.status_code == 200
    response = client.post(
        f"/{force}/sample/case/{reference}/pay", data={"csrf_token": csrf_token(page.get_data(as_text=True))}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def come_back(client, return_url: str) -> str:
    """Follow the provider's redirect back to us and on to the service; return the page the payer lands on."""
    response = client.get(return_url)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client.get(response.headers["Location"]).get_data(as_text=True)


def choose_in_sandbox(client, sandbox_url: str, outcome: str) -> str:
    """On the sandbox's page choose an outcome; return the return URL the sandbox sends the payer to."""
    page = client.get(sandbox_url).get_data(as_text=True)
    response = client.post(sandbox_url, data={"outcome": outcome, "csrf_token": csrf_token(page)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def pay(client, reference: str, outcome: str = "success", force: str = "alpha") -> str:
    """Pay through the sandbox as a person would; return the page the payer lands on afterwards."""
    return come_back(client, choose_in_sandbox(client, press_pay(client, reference, force), outcome))


def rows(app, force, model, **filters) -> list:
    """The force's rows of a model (detached), oldest first."""
    with app.app_context(), tenant_context(force):
        found = db.session.scalars(db.select(model).filter_by(**filters).order_by(model.id)).all()
        db.session.expunge_all()
        return found


def the_case(app, force, reference) -> Case:
    return rows(app, force, Case, reference=reference)[0]


def receipts(app, email: str) -> list:
    return [m for m in mailbox(app, email) if m.subject.startswith("Payment received")]


def audit_actions(app, force, prefix: str = "payment.") -> list[str]:
    return [e.action for e in rows(app, force, AuditEvent) if e.action.startswith(prefix)]


def payment_public_id(url: str) -> str:
    return re.search(r"/payments/([^/]+)/", urlsplit(url).path).group(1)


# -- paying ------------------------------------------------------------------------------------------


def test_the_sample_plugin_goes_through_submit_and_pay_in_the_sandbox(app, client, forces):
    alpha = forces[0]
    reference = apply_for_permit(client)
    assert "£25.00" in client.get(f"/alpha/sample/case/{reference}/pay").get_data(as_text=True)
    sandbox_url = press_pay(client, reference)
    assert urlsplit(sandbox_url).path.startswith("/alpha/payments/") and sandbox_url.endswith("/sandbox")
    sandbox_page = client.get(sandbox_url).get_data(as_text=True)
    assert "Pay £25.00" in sandbox_page and "Parking permit fee" in sandbox_page
    assert all(choice in sandbox_page for choice in ("Pay successfully", "Card declined", "Cancel the payment"))
    return_url = choose_in_sandbox(client, sandbox_url, "success")
    landed = come_back(client, return_url)
    assert "Payment received. We have emailed you a receipt." in landed and "Received" in landed

    assert the_case(app, alpha, reference).state == "submitted"
    [payment] = rows(app, alpha, Payment)
    assert (payment.state, payment.amount_pence, payment.provider) == ("success", 2500, "sandbox")
    [receipt] = receipts(app, "payer@example.com")
    assert f"Payment received: £25.00 for {reference}" == receipt.subject
    assert "£25.00" in receipt.text_body and reference in receipt.text_body and "Alpha Police" in receipt.text_body
    [charge] = rows(app, alpha, PlatformCharge)
    assert (charge.payment_id, charge.service_key) == (payment.id, "sample")
    assert (charge.amount_pence, charge.vat_pence) == (99, 20)
    events = rows(app, alpha, CaseEvent, transition="pay")
    assert [(e.actor, e.to_state) for e in events] == [("system: payments", "submitted")]
    assert "payment.success" in audit_actions(app, alpha)

    # Coming back again (a reload, the back button) fulfils nothing twice.
    come_back(client, return_url)
    assert client.get(sandbox_url).status_code == 302  # the sandbox page is done with
    assert len(receipts(app, "payer@example.com")) == 1
    assert len(rows(app, alpha, PlatformCharge)) == 1 and len(rows(app, alpha, CaseEvent, transition="pay")) == 1
    # Paid: the Pay page sends the payer to their case instead.
    assert client.get(f"/alpha/sample/case/{reference}/pay").status_code == 302


def test_the_fee_is_the_forces_setting_with_the_plugins_default(app, client, forces):
    alpha, bravo = forces
    with app.app_context(), tenant_context(bravo):
        row = db.session.scalar(db.select(TenantService).filter_by(service_key="sample"))
        row.settings = {"permit_fee_pence": 4000}
        db.session.commit()
    bravo_ref = apply_for_permit(client, "bravo")
    assert "£40.00" in client.get(f"/bravo/sample/case/{bravo_ref}/pay").get_data(as_text=True)
    pay(client, bravo_ref, force="bravo")
    pay(client, apply_for_permit(client, "alpha"))
    assert [p.amount_pence for p in rows(app, bravo, Payment)] == [4000]
    assert [p.amount_pence for p in rows(app, alpha, Payment)] == [2500]


def test_a_declined_card_or_a_cancel_takes_nothing_and_the_payer_can_try_again(app, client, forces):
    alpha = forces[0]
    reference = apply_for_permit(client)
    declined = pay(client, reference, "declined")
    assert "Your payment was declined and no money was taken. You can try again." in declined
    assert the_case(app, alpha, reference).state == "awaiting_payment"
    cancelled = pay(client, reference, "cancelled")
    assert "You cancelled the payment. No money was taken." in cancelled
    assert receipts(app, "payer@example.com") == [] and rows(app, alpha, PlatformCharge) == []
    pay(client, reference, "success")
    assert [p.state for p in rows(app, alpha, Payment)] == ["failed", "cancelled", "success"]
    assert rows(app, alpha, Payment)[0].failure == "Card declined (sandbox)"
    assert the_case(app, alpha, reference).state == "submitted"
    assert audit_actions(app, alpha) == ["payment.failed", "payment.cancelled", "payment.success"]


def test_the_sandbox_page_asks_again_when_nothing_is_chosen(app, client, forces):
    sandbox_url = press_pay(client, apply_for_permit(client))
    page = client.get(sandbox_url).get_data(as_text=True)
    response = client.post(sandbox_url, data={"outcome": "free money", "csrf_token": csrf_token(page)})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in body and "Choose what happens to this payment" in body and 'href="#outcome"' in body
    assert [p.state for p in rows(app, forces[0], Payment)] == ["started"]


def test_paid_guards_transitions_until_a_payment_succeeds_and_not_after_a_full_refund(app, client, forces):
    alpha = forces[0]
    reference = apply_for_permit(client)
    with app.app_context(), tenant_context(alpha):
        case = engine.find_case(reference)
        assert not is_paid(case)
        with pytest.raises(engine.TransitionRefused) as refused:
            engine.fire(case, "pay", actor="t", as_system=True)
        assert refused.value.message == "The fee has not been paid."
        payment = pay_in_sandbox(case, 2500, "Permit fee")
        db.session.commit()
        assert is_paid(case) and case.state == "submitted"
        from frontcounter.payments.service import refund

        refund(payment, 2500, "Withdrawn", actor="sup@alpha.example.com")
        assert not is_paid(engine.find_case(reference))


def test_a_purpose_is_paid_once_and_a_second_payment_for_it_is_refunded_automatically(app, client, forces):
    alpha = forces[0]
    reference = apply_for_permit(client)
    sandbox_url = press_pay(client, reference)  # an earlier attempt, left open in another tab
    pay(client, reference)
    with app.app_context(), tenant_context(alpha):
        case = engine.find_case(reference)
        assert is_paid(case) and is_paid(case, "fee") and not is_paid(case, "late-change-fees-1")
        with pytest.raises(PaymentRefused) as wrong_state:
            start_payment(case, 2500, "Permit fee", fulfil_transition="pay")
        assert wrong_state.value.code == "wrong_state"
        with pytest.raises(PaymentRefused) as already:
            start_payment(case, 2500, "Permit fee", fulfil_transition=None)
        assert already.value.code == "already_paid"
        # A further charge that fulfils nothing (e.g. a late-change fee) has its own purpose.
        late_fee = start_payment(case, 1000, "Late change fee", purpose="late-change-fees-1", fulfil_transition=None)
        assert "/alpha/payments/" in late_fee
        with pytest.raises(ValueError):
            start_payment(case, 0, "Nothing", purpose="nothing", fulfil_transition=None)
        db.session.rollback()
    # The payer completes the older attempt too: the money is taken, so it is refunded in full at once
    # through the provider, recorded, audited and the payer told; the case is fulfilled once.
    landed = come_back(client, choose_in_sandbox(client, sandbox_url, "success"))
    assert "Payment received" in landed
    run_jobs(app)  # the refund is outbox work after commit (on PostgreSQL, waiting in Redis for a worker)
    first, second = rows(app, alpha, Payment)
    assert (first.purpose, second.purpose) == ("fee", "fee")
    assert first.state == second.state == "success"
    assert (first.refunded_pence, second.refunded_pence) == (2500, 0)
    [refund] = rows(app, alpha, Refund)
    assert (refund.payment_id, refund.amount_pence, refund.state, refund.actor) == (
        first.id, 2500, "success", "system: payments"
    )
    assert "paid twice" in refund.reason
    with app.app_context(), tenant_context(alpha):
        assert db.session.scalar(db.select(SandboxPayment.refunded_pence).filter_by(ref=first.provider_ref)) == 2500
        assert is_paid(engine.find_case(reference))
    assert len(rows(app, alpha, CaseEvent, transition="pay")) == 1
    assert len(rows(app, alpha, PlatformCharge)) == 1
    assert len(receipts(app, "payer@example.com")) == 2  # they paid twice: two receipts and a refund notice
    [notice] = [m for m in mailbox(app, "payer@example.com") if m.subject.startswith("Refund of")]
    assert f"Refund of £25.00 for {reference}" == notice.subject and "paid twice" in notice.text_body
    actions = audit_actions(app, alpha)
    assert actions.count("payment.duplicate") == 1 and actions.count("payment.refunded") == 1


def test_money_taken_after_the_case_moved_on_is_flagged_for_a_refund(app, client, forces):
    alpha = forces[0]
    reference = apply_for_permit(client)
    sandbox_url = press_pay(client, reference)
    with app.app_context(), tenant_context(alpha):
        engine.fire(engine.find_case(reference), "lapse", actor="system: timer", as_system=True)
        db.session.commit()
    come_back(client, choose_in_sandbox(client, sandbox_url, "success"))
    [payment] = rows(app, alpha, Payment)
    assert payment.state == "success" and the_case(app, alpha, reference).state == "lapsed"
    assert "could not move on" in payment.discrepancy and "refund the payment" in payment.discrepancy
    assert len(receipts(app, "payer@example.com")) == 1
    assert audit_actions(app, alpha) == ["payment.discrepancy", "payment.success"]


def test_the_platform_charge_is_the_services_own_until_the_platform_admin_prices_it(app, client, forces, monkeypatch):
    alpha = forces[0]
    from frontcounter.billing.prices import set_price
    from frontcounter.calendar import uk_today
    from frontcounter.plugins.manager import PluginRegistry

    registry: PluginRegistry = app.extensions["frontcounter.plugins"]
    monkeypatch.setitem(registry.services["sample"].extra, "platform_charge_pence", 198)  # as firearms declares
    pay(client, apply_for_permit(client))
    with app.app_context():
        set_price("sample", 50, 2000, uk_today(), actor="platform@example.com")
        db.session.commit()
    pay(client, apply_for_permit(client, email="second@example.com"))
    assert [(c.amount_pence, c.vat_pence) for c in rows(app, alpha, PlatformCharge)] == [(198, 40), (50, 10)]


def test_no_sandbox_in_production_without_a_provider(app, client, forces, monkeypatch):
    reference = apply_for_permit(client)
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    monkeypatch.setitem(app.config, "PAYMENTS_SANDBOX", False)
    page = client.get(f"/alpha/sample/case/{reference}/pay").get_data(as_text=True)
    response = client.post(
        f"/alpha/sample/case/{reference}/pay", data={"csrf_token": csrf_token(page)}, follow_redirects=True
    )
    assert "Payments are not available at the moment. Try again later." in response.get_data(as_text=True)
    assert rows(app, forces[0], Payment) == []


# -- refunds by staff -------------------------------------------------------------------------------


@pytest.fixture(name="supervisor")
def supervisor_fixture(app, forces):
    """A signed-in supervisor of Alpha."""
    add_staff(app, forces[0], "sup@alpha.example.com", ["supervisor"])
    staff = app.test_client()
    staff_sign_in(staff, app, "alpha", "sup@alpha.example.com")
    return staff


def refund_form(staff, url: str, **data) -> tuple[int, str]:
    """Submit the refund form on a payment's staff page (with the amount it showed as refundable)."""
    page = staff.get(url).get_data(as_text=True)
    expected = re.search(r'name="expected_refundable" value="(\d+)"', page).group(1)
    form = {"csrf_token": csrf_token(page), "expected_refundable": expected, "confirmed": "yes", **data}
    response = staff.post(url, data=form, follow_redirects=True)
    return response.status_code, response.get_data(as_text=True)


def test_a_supervisor_refunds_in_part_then_the_rest_with_reasons_and_the_payer_is_told(app, client, forces, supervisor):
    alpha = forces[0]
    reference = apply_for_permit(client)
    pay(client, reference)
    [payment] = rows(app, alpha, Payment)
    url = f"/alpha/staff/payments/{payment.public_id}"
    page = supervisor.get(url).get_data(as_text=True)
    assert reference in page and "£25.00" in page and "£0.99 + £0.20 VAT" in page

    for data, message, field in [
        ({"how": "", "reason": "x"}, "Choose a full or a part refund", "how"),
        (
            {"how": "part", "amount": "ten pounds", "reason": "x"},
            "Enter an amount in pounds and pence, like 12.50",
            "amount",
        ),
        ({"how": "part", "amount": "25.01", "reason": "x"}, "You can refund at most £25.00.", "amount"),
        ({"how": "part", "amount": "0", "reason": "x"}, "Enter an amount of at least £0.01", "amount"),
        ({"how": "part", "amount": "10", "reason": "  "}, "Enter the reason for the refund", "reason"),
    ]:
        status, body = refund_form(supervisor, url, **data)
        assert status == 200 and "There is a problem" in body and message in body and f'href="#{field}"' in body
    assert rows(app, alpha, Refund) == []

    status, body = refund_form(supervisor, url, how="part", amount="£10.50", reason="Paid for two permits by mistake")
    assert "Refund of £10.50 made. We have emailed the applicant." in body
    [notice] = [m for m in mailbox(app, "payer@example.com") if m.subject.startswith("Refund")]
    assert notice.subject == f"Refund of £10.50 for {reference}"
    assert "£10.50" in notice.text_body and "Paid for two permits by mistake" in notice.text_body
    assert "All of it: £14.50" in body

    status, body = refund_form(supervisor, url, how="full", reason="Application withdrawn")
    assert "Refund of £14.50 made." in body and 'id="refund-form"' not in body
    refunds = rows(app, alpha, Refund)
    assert [(r.amount_pence, r.state, r.actor) for r in refunds] == [
        (1050, "success", "sup@alpha.example.com"),
        (1450, "success", "sup@alpha.example.com"),
    ]
    assert rows(app, alpha, Payment)[0].refunded_pence == 2500
    assert audit_actions(app, alpha, "payment.refund") == ["payment.refund_submitted", "payment.refunded"] * 2
    with app.app_context(), tenant_context(alpha):
        sandbox = db.session.scalar(db.select(SandboxPayment))
        assert sandbox.refunded_pence == 2500  # the provider's side agrees


def test_a_repeated_refund_form_is_refused_not_paid_twice(app, client, forces, supervisor):
    alpha = forces[0]
    pay(client, apply_for_permit(client))
    [payment] = rows(app, alpha, Payment)
    url = f"/alpha/staff/payments/{payment.public_id}"
    page = supervisor.get(url).get_data(as_text=True)
    form = {
        "csrf_token": csrf_token(page),
        "expected_refundable": "2500",
        "how": "part",
        "amount": "5.00",
        "reason": "Goodwill",
    }
    asked = supervisor.post(url, data=form).get_data(as_text=True)  # first: "Are you sure?", nothing refunded
    assert "Are you sure you want to refund £5.00?" in asked and rows(app, alpha, Refund) == []
    form["confirmed"] = "yes"
    assert supervisor.post(url, data=form).status_code == 302
    again = supervisor.post(url, data=form).get_data(as_text=True)  # the same form sent twice (a double click)
    assert "This payment has changed since you opened the page." in again
    assert [r.amount_pence for r in rows(app, alpha, Refund)] == [500]


def test_a_refund_the_provider_refuses_is_recorded_and_releases_the_amount(app, client, forces, supervisor):
    alpha = forces[0]
    pay(client, apply_for_permit(client))
    [payment] = rows(app, alpha, Payment)
    with app.app_context(), tenant_context(alpha):
        db.session.scalar(db.select(SandboxPayment)).refunded_pence = 2500  # refunded at the provider already
        db.session.commit()
    status, body = refund_form(supervisor, f"/alpha/staff/payments/{payment.public_id}", how="full", reason="Refused")
    assert status == 200 and "The payment provider refused the refund" in body
    [refund] = rows(app, alpha, Refund)
    assert refund.state == "error" and "refused the refund" in refund.error
    assert rows(app, alpha, Payment)[0].refunded_pence == 0
    assert [m for m in mailbox(app, "payer@example.com") if m.subject.startswith("Refund")] == []
    assert audit_actions(app, alpha, "payment.refund") == ["payment.refund_submitted", "payment.refund_failed"]


def test_only_supervisors_refund(app, client, forces):
    alpha = forces[0]
    pay(client, apply_for_permit(client))
    [payment] = rows(app, alpha, Payment)
    add_staff(app, alpha, "cw@alpha.example.com", ["caseworker"])
    caseworker = app.test_client()
    staff_sign_in(caseworker, app, "alpha", "cw@alpha.example.com")
    url = f"/alpha/staff/payments/{payment.public_id}"
    page = caseworker.get(url).get_data(as_text=True)
    assert "£25.00" in page and 'id="refund-form"' not in page
    refused = caseworker.post(url, data={"csrf_token": csrf_token(page), "how": "full", "reason": "x"})
    assert refused.status_code == 403 and rows(app, alpha, Refund) == []
    assert app.test_client().get(url).status_code == 302  # the public: to the staff sign-in


# -- staff list, isolation, reconciliation ---------------------------------------------------------


def test_staff_see_their_forces_payments_paginated_and_filtered(app, client, forces, supervisor):
    alpha = forces[0]
    for i in range(27):
        with app.app_context(), tenant_context(alpha):
            case = engine.open_case("sample", applicant_email=f"p{i}@example.com")
            pay_in_sandbox(case, 2500, "Permit fee")
            db.session.commit()
    pay(client, apply_for_permit(client, "bravo"), force="bravo")
    first = supervisor.get("/alpha/staff/payments/").get_data(as_text=True)
    assert "27 payments" in first and len(re.findall(r"/alpha/staff/payments/[\w-]+\"", first)) == 25
    second = supervisor.get("/alpha/staff/payments/?page=2").get_data(as_text=True)
    assert len(re.findall(r"/alpha/staff/payments/[\w-]+\"", second)) == 2
    assert "0 payments" in supervisor.get("/alpha/staff/payments/?state=failed").get_data(as_text=True)
    assert "0 payments" in supervisor.get("/alpha/staff/payments/?flagged=yes").get_data(as_text=True)


def test_a_forces_payments_are_not_reachable_through_another_force(app, client, forces, supervisor):
    sandbox_url = press_pay(client, apply_for_permit(client, "bravo"), "bravo")
    bravo_id = payment_public_id(sandbox_url)
    for url in (
        f"/alpha/payments/{bravo_id}/sandbox",
        f"/alpha/payments/{bravo_id}/return",
        f"/alpha/payments/{bravo_id}/stripe",
    ):
        assert client.get(url).status_code == 404, url
    assert supervisor.get(f"/alpha/staff/payments/{bravo_id}").status_code == 404
    assert supervisor.get(f"/bravo/staff/payments/{bravo_id}").status_code == 403  # Alpha's staff in Bravo


def test_reconciliation_completes_lost_payments_and_flags_differences_once(app, client, forces, supervisor):
    alpha = forces[0]
    lost_ref = apply_for_permit(client, email="lost@example.com")
    choose_in_sandbox(client, press_pay(client, lost_ref), "success")  # paid, but never came back to us
    pay(client, apply_for_permit(client, email="tampered@example.com"))
    assert the_case(app, alpha, lost_ref).state == "awaiting_payment"
    with app.app_context(), tenant_context(alpha):
        tampered = db.session.scalars(db.select(SandboxPayment).order_by(SandboxPayment.id)).all()[1]
        tampered.status, tampered.refunded_pence = "declined", 700
        db.session.commit()

    with app.app_context():
        assert reconcile() == {"checked": 2, "completed": 1, "flagged": 1, "errors": 0}
    assert the_case(app, alpha, lost_ref).state == "submitted"
    assert len(receipts(app, "lost@example.com")) == 1
    lost, flagged = rows(app, alpha, Payment)
    assert lost.state == "success" and lost.discrepancy == ""
    assert "we recorded this payment as successful but sandbox says it is failed" in flagged.discrepancy.lower()
    assert "sandbox has refunded £7.00; we recorded £0.00." in flagged.discrepancy
    with app.app_context():
        assert reconcile() == {"checked": 2, "completed": 0, "flagged": 0, "errors": 0}  # nothing new
    assert audit_actions(app, alpha).count("payment.discrepancy") == 1
    assert len(receipts(app, "lost@example.com")) == 1

    listed = supervisor.get("/alpha/staff/payments/?flagged=yes").get_data(as_text=True)
    assert "1 payment" in listed and flagged.public_id in listed
    url = f"/alpha/staff/payments/{flagged.public_id}"
    page = supervisor.get(url).get_data(as_text=True)
    assert 'id="discrepancy"' in page
    supervisor.post(f"{url}/resolve", data={"csrf_token": csrf_token(page)})
    assert rows(app, alpha, Payment)[1].discrepancy == ""
    assert "payment.discrepancy_resolved" in audit_actions(app, alpha)


def test_the_case_page_panel_lists_the_cases_payments(app, client, forces):
    alpha = forces[0]
    reference = apply_for_permit(client)
    pay(client, reference, "declined")
    pay(client, reference)
    with app.test_request_context("/alpha/staff/"), tenant_context(alpha):
        html = render_template_string('{% include "payments/case_panel.html" %}', case=engine.find_case(reference))
    assert html.count("/alpha/staff/payments/") == 2 and "Failed" in html and "Paid" in html and "£25.00" in html


def test_staff_can_ask_the_provider_now(app, client, forces, supervisor):
    alpha = forces[0]
    reference = apply_for_permit(client)
    sandbox_url = choose_in_sandbox(client, press_pay(client, reference), "success")
    url = f"/alpha/staff/payments/{payment_public_id(sandbox_url)}"
    page = supervisor.get(url).get_data(as_text=True)
    body = supervisor.post(f"{url}/check", data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "Checked with the provider: Paid." in body.get_data(as_text=True)
    assert the_case(app, alpha, reference).state == "submitted"


# -- webhooks and money ------------------------------------------------------------------------------


def test_webhooks_need_a_known_provider_and_a_valid_signature_but_no_csrf_token(app, client, forces):
    assert client.post("/payments/webhooks/nobody", data=b"{}").status_code == 404
    assert client.post("/payments/webhooks/sandbox", data=b"{}").status_code == 400  # the sandbox sends none
    unsigned = client.post(
        "/payments/webhooks/stripe", data=b'{"id": "evt_1"}', headers={"Stripe-Signature": "t=1,v1=forged"}
    )
    assert unsigned.status_code == 400 and unsigned.get_data(as_text=True) == "invalid signature\n"


@pytest.mark.parametrize(("typed", "pence"), [("12.50", 1250), ("£1,234.5", 123450), (" 7 ", 700), ("0.01", 1)])
def test_amounts_typed_in_pounds_are_read_in_pence(app, typed, pence):
    with app.test_request_context():
        assert parse_pounds(typed) == pence


@pytest.mark.parametrize("typed", ["", "12.345", "-5", "abc", "0.00", "1e3"])
def test_amounts_that_are_not_money_are_refused(app, typed):
    with app.test_request_context(), pytest.raises(ValueError):
        parse_pounds(typed)
