"""Webhooks end to end against a real receiver on 127.0.0.1: signed, sent through the outbox, retried with
back-off while the receiver is down, each event once; switched off (with an email) after repeated failures,
held events sent when switched back on; replays; nothing for a rolled-back change; one force's events never
reach another's endpoint."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from frontcounter.bookings import SlotSpec, book, cancel, create_slots
from frontcounter.cases import engine
from frontcounter.extensions import db
from frontcounter.integrations.webhooks.addresses import UnsafeAddress, check_url
from frontcounter.integrations.webhooks.delivery import retry_delay
from frontcounter.integrations.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from frontcounter.integrations.webhooks.signing import encrypt_secret, new_secret, signature_header, verify
from frontcounter.jobs.outbox import OutboxMessage, relay
from frontcounter.payments.service import pay_in_sandbox, refund
from frontcounter.tenancy import tenant_context

from tests.conftest import add_staff, mailbox, run_jobs
from tests.support.webhook_receiver import WebhookReceiver

ROOT = Path(__file__).resolve().parents[1]
CORE_EVENTS = ["booking.changed", "case.created", "case.transitioned", "payment.refunded", "payment.succeeded"]


@pytest.fixture
def receiver():
    server = WebhookReceiver(new_secret()).up()
    yield server
    server.down()


def add_endpoint(app, force, receiver, events=CORE_EVENTS) -> int:
    with app.app_context(), tenant_context(force):
        endpoint = WebhookEndpoint(url=receiver.url, events=list(events), created_at=datetime.now(UTC),
                                   secret_encrypted=encrypt_secret(receiver.secret))
        db.session.add(endpoint)
        db.session.commit()
        return endpoint.id


def open_case(app, force, email="ann@example.com") -> str:
    with app.app_context(), tenant_context(force):
        case = engine.open_case("sample", applicant_email=email, applicant_name="Ann", actor="test", language="en")
        db.session.commit()
        return case.reference


def retry_due(app, hours: float = 24) -> int:
    """What the sweeper does when the back-off has passed: relay due outbox work, and a worker runs it."""
    with app.app_context():
        sent = relay(now=datetime.now(UTC) + timedelta(hours=hours))
    run_jobs(app)
    return sent


def deliveries(app, force) -> list[WebhookDelivery]:
    with app.app_context(), tenant_context(force):
        rows = db.session.scalars(db.select(WebhookDelivery).order_by(WebhookDelivery.id)).unique().all()
        db.session.expunge_all()
        return rows


def test_each_event_arrives_once_signed_after_the_receiver_was_down(app, forces, receiver):
    alpha = forces[0]
    add_endpoint(app, alpha, receiver)
    receiver.down()
    references = [open_case(app, alpha, f"person{i}@example.com") for i in range(3)]
    with app.app_context(), tenant_context(alpha):
        case = engine.find_case(references[0])
        pay_in_sandbox(case, 2500, "Permit fee")  # payment.succeeded and case.transitioned (pay)
        db.session.commit()
    run_jobs(app)
    for _ in range(2):  # still down: every retry fails and is logged
        retry_due(app)
    rows = deliveries(app, alpha)
    assert len(rows) == 5 and all(r.status == DeliveryStatus.PENDING for r in rows)
    assert all(r.attempts == 3 for r in rows) and not receiver.received
    with app.app_context(), tenant_context(alpha):
        attempts = db.session.scalars(db.select(WebhookAttempt)).all()
        assert len(attempts) == 15 and all(a.status_code is None and "ConnectionError" in a.error for a in attempts)
        pending = db.session.scalars(db.select(WebhookDelivery)).all()
        assert all(d.next_attempt_at is not None for d in pending)
    receiver.up()
    retry_due(app)
    retry_due(app)  # nothing left: nothing sent twice
    ids = receiver.event_ids()
    assert len(ids) == 5 and len(set(ids)) == 5
    assert all(r.signed for r in receiver.received)
    types = sorted(r.event["type"] for r in receiver.received)
    assert types == ["case.created", "case.created", "case.created", "case.transitioned", "payment.succeeded"]
    created = {r.event["data"]["case"]["reference"] for r in receiver.received if r.event["type"] == "case.created"}
    assert created == set(references)
    assert all(r.event["force"] == "alpha" and r.headers["Frontcounter-Event-Id"] == r.event["id"]
               for r in receiver.received)
    rows = deliveries(app, alpha)
    assert all(r.status == DeliveryStatus.SUCCEEDED and r.attempts == 4 and r.last_status_code == 200 for r in rows)


def test_back_off_doubles_up_to_the_cap(app):
    with app.app_context():
        app.config.update(WEBHOOK_RETRY_BASE_SECONDS=30, WEBHOOK_RETRY_MAX_SECONDS=3600)
        assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 8, 20)] == [30, 60, 120, 240, 3600, 3600]


def test_the_request_id_travels_into_the_delivery_its_log_and_the_job(app, client, forces, receiver, caplog):
    alpha = forces[0]
    add_endpoint(app, alpha, receiver, ["case.created"])
    page = client.get("/alpha/sample/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    caplog.set_level("INFO", logger="frontcounter.integrations.webhooks.delivery")
    response = client.post("/alpha/sample/apply", data={"holder": "Pat", "email": "pat@example.com", "vehicle": "AB1",
                                                        "csrf_token": token.group(1)},
                           headers={"X-Request-ID": "req-webhook-0001"})
    assert response.status_code == 302
    with app.app_context():
        from frontcounter.jobs.queue import get_queue
        from rq.job import Job

        deliver_target = OutboxMessage.target.like("%webhooks.delivery:deliver")
        message = db.session.scalar(db.select(OutboxMessage).where(deliver_target))
        assert message.request_id == "req-webhook-0001"
        job = Job.fetch(f"outbox-{message.id}", connection=get_queue().connection)
        assert job.meta["request_id"] == "req-webhook-0001"
    run_jobs(app)
    (got,) = receiver.received
    assert got.headers["X-Request-ID"] == "req-webhook-0001" and got.signed
    (row,) = deliveries(app, alpha)
    assert row.request_id == "req-webhook-0001"
    with app.app_context(), tenant_context(alpha):
        (attempt,) = db.session.scalars(db.select(WebhookAttempt)).all()
        assert attempt.request_id == "req-webhook-0001" and attempt.status_code == 200
    assert any(getattr(r, "request_id", None) == "req-webhook-0001" for r in caplog.records)


def test_a_rolled_back_change_sends_nothing(app, forces, receiver):
    alpha = forces[0]
    add_endpoint(app, alpha, receiver)
    with app.app_context(), tenant_context(alpha):
        engine.open_case("sample", applicant_email="gone@example.com", actor="test", language="en")
        db.session.rollback()
        assert db.session.scalar(db.select(db.func.count(WebhookEvent.id))) == 0
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 0
    run_jobs(app)
    assert receiver.received == []


def test_switched_off_after_repeated_failures_with_an_email_then_held_events_sent_when_on(app, client, forces,
                                                                                          receiver):
    alpha = forces[0]
    app.config.update(WEBHOOK_DISABLE_AFTER=3, WEBHOOK_MAX_ATTEMPTS=10)
    add_staff(app, alpha, "admin@alpha.example.com", ["force_admin"])
    add_staff(app, alpha, "worker@alpha.example.com", ["caseworker"])
    endpoint_id = add_endpoint(app, alpha, receiver)
    receiver.status = 500
    first = open_case(app, alpha)
    run_jobs(app)
    retry_due(app)
    retry_due(app)  # the third failure in a row
    with app.app_context(), tenant_context(alpha):
        endpoint = db.session.get(WebhookEndpoint, endpoint_id)
        assert not endpoint.is_active and endpoint.disabled_reason == "HTTP 500"
    (email,) = mailbox(app, "admin@alpha.example.com")
    assert "Webhook switched off" in email.subject and f"/alpha/staff/admin/webhooks/{endpoint_id}" in email.text_body
    assert mailbox(app, "worker@alpha.example.com") == []
    second = open_case(app, alpha, "later@example.com")  # while off: kept, not sent
    run_jobs(app)
    retry_due(app)
    assert [r.status for r in deliveries(app, alpha)] == [DeliveryStatus.HELD, DeliveryStatus.HELD]
    receiver.status = 200
    from tests.conftest import staff_sign_in, submit

    staff_sign_in(client, app, "alpha", "admin@alpha.example.com")
    response = submit(client, f"/alpha/staff/admin/webhooks/{endpoint_id}/enable", {},
                      page=f"/alpha/staff/admin/webhooks/{endpoint_id}")
    assert response.status_code == 302
    run_jobs(app)
    assert sorted(r.event["data"]["case"]["reference"] for r in receiver.received) == sorted([first, second])
    assert all(r.signed for r in receiver.received)


def test_a_delivery_that_never_succeeds_fails_after_the_last_attempt(app, forces, receiver):
    alpha = forces[0]
    app.config.update(WEBHOOK_MAX_ATTEMPTS=3, WEBHOOK_DISABLE_AFTER=50)
    add_endpoint(app, alpha, receiver, ["case.created"])
    receiver.status = 503
    open_case(app, alpha)
    run_jobs(app)
    for _ in range(4):
        retry_due(app)
    (row,) = deliveries(app, alpha)
    assert row.status == DeliveryStatus.FAILED and row.attempts == 3 and row.last_status_code == 503


def test_replay_sends_the_same_event_again_freshly_signed(app, forces, receiver):
    from frontcounter.integrations.webhooks.delivery import replay

    alpha = forces[0]
    add_endpoint(app, alpha, receiver, ["case.created"])
    open_case(app, alpha)
    run_jobs(app)
    with app.app_context(), tenant_context(alpha):
        (original,) = db.session.scalars(db.select(WebhookDelivery)).unique().all()
        again = replay(original)
        db.session.commit()
        assert again.replay_of_id == original.id and again.event_id == original.event_id
    run_jobs(app)
    first, second = receiver.received
    assert first.event == second.event and first.signed and second.signed
    assert first.headers["Frontcounter-Delivery"] != second.headers["Frontcounter-Delivery"]


def test_every_core_event_is_published(app, forces, receiver):
    alpha = forces[0]
    add_endpoint(app, alpha, receiver)
    reference = open_case(app, alpha)
    start = datetime.combine((datetime.now(UTC) + timedelta(days=5)).date(), time(10), tzinfo=UTC)
    with app.app_context(), tenant_context(alpha):
        case = engine.find_case(reference)
        payment = pay_in_sandbox(case, 2500, "Permit fee")
        db.session.commit()
        refund(payment, 500, "Partly withdrawn", actor="sup@alpha.example.com")
        (slot,) = create_slots("sample", [SlotSpec("visit", start, start + timedelta(hours=1), 2)], actor="test")
        booking = book(slot, engine.find_case(reference), actor="test")
        db.session.commit()
        cancel(booking, actor="test", as_staff=True)
        db.session.commit()
    run_jobs(app)
    seen = [(r.event["type"], r.event["data"].get("change")) for r in receiver.received]
    assert sorted(seen, key=str) == sorted([
        ("case.created", None), ("case.transitioned", None), ("payment.succeeded", None),
        ("payment.refunded", None), ("booking.changed", "confirmed"), ("booking.changed", "cancelled"),
    ], key=str)
    refunded = next(r.event["data"] for r in receiver.received if r.event["type"] == "payment.refunded")
    assert refunded["refund"]["amount_pence"] == 500 and refunded["case"]["reference"] == reference


def test_one_forces_events_never_reach_another_forces_endpoint(app, forces, receiver):
    alpha, bravo = forces
    add_endpoint(app, alpha, receiver)
    open_case(app, bravo, "bravo-person@example.com")
    run_jobs(app)
    assert receiver.received == []
    with app.app_context(), tenant_context(bravo):
        assert db.session.scalar(db.select(db.func.count(WebhookDelivery.id))) == 0
    open_case(app, alpha)
    run_jobs(app)
    assert [r.event["force"] for r in receiver.received] == ["alpha"]


def test_unsubscribed_events_are_not_sent(app, forces, receiver):
    alpha = forces[0]
    add_endpoint(app, alpha, receiver, ["payment.succeeded"])
    open_case(app, alpha)
    run_jobs(app)
    assert receiver.received == []


def test_signatures_check_time_body_and_secret():
    body = b'{"id": "evt_1"}'
    header = signature_header("whsec_a", body, timestamp=1_800_000_000)
    assert verify("whsec_a", header, body, now=1_800_000_100)
    assert not verify("whsec_b", header, body, now=1_800_000_100)
    assert not verify("whsec_a", header, body + b" ", now=1_800_000_100)
    assert not verify("whsec_a", header, body, now=1_800_000_000 + 301)  # replayed too late
    assert not verify("whsec_a", "t=x,v1=00", body)


def test_the_verification_example_in_the_docs_works():
    text = (ROOT / "docs" / "webhooks.md").read_text()
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "docs/webhooks.md", "exec"), namespace)
    body = b'{"id": "evt_doc", "type": "case.created"}'
    header = signature_header("whsec_doc", body)
    assert namespace["verify_frontcounter_signature"](body, header, "whsec_doc") is True
    assert namespace["verify_frontcounter_signature"](body + b"x", header, "whsec_doc") is False


def test_secrets_are_stored_encrypted(app, forces, receiver):
    endpoint_id = add_endpoint(app, forces[0], receiver)
    with app.app_context(), tenant_context(forces[0]):
        stored = db.session.get(WebhookEndpoint, endpoint_id).secret_encrypted
    assert receiver.secret not in stored and stored


@pytest.mark.parametrize(
    ("url", "production", "allowed"),
    [
        ("https://records.example.police.uk/hooks", False, True),
        ("http://127.0.0.1:8000/hooks", False, True),
        ("http://localhost/hooks", False, True),
        ("http://records.example.police.uk/hooks", False, False),
        ("http://127.0.0.1:8000/hooks", True, False),
        ("https://127.0.0.1/hooks", True, False),
        ("https://10.1.2.3/hooks", True, False),
        ("https://192.168.0.5/hooks", True, False),
        ("https://169.254.169.254/latest/meta-data", True, False),
        ("https://[::1]/hooks", True, False),
        ("https://[fe80::1]/hooks", True, False),
        ("https://user:pass@records.example.police.uk/hooks", False, False),
        ("ftp://records.example.police.uk/", False, False),
        ("https://8.8.8.8/hooks", True, True),
    ],
)
def test_webhook_addresses(app, url, production, allowed):
    with app.app_context():
        app.config["ENV_NAME"] = "production" if production else "development"
        try:
            if allowed:
                assert check_url(url) == url
            else:
                with pytest.raises(UnsafeAddress):
                    check_url(url)
        finally:
            app.config["ENV_NAME"] = "development"
