"""Payments through GOV.UK Pay, against a local server that follows Pay's published API over real HTTP:
creating, paying on Pay's page, the payer's return, signed webhooks (duplicated, out of order, forged),
full and partial refunds with the refund_amount_available guard, a force's choice of provider, and a
storm of webhooks and returns that must leave our ledger equal to Pay's with one fulfilment."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import requests
from frontcounter.audit.models import AuditEvent
from frontcounter.billing.models import PlatformCharge
from frontcounter.cases.models import CaseEvent
from frontcounter.extensions import db
from frontcounter.jobs.outbox import OutboxMessage, relay
from frontcounter.payments.models import Payment, ProviderEvent, Refund
from frontcounter.payments.reconcile import reconcile
from frontcounter.tenancy import Tenant

from tests.conftest import mailbox, run_jobs
from tests.support.govuk_pay_stub import GovukPayStub
from tests.support.race import race
from tests.test_payments import (  # noqa: F401 - fixture: supervisor
    apply_for_permit,
    come_back,
    press_pay,
    receipts,
    refund_form,
    rows,
    supervisor_fixture,
    the_case,
)


@pytest.fixture(scope="session", name="pay_stub")
def pay_stub_fixture():
    with GovukPayStub() as stub:
        yield stub


def choose_provider(app, slug: str, **settings) -> None:
    """What `[payments]` in tenants/<slug>.toml sets."""
    with app.app_context():
        tenant = db.session.scalar(db.select(Tenant).filter_by(slug=slug))
        tenant.payments = settings
        db.session.commit()


@pytest.fixture(name="pay_alpha")
def pay_alpha_fixture(app, forces, pay_stub, monkeypatch) -> GovukPayStub:
    """Alpha chooses GOV.UK Pay, with its own key and webhook secret (per force); Bravo keeps the sandbox."""
    for name, value in pay_stub.config("_ALPHA").items():
        monkeypatch.setitem(app.config, name, value)
    monkeypatch.setattr(pay_stub, "refund_status", "success")
    choose_provider(app, "alpha", provider="govuk_pay")
    return pay_stub


def pay_id(app, force, index: int = 0) -> str:
    return rows(app, force, Payment)[index].provider_ref


def pay_on_pays_page(pay_page: str, outcome: str = "success") -> str:
    """The payer on Pay's hosted page, over HTTP: it opens, they choose; return where Pay sends them back."""
    assert requests.get(pay_page, timeout=10).status_code == 200
    answer = requests.post(pay_page, data={"outcome": outcome}, allow_redirects=False, timeout=10)
    assert answer.status_code == 303
    return answer.headers["Location"]


def local(url: str) -> str:
    """An absolute URL of the app as a path for the test client."""
    return urlsplit(url).path


def webhook_url(live_url: str) -> str:
    return f"{live_url}/payments/webhooks/govuk_pay"


# -- paying -----------------------------------------------------------------------------------------


def test_a_force_that_chose_govuk_pay_takes_a_payment_there_and_the_payer_comes_back(app, client, forces, pay_alpha):
    alpha = forces[0]
    reference = apply_for_permit(client)
    pay_page = press_pay(client, reference)
    assert pay_page.startswith(f"{pay_alpha.base_url}/pay/")
    [payment] = rows(app, alpha, Payment)
    assert (payment.provider, payment.state, payment.purpose) == ("govuk_pay", "started", "fee")
    sent = pay_alpha.payments[payment.provider_ref]
    assert (sent["amount"], sent["reference"], sent["description"]) == (2500, reference, "Parking permit fee")
    assert sent["owner"] == pay_alpha.api_key and sent["metadata"]["payment"] == payment.public_id
    assert local(sent["return_url"]) == f"/alpha/payments/{payment.public_id}/return"

    back = pay_on_pays_page(pay_page)
    assert pay_alpha.status(payment.provider_ref) == "success"
    assert "Payment received. We have emailed you a receipt." in come_back(client, local(back))
    assert the_case(app, alpha, reference).state == "submitted"
    assert len(rows(app, alpha, CaseEvent, transition="pay")) == 1
    assert len(receipts(app, "payer@example.com")) == 1
    assert [(c.amount_pence, c.vat_pence) for c in rows(app, alpha, PlatformCharge)] == [(99, 20)]
    # Every API call carried the force's key; Bravo, which chose nothing, still pays in the sandbox.
    assert press_pay(client, apply_for_permit(client, "bravo"), "bravo").endswith("/sandbox")


def test_a_declined_then_cancelled_payment_leaves_the_case_waiting_and_a_bad_key_is_refused(
    app, client, forces, pay_alpha, monkeypatch
):
    alpha = forces[0]
    reference = apply_for_permit(client)
    back = pay_on_pays_page(press_pay(client, reference), "declined")
    assert "Your payment was declined" in come_back(client, local(back))
    back = pay_on_pays_page(press_pay(client, reference), "cancel")
    assert "You cancelled the payment" in come_back(client, local(back))
    assert [p.state for p in rows(app, alpha, Payment)] == ["failed", "cancelled"]
    assert the_case(app, alpha, reference).state == "awaiting_payment"

    monkeypatch.setitem(app.config, "GOVUK_PAY_API_KEY_ALPHA", "api_test_not_a_key")
    page = client.get(f"/alpha/sample/case/{reference}/pay").get_data(as_text=True)
    from tests.conftest import csrf_token

    refused = client.post(
        f"/alpha/sample/case/{reference}/pay", data={"csrf_token": csrf_token(page)}, follow_redirects=True
    )
    assert "Payments are not available at the moment." in refused.get_data(as_text=True)
    assert len(rows(app, alpha, Payment)) == 2  # the refused attempt was rolled back
    assert ("POST", "/v1/payments", 401) in pay_alpha.requests


# -- webhooks ---------------------------------------------------------------------------------------


def test_signed_webhooks_over_http_out_of_order_and_twice_fulfil_once_and_forgeries_are_refused(
    app, client, forces, pay_alpha, live_url
):
    alpha = forces[0]
    reference = apply_for_permit(client)
    pay_on_pays_page(press_pay(client, reference), "declined")  # the payer never comes back
    pay_on_pays_page(press_pay(client, reference), "success")
    first, second = pay_id(app, alpha, 0), pay_id(app, alpha, 1)
    url = webhook_url(live_url)

    started = pay_alpha.webhook(second, "card_payment_started")  # sent first, arrives last
    succeeded, failed = pay_alpha.webhook(second), pay_alpha.webhook(first)
    answers = [pay_alpha.deliver(url, m) for m in (succeeded, failed, succeeded, started, failed)]
    assert [(a.status_code, a.text) for a in answers] == [
        (200, "synced\n"),
        (200, "synced\n"),
        (200, "duplicate\n"),
        (200, "synced\n"),  # a new message, but only a trigger: the payment is re-fetched, still paid
        (200, "duplicate\n"),
    ]
    assert [p.state for p in rows(app, alpha, Payment)] == ["failed", "success"]
    assert the_case(app, alpha, reference).state == "submitted"
    assert len(rows(app, alpha, CaseEvent, transition="pay")) == 1
    assert len(receipts(app, "payer@example.com")) == 1

    body, headers = pay_alpha.webhook(second)
    forged = [
        (body, {**headers, "Pay-Signature": pay_alpha.webhook(second, secret="someone-elses")[1]["Pay-Signature"]}),
        (body.replace(b'"amount": 2500', b'"amount": 1'), headers),  # tampered after signing
        (body, {"Content-Type": "application/json"}),  # unsigned
    ]
    assert [pay_alpha.deliver(url, m).status_code for m in forged] == [400, 400, 400]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ProviderEvent.id))) == 3

    # A payment of another service at Pay, not ours: verified, then ignored.
    other = requests.post(
        f"{pay_alpha.base_url}/v1/payments",
        json={"amount": 100, "reference": "X", "description": "Not ours", "return_url": "https://example.com"},
        headers={"Authorization": f"Bearer {pay_alpha.api_key}"},
        timeout=10,
    ).json()["payment_id"]
    assert pay_alpha.deliver(url, pay_alpha.webhook(other)).text == "ignored\n"


# -- refunds ----------------------------------------------------------------------------------------


def test_full_and_partial_refunds_through_pay_with_the_amount_available_guard(
    app, client, forces, pay_alpha, supervisor
):
    alpha = forces[0]
    reference = apply_for_permit(client)
    come_back(client, local(pay_on_pays_page(press_pay(client, reference))))
    [payment] = rows(app, alpha, Payment)
    url = f"/alpha/staff/payments/{payment.public_id}"

    _status, body = refund_form(supervisor, url, how="part", amount="7.50", reason="Fewer months")
    assert "Refund of £7.50 made. We have emailed the applicant." in body
    assert pay_alpha.refunded(payment.provider_ref) == 750
    [refund] = rows(app, alpha, Refund)
    assert refund.state == "success" and refund.provider_ref in {
        r["refund_id"] for r in pay_alpha.payments[payment.provider_ref]["refunds"]
    }

    # Someone refunds £2.50 in Pay's own admin tool: what we believe is left (£17.50) no longer matches,
    # so Pay refuses our next refund with 412 rather than refund more than it should.
    pay_alpha.refund_outside(payment.provider_ref, 250)
    _status, body = refund_form(supervisor, url, how="full", reason="Withdrawn")
    assert "The payment provider refused the refund" in body and "amount left to refund has changed" in body
    assert ("POST", f"/v1/payments/{payment.provider_ref}/refunds", 412) in pay_alpha.requests
    assert rows(app, alpha, Payment)[0].refunded_pence == 750  # the reservation was released
    assert pay_alpha.refunded(payment.provider_ref) == 1000
    with app.app_context():
        assert reconcile()["flagged"] == 1
    assert "govuk_pay has refunded £10.00; we recorded £7.50." in rows(app, alpha, Payment)[0].discrepancy

    # A refund of what is really left goes through; the ledger's refund rows say what happened.
    pay_alpha.payments[payment.provider_ref]["refunds"].pop()  # (the admin-tool refund is undone)
    _status, body = refund_form(supervisor, url, how="full", reason="Withdrawn")
    assert "Refund of £17.50 made." in body
    assert pay_alpha.refunded(payment.provider_ref) == 2500 == rows(app, alpha, Payment)[0].refunded_pence
    assert [(r.amount_pence, r.state) for r in rows(app, alpha, Refund)] == [
        (750, "success"),
        (1750, "error"),
        (1750, "success"),
    ]
    notices = [m.subject for m in mailbox(app, "payer@example.com") if m.subject.startswith("Refund")]
    assert notices == [f"Refund of £7.50 for {reference}", f"Refund of £17.50 for {reference}"]


def test_a_refund_pay_confirms_later_is_settled_by_its_webhook(app, client, forces, pay_alpha, supervisor, live_url):
    alpha = forces[0]
    pay_alpha.refund_status = "submitted"
    reference = apply_for_permit(client)
    come_back(client, local(pay_on_pays_page(press_pay(client, reference))))
    [payment] = rows(app, alpha, Payment)
    refund_form(supervisor, f"/alpha/staff/payments/{payment.public_id}", how="full", reason="Withdrawn")
    [refund] = rows(app, alpha, Refund)
    assert refund.state == "submitted" and not [m for m in mailbox(app, "payer@example.com") if "Refund" in m.subject]

    pay_alpha.settle_refund(payment.provider_ref, refund.provider_ref)
    message = pay_alpha.webhook(payment.provider_ref, "card_payment_refunded")
    assert pay_alpha.deliver(webhook_url(live_url), message).text == "synced\n"
    assert rows(app, alpha, Refund)[0].state == "success"
    assert [m.subject for m in mailbox(app, "payer@example.com") if m.subject.startswith("Refund")] == [
        f"Refund of £25.00 for {reference}"
    ]
    assert "payment.refund_confirmed" in [e.action for e in rows(app, alpha, AuditEvent)]


def test_an_automatic_refund_pay_refuses_is_recorded_and_retried_until_it_goes_through(
    app, client, forces, pay_alpha, monkeypatch
):
    alpha = forces[0]
    reference = apply_for_permit(client)
    first, second = press_pay(client, reference), press_pay(client, reference)
    come_back(client, local(pay_on_pays_page(first)))
    monkeypatch.setattr(pay_alpha, "refunds_down", 1)
    come_back(client, local(pay_on_pays_page(second)))  # paid twice: the refund is asked for after commit
    run_jobs(app)
    duplicate = rows(app, alpha, Payment)[1]
    assert duplicate.state == "success" and duplicate.refunded_pence == 0
    [failed] = rows(app, alpha, Refund)
    assert (failed.state, failed.actor) == ("error", "system: payments") and "500" in failed.error
    with app.app_context():
        [message] = db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.target.like("%refund_duplicate"))
        ).all()
        assert message.done_at is None and "GOV.UK Pay answered 500" in message.last_error
        assert relay() == 0  # not before its back-off
        assert relay(now=datetime.now(UTC) + timedelta(minutes=10)) == 1
    run_jobs(app)
    assert [(r.amount_pence, r.state) for r in rows(app, alpha, Refund)] == [(2500, "error"), (2500, "success")]
    assert pay_alpha.refunded(duplicate.provider_ref) == 2500 == rows(app, alpha, Payment)[1].refunded_pence
    assert len(rows(app, alpha, CaseEvent, transition="pay")) == 1
    actions = [e.action for e in rows(app, alpha, AuditEvent)]
    assert actions.count("payment.refund_failed") == 1 and actions.count("payment.refunded") == 1


def test_without_a_webhook_reconciliation_settles_a_submitted_refund(app, client, forces, pay_alpha, supervisor):
    alpha = forces[0]
    pay_alpha.refund_status = "submitted"
    reference = apply_for_permit(client)
    come_back(client, local(pay_on_pays_page(press_pay(client, reference))))
    [payment] = rows(app, alpha, Payment)
    refund_form(supervisor, f"/alpha/staff/payments/{payment.public_id}", how="part", amount="5.00", reason="Less")
    [refund] = rows(app, alpha, Refund)
    pay_alpha.settle_refund(payment.provider_ref, refund.provider_ref)
    with app.app_context():
        assert reconcile()["flagged"] == 0
    assert rows(app, alpha, Refund)[0].state == "success"
    assert [m.subject for m in mailbox(app, "payer@example.com") if m.subject.startswith("Refund")] == [
        f"Refund of £5.00 for {reference}"
    ]


# -- the storm --------------------------------------------------------------------------------------


def test_a_storm_of_shuffled_duplicated_webhooks_and_returns_leaves_the_ledger_equal_to_pays(
    app, client, forces, pay_alpha, live_url
):
    """Two tabs, both paid at Pay; then 48 webhooks (each message 3 to 5 times, shuffled, older messages
    after newer) and 8 returns from the payer's browser, all at once over HTTP."""
    alpha = forces[0]
    reference = apply_for_permit(client)
    tabs = [press_pay(client, reference) for _ in range(3)]
    backs = [pay_on_pays_page(tabs[0]), pay_on_pays_page(tabs[1]), pay_on_pays_page(tabs[2], "declined")]
    ids = [pay_id(app, alpha, i) for i in range(3)]

    generator = random.Random(20261206)
    messages = []
    for payment_id in ids:
        for event_type in ("card_payment_started", None, "card_payment_captured"):
            messages.extend([pay_alpha.webhook(payment_id, event_type)] * generator.randint(3, 5))
    while len(messages) < 48:
        messages.append(generator.choice(messages))
    generator.shuffle(messages)
    url = webhook_url(live_url)
    workers = [lambda m=m: pay_alpha.deliver(url, m).status_code for m in messages]
    workers += [lambda b=b: requests.get(f"{live_url}{local(b)}", allow_redirects=False, timeout=60).status_code
                for b in backs[:2] * 4]
    answers = race(workers)
    run_jobs(app)  # the automatic refund (on PostgreSQL it waits in Redis for a worker)

    assert sorted(set(answers)) == [200, 302]
    payments = rows(app, alpha, Payment)
    assert [p.state for p in payments] == ["success", "success", "failed"]
    # Exactly one fulfilment, one platform charge, one receipt per payment taken, one refund.
    assert len(rows(app, alpha, CaseEvent, transition="pay")) == 1
    assert len(rows(app, alpha, PlatformCharge)) == 1
    assert the_case(app, alpha, reference).state == "submitted"
    [refund] = rows(app, alpha, Refund)
    assert (refund.amount_pence, refund.state, refund.actor) == (2500, "success", "system: payments")
    # The ledger equals Pay's, payment by payment: states and what was refunded.
    ours = [(p.provider_ref, p.state, p.amount_pence, p.refunded_pence) for p in payments]
    theirs = [
        (i, pay_alpha.status(i), pay_alpha.payments[i]["amount"], pay_alpha.refunded(i)) for i in ids
    ]
    assert ours == theirs
    assert sum(p.amount_pence - p.refunded_pence for p in payments if p.state == "success") == 2500
    with app.app_context():
        assert reconcile()["flagged"] == 0
        handled = db.session.scalar(db.select(db.func.count(ProviderEvent.id)))
    assert handled == len({m[0] for m in messages})
    ours_refunded = {f"/v1/payments/{i}/refunds" for i in ids}
    refunds_sent = [r for r in pay_alpha.requests if r[0] == "POST" and r[1] in ours_refunded]
    print(
        f"\nstorm: {len(messages)} webhooks ({handled} distinct) and 8 returns; "
        f"fulfilments {len(rows(app, alpha, CaseEvent, transition='pay'))}; refunds asked of Pay {len(refunds_sent)}; "
        f"ledger {ours} == Pay {theirs}"
    )
    assert len(refunds_sent) == 1
