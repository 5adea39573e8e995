"""Unfinished payments expire (90 minutes by default, a force may choose), for every provider: the sweeper
asks the provider, cancels where it can, marks the payment expired, gives back the place the case was
holding, and the case waits for payment again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from frontcounter.bookings import Booking, Slot, hold
from frontcounter.cases import engine
from frontcounter.extensions import db
from frontcounter.jobs.schedule import all_tasks
from frontcounter.payments import is_paid
from frontcounter.payments.expiry import expire_payments
from frontcounter.payments.models import Payment, SandboxPayment
from frontcounter.payments.service import start_payment
from frontcounter.tenancy import Tenant, tenant_context

from tests.test_bookings import at, make_slots, slot_row
from tests.test_payments import (
    apply_for_permit,
    audit_actions,
    choose_in_sandbox,
    come_back,
    press_pay,
    receipts,
    rows,
    the_case,
)
from tests.test_payments_govuk_pay import (  # noqa: F401 - fixtures
    choose_provider,
    pay_alpha_fixture,
    pay_stub_fixture,
    webhook_url,
)


def later(minutes: int) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


def hold_and_pay(app, force, reference: str, slot_id: int) -> str:
    """Hold a place for the case, then start paying (as a booking service's page does); return where to pay."""
    with app.app_context(), tenant_context(db.session.scalar(db.select(Tenant).filter_by(slug=force.slug))):
        case = engine.find_case(reference)
        hold(db.session.get(Slot, slot_id), case, actor="payer@example.com")
        next_url = start_payment(case, 2500, "Parking permit fee", fulfil_transition="pay")
        db.session.commit()
        return next_url


def held(app, force, reference: str) -> list[str]:
    with app.app_context(), tenant_context(force):
        case = engine.find_case(reference)
        return list(db.session.scalars(db.select(Booking.state).filter_by(case_id=case.id).order_by(Booking.id)))


def test_the_sweeper_expires_an_unfinished_payment_gives_the_place_back_and_the_case_can_pay_again(
    app, client, forces
):
    alpha = forces[0]
    with app.app_context():
        assert "payments-expire" in {task.name for task in all_tasks()}  # the core registers it through the hook
    [slot_id] = make_slots(app, alpha, at(3), capacity=1)
    reference = apply_for_permit(client)
    sandbox_url = hold_and_pay(app, alpha, reference, slot_id)  # the payer leaves the sandbox page, undecided
    assert slot_row(app, alpha, slot_id).places_left == 0

    with app.app_context():
        assert expire_payments(later(89)) == {"expired": 0, "completed": 0, "ended": 0, "errors": 0}
        assert expire_payments(later(91)) == {"expired": 1, "completed": 0, "ended": 0, "errors": 0}
        assert expire_payments(later(200))["expired"] == 0  # once
    [payment] = rows(app, alpha, Payment)
    assert payment.state == "expired" and payment.failure == "not finished in time"
    [sandbox] = rows(app, alpha, SandboxPayment)
    assert sandbox.status == "cancelled"  # cancelled at the provider: it can no longer be paid there
    assert held(app, alpha, reference) == ["expired"] and slot_row(app, alpha, slot_id).places_left == 1
    assert the_case(app, alpha, reference).state == "awaiting_payment"
    assert audit_actions(app, alpha) == ["payment.expired"]
    assert "booking.expired" in audit_actions(app, alpha, "booking.")
    # The payer comes back to the old page: the sandbox no longer takes it, and they are told why.
    gone = client.get(sandbox_url)
    assert gone.status_code == 302  # no choice offered any more: straight back to us
    back = come_back(client, gone.headers["Location"])
    assert "This payment was not finished in time, so no money was taken." in back
    assert rows(app, alpha, Payment)[0].state == "expired"
    # The case waits for payment again: the payer pays now, and it is fulfilled as usual.
    landed = come_back(client, choose_in_sandbox(client, press_pay(client, reference), "success"))
    assert "Payment received" in landed and the_case(app, alpha, reference).state == "submitted"


def test_a_payment_taken_but_never_reported_is_completed_not_expired_and_a_force_may_choose_its_time(
    app, client, forces
):
    alpha = forces[0]
    choose_provider(app, "alpha", expiry_minutes=30)
    reference = apply_for_permit(client)
    sandbox_url = press_pay(client, reference)
    paid = apply_for_permit(client, email="other@example.com")
    paid_url = press_pay(client, paid)
    with app.app_context(), tenant_context(alpha):
        # The second payer chose success on the sandbox page, then closed the tab before coming back.
        from frontcounter.payments.providers.sandbox import SandboxProvider

        SandboxProvider().choose(rows(app, alpha, Payment)[1], "success")
        db.session.commit()
    assert sandbox_url != paid_url
    with app.app_context():
        assert expire_payments(later(29))["expired"] == 0
        assert expire_payments(later(31)) == {"expired": 1, "completed": 1, "ended": 0, "errors": 0}
    assert [p.state for p in rows(app, alpha, Payment)] == ["expired", "success"]
    assert the_case(app, alpha, paid).state == "submitted"
    assert len(receipts(app, "other@example.com")) == 1
    with app.app_context(), tenant_context(alpha):
        assert not is_paid(engine.find_case(reference))


def test_an_unfinished_govuk_pay_payment_is_cancelled_at_pay_and_pays_own_expiry_is_heard_by_webhook(
    app, client, forces, pay_alpha, live_url
):
    alpha = forces[0]
    [slot_id] = make_slots(app, alpha, at(3), capacity=2)
    first = apply_for_permit(client)
    pay_page = hold_and_pay(app, alpha, first, slot_id)
    assert pay_page.startswith(pay_alpha.base_url)
    second = apply_for_permit(client, email="second@example.com")
    hold_and_pay(app, alpha, second, slot_id)
    assert slot_row(app, alpha, slot_id).places_left == 0
    one, two = (p.provider_ref for p in rows(app, alpha, Payment))

    # Pay's own 90 minutes end the second first: its webhook is heard and the place given back at once.
    pay_alpha.expire(two)
    assert pay_alpha.deliver(webhook_url(live_url), pay_alpha.webhook(two, "card_payment_expired")).text == "synced\n"
    assert [p.state for p in rows(app, alpha, Payment)] == ["started", "expired"]
    assert held(app, alpha, second) == ["expired"] and slot_row(app, alpha, slot_id).places_left == 1

    # The sweeper cancels the first at Pay (it could still be paid there) and expires it.
    with app.app_context():
        assert expire_payments(later(91)) == {"expired": 1, "completed": 0, "ended": 0, "errors": 0}
    assert pay_alpha.status(one) == "cancelled"
    assert ("POST", f"/v1/payments/{one}/cancel", 204) in pay_alpha.requests
    assert [p.state for p in rows(app, alpha, Payment)] == ["expired", "expired"]
    assert held(app, alpha, first) == ["expired"] and slot_row(app, alpha, slot_id).places_left == 2
    assert the_case(app, alpha, first).state == the_case(app, alpha, second).state == "awaiting_payment"


def test_when_pay_cannot_be_reached_the_payment_is_left_for_the_next_run(app, client, forces, pay_alpha, monkeypatch):
    alpha = forces[0]
    reference = apply_for_permit(client)
    press_pay(client, reference)
    monkeypatch.setitem(app.config, "GOVUK_PAY_API_BASE_ALPHA", "http://127.0.0.1:9")  # nothing listens there
    with app.app_context():
        assert expire_payments(later(91)) == {"expired": 0, "completed": 0, "ended": 0, "errors": 1}
    assert rows(app, alpha, Payment)[0].state == "started"
    monkeypatch.setitem(app.config, "GOVUK_PAY_API_BASE_ALPHA", pay_alpha.base_url)
    with app.app_context():
        assert expire_payments(later(91))["expired"] == 1
    assert the_case(app, alpha, reference).state == "awaiting_payment"


def test_a_place_is_kept_while_another_payment_for_the_case_is_still_open(app, client, forces):
    alpha = forces[0]
    [slot_id] = make_slots(app, alpha, at(3), capacity=1)
    reference = apply_for_permit(client)
    hold_and_pay(app, alpha, reference, slot_id)
    press_pay(client, reference)  # the payer tries again in a new tab much later
    with app.app_context(), tenant_context(alpha):
        first = db.session.scalars(db.select(Payment).order_by(Payment.id)).first()
        first.created_at = datetime.now(UTC) - timedelta(minutes=100)
        db.session.commit()
    with app.app_context():
        assert expire_payments()["expired"] == 1
    assert [p.state for p in rows(app, alpha, Payment)] == ["expired", "started"]
    assert held(app, alpha, reference) == ["held"] and slot_row(app, alpha, slot_id).places_left == 0
    with app.app_context():
        assert expire_payments(later(91))["expired"] == 1
    assert held(app, alpha, reference) == ["expired"] and slot_row(app, alpha, slot_id).places_left == 1
