"""Payments with Stripe through the official SDK, against localstripe on 127.0.0.1, with real signed webhooks
delivered twice, out of order and racing the payer's return; refunds; reconciliation; Stripe being down."""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
import time

import pytest
import stripe
from frontcounter.billing.models import PlatformCharge
from frontcounter.cases.models import CaseEvent
from frontcounter.extensions import db
from frontcounter.payments.models import Payment, ProviderEvent, Refund
from frontcounter.payments.reconcile import reconcile

from tests.conftest import csrf_token, mailbox
from tests.support.localstripe_server import Delivery, WebhookCatcher, register_webhook, start_localstripe
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

SECRET = "whsec_frontcounter_test"


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory):
    """localstripe, with its webhooks signed with SECRET and caught so tests can deliver them as they like."""
    server = start_localstripe(tmp_path_factory.mktemp("localstripe"))
    catcher = WebhookCatcher()
    register_webhook(server.url, catcher.url, SECRET)
    yield server.url, catcher
    catcher.stop()
    server.stop()


@pytest.fixture
def stripe_alpha(app, forces, localstripe, monkeypatch) -> WebhookCatcher:
    """Alpha has its own Stripe keys (for localstripe); Bravo has none and keeps the sandbox."""
    api_base, catcher = localstripe
    for name, value in {
        "STRIPE_SECRET_KEY_ALPHA": "sk_test_alpha",
        "STRIPE_WEBHOOK_SECRET_ALPHA": SECRET,
        "STRIPE_PUBLISHABLE_KEY_ALPHA": "pk_test_alpha",
        "STRIPE_API_BASE_ALPHA": api_base,
    }.items():
        monkeypatch.setitem(app.config, name, value)
    return catcher


@pytest.fixture
def payer(localstripe) -> stripe.StripeClient:
    """What the payer's browser does through Stripe Elements: confirm the PaymentIntent with a card."""
    return stripe.StripeClient("sk_test_payer", base_addresses={"api": localstripe[0]})


def pay_with_card(payer: stripe.StripeClient, intent_id: str, card: str = "pm_card_visa") -> None:
    payer.v1.payment_intents.update(intent_id, params={"payment_method": card})
    payer.v1.payment_intents.confirm(intent_id)


def return_url_of(card_page: str) -> str:
    return re.search(r'id="check-payment" href="([^"]+)"', card_page).group(1)


def deliver(client, delivery: Delivery, body: bytes | None = None):
    """Post a webhook to the app exactly as localstripe signed it."""
    return client.post(
        "/payments/webhooks/stripe",
        data=delivery.body if body is None else body,
        headers={"Stripe-Signature": delivery.headers["Stripe-Signature"], "Content-Type": "application/json"},
    )


def test_the_sample_plugin_pays_with_stripe_with_webhooks_twice_and_out_of_order(
    app, client, forces, stripe_alpha, payer
):
    alpha = forces[0]
    reference = apply_for_permit(client)
    card_url = press_pay(client, reference)
    assert card_url.endswith("/stripe") and "/alpha/payments/" in card_url
    card_page = client.get(card_url).get_data(as_text=True)
    assert "Pay £25.00" in card_page and 'data-publishable-key="pk_test_alpha"' in card_page
    assert re.search(r'data-client-secret="pi_\w+_secret_\w+"', card_page) and 'js.stripe.com/v3/"' not in card_page
    [first] = rows(app, alpha, Payment)
    assert first.provider == "stripe" and first.provider_ref.startswith("pi_") and first.state == "started"

    # The first card is declined; the payer comes back and tries again with another.
    with pytest.raises(stripe.CardError):
        pay_with_card(payer, first.provider_ref, "pm_card_chargeCustomerFail")
    assert "Your payment was declined" in come_back(client, return_url_of(card_page))
    second_page = client.get(press_pay(client, reference)).get_data(as_text=True)
    second = rows(app, alpha, Payment)[1]
    pay_with_card(payer, second.provider_ref)

    failed = stripe_alpha.wait_for("payment_intent.payment_failed", first.provider_ref)
    succeeded = stripe_alpha.wait_for("payment_intent.succeeded", second.provider_ref)
    # Delivered newest first, each twice, before the payer's browser is back: one fulfilment.
    answers = [deliver(client, d) for d in (succeeded, failed, succeeded, failed)]
    assert [(a.status_code, a.get_data(as_text=True)) for a in answers] == [
        (200, "synced\n"),
        (200, "synced\n"),
        (200, "duplicate\n"),
        (200, "duplicate\n"),
    ]
    assert "Payment received. We have emailed you a receipt." in come_back(client, return_url_of(second_page))

    assert [p.state for p in rows(app, alpha, Payment)] == ["failed", "success"]
    assert the_case(app, alpha, reference).state == "submitted"
    assert len(rows(app, alpha, CaseEvent, transition="pay")) == 1
    assert len(receipts(app, "payer@example.com")) == 1
    assert [(c.amount_pence, c.vat_pence) for c in rows(app, alpha, PlatformCharge)] == [(99, 20)]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ProviderEvent.id))) == 2
    # Bravo has no Stripe keys: its payers still use the sandbox.
    assert press_pay(client, apply_for_permit(client, "bravo"), "bravo").endswith("/sandbox")


def test_the_payers_return_and_repeated_webhooks_racing_each_other_fulfil_once(
    app, client, forces, stripe_alpha, payer
):
    alpha = forces[0]
    reference = apply_for_permit(client)
    card_page = client.get(press_pay(client, reference)).get_data(as_text=True)
    [payment] = rows(app, alpha, Payment)
    pay_with_card(payer, payment.provider_ref)
    delivery = stripe_alpha.wait_for("payment_intent.succeeded", payment.provider_ref)
    return_url = return_url_of(card_page)

    callers = 6
    start = threading.Barrier(callers)
    answers: list[int] = []

    def webhook() -> None:
        browser = app.test_client()
        start.wait()
        answers.append(deliver(browser, delivery).status_code)

    def payer_returns() -> None:
        browser = app.test_client()
        start.wait()
        answers.append(browser.get(return_url).status_code)

    threads = [threading.Thread(target=webhook) for _ in range(4)] + [
        threading.Thread(target=payer_returns) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(answers) == [200, 200, 200, 200, 302, 302]
    assert rows(app, alpha, Payment)[0].state == "success"
    assert len(rows(app, alpha, CaseEvent, transition="pay")) == 1
    assert len(receipts(app, "payer@example.com")) == 1
    assert len(rows(app, alpha, PlatformCharge)) == 1


def test_a_supervisor_refunds_part_of_a_stripe_payment_and_reconciliation_agrees(
    app, client, forces, stripe_alpha, payer, supervisor, localstripe
):
    alpha = forces[0]
    reference = apply_for_permit(client)
    card_page = client.get(press_pay(client, reference)).get_data(as_text=True)
    [payment] = rows(app, alpha, Payment)
    pay_with_card(payer, payment.provider_ref)
    come_back(client, return_url_of(card_page))

    _status, body = refund_form(
        supervisor,
        f"/alpha/staff/payments/{payment.public_id}",
        how="part",
        amount="7.50",
        reason="Permit for fewer months",
    )
    assert "Refund of £7.50 made. We have emailed the applicant." in body
    [refund] = rows(app, alpha, Refund)
    assert refund.state == "success" and refund.provider_ref.startswith("re_")
    notice = [m for m in mailbox(app, "payer@example.com") if m.subject.startswith("Refund")]
    assert [m.subject for m in notice] == [f"Refund of £7.50 for {reference}"]
    intent = stripe.StripeClient("sk_test_check", base_addresses={"api": localstripe[0]}).v1.payment_intents.retrieve(
        payment.provider_ref, params={"expand": ["latest_charge"]}
    )
    assert intent.latest_charge.amount_refunded == 750  # Stripe's own record

    with app.app_context():
        assert reconcile()["flagged"] == 0
    # Someone refunds in Stripe's dashboard instead of here: reconciliation flags it.
    stripe.StripeClient("sk_test_dashboard", base_addresses={"api": localstripe[0]}).v1.refunds.create(
        params={"payment_intent": payment.provider_ref, "amount": 250}
    )
    with app.app_context():
        assert reconcile() == {"checked": 1, "completed": 0, "flagged": 1, "errors": 0}
    assert "stripe has refunded £10.00; we recorded £7.50." in rows(app, alpha, Payment)[0].discrepancy


def test_reconciliation_fulfils_a_stripe_payment_whose_webhook_and_return_never_came(
    app, client, forces, stripe_alpha, payer
):
    alpha = forces[0]
    reference = apply_for_permit(client)
    press_pay(client, reference)
    [payment] = rows(app, alpha, Payment)
    pay_with_card(payer, payment.provider_ref)  # then the browser closes, and the webhook is lost
    with app.app_context():
        assert reconcile() == {"checked": 1, "completed": 1, "flagged": 0, "errors": 0}
        assert reconcile()["completed"] == 0
    assert the_case(app, alpha, reference).state == "submitted"
    assert len(receipts(app, "payer@example.com")) == 1


def test_webhooks_that_do_not_verify_or_concern_no_payment_of_ours_change_nothing(
    app, client, forces, stripe_alpha, payer, localstripe
):
    alpha = forces[0]
    reference = apply_for_permit(client)
    press_pay(client, reference)
    [payment] = rows(app, alpha, Payment)
    pay_with_card(payer, payment.provider_ref)
    real = stripe_alpha.wait_for("payment_intent.succeeded", payment.provider_ref)

    tampered = real.body.replace(b'"amount": 2500', b'"amount": 1')
    assert tampered != real.body and deliver(client, real, tampered).status_code == 400
    timestamp = int(time.time())
    forged = hmac.new(b"whsec_someone_else", f"{timestamp}.".encode() + real.body, hashlib.sha256).hexdigest()
    response = client.post(
        "/payments/webhooks/stripe", data=real.body, headers={"Stripe-Signature": f"t={timestamp},v1={forged}"}
    )
    assert response.status_code == 400
    assert the_case(app, alpha, reference).state == "awaiting_payment"

    elsewhere = payer.v1.payment_intents.create(params={"amount": 999, "currency": "gbp"})  # not one of ours
    pay_with_card(payer, elsewhere.id)
    unrelated = stripe_alpha.wait_for("payment_intent.succeeded", elsewhere.id)
    assert deliver(client, unrelated).get_data(as_text=True) == "ignored\n"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ProviderEvent.id))) == 0
    assert deliver(client, real).get_data(as_text=True) == "synced\n"
    assert the_case(app, alpha, reference).state == "submitted"


def test_when_stripe_is_down_nothing_breaks_and_the_webhook_is_retried(
    app, client, forces, stripe_alpha, payer, localstripe, monkeypatch
):
    alpha = forces[0]
    reference = apply_for_permit(client)
    card_url = press_pay(client, reference)
    card_page = client.get(card_url).get_data(as_text=True)
    [payment] = rows(app, alpha, Payment)
    pay_with_card(payer, payment.provider_ref)
    delivery = stripe_alpha.wait_for("payment_intent.succeeded", payment.provider_ref)

    monkeypatch.setitem(app.config, "STRIPE_API_BASE_ALPHA", "http://127.0.0.1:9")  # nothing listens there
    down_page = client.get(card_url)
    assert down_page.status_code == 200 and "Card payments are not available" in down_page.get_data(as_text=True)
    back = come_back(client, return_url_of(card_page))
    assert "We could not confirm your payment yet." in back
    assert deliver(client, delivery).status_code == 503  # Stripe will retry it
    page = client.get(f"/alpha/sample/case/{reference}/pay").get_data(as_text=True)
    response = client.post(
        f"/alpha/sample/case/{reference}/pay", data={"csrf_token": csrf_token(page)}, follow_redirects=True
    )
    assert "Payments are not available at the moment." in response.get_data(as_text=True)
    assert [p.state for p in rows(app, alpha, Payment)] == ["started"]

    monkeypatch.setitem(app.config, "STRIPE_API_BASE_ALPHA", localstripe[0])
    assert deliver(client, delivery).get_data(as_text=True) == "synced\n"  # the retry is handled afresh
    assert the_case(app, alpha, reference).state == "submitted"
    assert len(receipts(app, "payer@example.com")) == 1


def test_an_unfinished_stripe_payment_expires_and_its_paymentintent_is_cancelled(
    app, client, forces, stripe_alpha, localstripe
):
    from datetime import UTC, datetime, timedelta

    from frontcounter.payments.expiry import expire_payments

    alpha = forces[0]
    reference = apply_for_permit(client)
    press_pay(client, reference)  # the payer opens the card page and goes away
    [payment] = rows(app, alpha, Payment)
    with app.app_context():
        outcome = expire_payments(datetime.now(UTC) + timedelta(minutes=91))
    assert outcome == {"expired": 1, "completed": 0, "ended": 0, "errors": 0}
    intent = stripe.StripeClient("sk_test_check", base_addresses={"api": localstripe[0]}).v1.payment_intents.retrieve(
        payment.provider_ref
    )
    assert intent.status == "canceled"  # it can no longer be paid at Stripe
    assert rows(app, alpha, Payment)[0].state == "expired"
    assert the_case(app, alpha, reference).state == "awaiting_payment"
