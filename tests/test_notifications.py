"""Emails from a real flow through each transport (a local SMTP server, a stub of GOV.UK Notify, the local
mailbox), their recorded delivery status, and retries when a transport fails."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage as MimeMessage

import pytest
from flask import Flask
from frontcounter.cases import engine
from frontcounter.extensions import db
from frontcounter.jobs.outbox import OutboxMessage, relay
from frontcounter.notifications.models import EmailMessage
from frontcounter.tenancy import tenant_context

from tests.conftest import base_config, csrf_token, run_jobs
from tests.support.notify_stub import NotifyStub
from tests.support.smtp_server import LocalSmtpServer

CALLBACK_TOKEN = "notify-callback-token-for-tests"
NO_TRANSPORT = {"SMTP_HOST": "", "NOTIFY_API_KEY": "", "NOTIFY_CALLBACK_TOKEN": ""}


@pytest.fixture(scope="module")
def mail_app(app, backend_urls) -> Flask:
    """An app of its own, so each test can choose the email transport in its config."""
    from frontcounter import create_app

    mail_app = create_app({**base_config(backend_urls), **NO_TRANSPORT})
    return mail_app


@pytest.fixture
def transport(mail_app, monkeypatch):
    """Point the app at a transport: transport(smtp_server.config()) or transport(notify_stub.config())."""
    for key, value in NO_TRANSPORT.items():
        monkeypatch.setitem(mail_app.config, key, value)
    if mail_app.config["REDIS_URL"]:
        with mail_app.app_context():
            from frontcounter.jobs import get_queue

            get_queue().empty()  # jobs left by other tests' deliveries
    return lambda settings: [monkeypatch.setitem(mail_app.config, k, v) for k, v in settings.items()]


@pytest.fixture
def smtp():
    with LocalSmtpServer() as server:
        yield server


@pytest.fixture
def notify():
    with NotifyStub() as stub:
        yield stub


def pay_for_a_permit(app: Flask, force, email: str = "ann@example.com") -> str:
    """Someone applies on the force's pages and pays: the case enters "submitted", which emails them."""
    client = app.test_client()
    page = client.get(f"/{force.slug}/sample/").get_data(as_text=True)
    response = client.post(
        f"/{force.slug}/sample/apply",
        data={"holder": "Ann Applicant", "email": email, "vehicle": "AB12CDE", "csrf_token": csrf_token(page)},
    )
    reference = re.search(r"/track/([^?]+)", response.headers["Location"]).group(1)
    with app.app_context(), tenant_context(force):
        case = engine.find_case(reference)
        from frontcounter.payments.service import pay_in_sandbox

        pay_in_sandbox(case, 2500, "Permit fee", receipt=False)  # only the case's own email is under test
        db.session.commit()
    return reference


def emails(app: Flask, to: str | None = None) -> list[EmailMessage]:
    with app.app_context():
        query = db.select(EmailMessage).order_by(EmailMessage.id)
        rows = db.session.scalars(query.filter_by(to=to) if to else query).all()
        db.session.expunge_all()
        return rows


def outbox_for(app: Flask, email: EmailMessage) -> OutboxMessage:
    with app.app_context():
        [row] = [m for m in db.session.scalars(db.select(OutboxMessage)) if m.args == [email.id]]
        db.session.expunge(row)
        return row


def _part(mime: MimeMessage, subtype: str) -> str:
    return mime.get_body(preferencelist=(subtype,)).get_content()


# -- SMTP ----------------------------------------------------------------------------------------


def test_a_case_email_reaches_the_smtp_server_as_plain_text_and_force_branded_html(mail_app, forces, smtp, transport):
    transport(smtp.config())
    reference = pay_for_a_permit(mail_app, forces[0], "ann@example.com")
    run_jobs(mail_app)

    [received] = smtp.received
    assert received["To"] == "ann@example.com"
    assert received["Subject"] == f"Parking permits: Received ({reference})"
    assert received.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in received.iter_parts()] == ["text/plain", "text/html"]
    text, html = _part(received, "plain"), _part(received, "html")
    assert "A caseworker will check it within 5 working days." in text
    assert f"/alpha/track/{reference}?token=" in text
    assert "Alpha Police" in html and "background: #123456" in html
    assert "<" not in text
    [email] = emails(mail_app, "ann@example.com")
    assert (email.transport, email.status, email.error) == ("smtp", "sent", "")
    assert email.status_at is not None
    assert outbox_for(mail_app, email).done_at is not None


def test_when_the_smtp_server_is_down_the_failure_is_recorded_and_the_outbox_retries_later(
    mail_app, forces, smtp, transport
):
    transport(smtp.config())
    smtp.stop()
    pay_for_a_permit(mail_app, forces[0], "ann@example.com")
    run_jobs(mail_app)

    [email] = emails(mail_app)
    assert email.status == "technical-failure"
    assert "ConnectionRefusedError" in email.error
    pending = outbox_for(mail_app, email)
    assert pending.done_at is None and pending.attempts == 1 and "ConnectionRefusedError" in pending.last_error
    with mail_app.app_context():
        assert relay() == 0  # backing off: not due yet
    smtp.start()
    with mail_app.app_context():
        assert relay(now=datetime.now(UTC) + timedelta(minutes=3)) == 1
    run_jobs(mail_app)

    assert len(smtp.received) == 1
    [email] = emails(mail_app)
    assert (email.status, email.error) == ("sent", "")
    assert outbox_for(mail_app, email).done_at is not None
    with mail_app.app_context():
        assert relay(now=datetime.now(UTC) + timedelta(hours=1)) == 0  # done: never sent again


# -- GOV.UK Notify ---------------------------------------------------------------------------------


def _callback(app: Flask, receipt: dict, token: str | None = CALLBACK_TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return app.test_client().post("/notifications/notify-callback", json=receipt, headers=headers)


def test_notify_sends_the_email_and_its_callback_records_delivery(mail_app, forces, notify, transport):
    transport({**notify.config(), "NOTIFY_CALLBACK_TOKEN": CALLBACK_TOKEN})
    reference = pay_for_a_permit(mail_app, forces[0], "ann@example.com")
    run_jobs(mail_app)

    [sent] = notify.sent()
    assert sent["email_address"] == "ann@example.com"
    assert sent["template"]["id"] == notify.template_id
    assert sent["subject"] == f"Parking permits: Received ({reference})"
    assert "A caseworker will check it within 5 working days." in sent["body"]
    [email] = emails(mail_app)
    assert (email.transport, email.status, email.provider_ref) == ("notify", "sending", sent["id"])

    receipt = notify.settle(sent["id"], "delivered")
    assert _callback(mail_app, receipt, token=None).status_code == 401
    assert _callback(mail_app, receipt, token="guessed").status_code == 401
    assert emails(mail_app)[0].status == "sending"
    assert _callback(mail_app, receipt).status_code == 204
    assert emails(mail_app)[0].status == "delivered"
    # Receipts may arrive out of order: a late "sending" does not undo "delivered".
    assert _callback(mail_app, {**receipt, "status": "sending"}).status_code == 204
    assert emails(mail_app)[0].status == "delivered"
    assert _callback(mail_app, {**receipt, "id": "00000000-0000-0000-0000-000000000000"}).status_code == 404


def test_notify_callback_is_off_without_a_token(mail_app, forces, notify, transport):
    transport(notify.config())
    assert _callback(mail_app, {"id": "x", "status": "delivered"}).status_code == 404


def test_the_status_poll_maps_what_notify_reports(mail_app, forces, notify, transport):
    from frontcounter.notifications.status import refresh_notify_statuses

    transport(notify.config())
    pay_for_a_permit(mail_app, forces[0], "delivered@example.com")
    pay_for_a_permit(mail_app, forces[1], "bounced@example.com")
    pay_for_a_permit(mail_app, forces[0], "waiting@example.com")
    run_jobs(mail_app)
    by_address = {n["email_address"]: n["id"] for n in notify.sent()}
    notify.settle(by_address["delivered@example.com"], "delivered")
    notify.settle(by_address["bounced@example.com"], "permanent-failure")

    with mail_app.app_context():
        assert refresh_notify_statuses() == 2
        db.session.commit()
    assert emails(mail_app, "delivered@example.com")[0].status == "delivered"
    bounced = emails(mail_app, "bounced@example.com")[0]
    assert (bounced.status, bounced.error) == ("permanent-failure", "GOV.UK Notify: permanent-failure")
    assert emails(mail_app, "waiting@example.com")[0].status == "sending"
    polled = [path for method, path, _ in notify.requests if method == "GET" and path.count("/") == 3]
    with mail_app.app_context():
        assert refresh_notify_statuses() == 0  # only the one still on its way is asked about again
    again = [path for method, path, _ in notify.requests if method == "GET" and path.count("/") == 3]
    assert len(again) - len(polled) == 1


def test_a_notify_outage_is_retried_and_the_email_is_sent_once(mail_app, forces, notify, transport):
    transport(notify.config())
    notify.fail_next(1, status=500)
    pay_for_a_permit(mail_app, forces[0], "ann@example.com")
    run_jobs(mail_app)
    [email] = emails(mail_app)
    assert email.status == "technical-failure" and "500" in email.error
    assert notify.sent() == []

    with mail_app.app_context():
        assert relay(now=datetime.now(UTC) + timedelta(minutes=3)) == 1
    run_jobs(mail_app)
    [sent] = notify.sent()
    [email] = emails(mail_app)
    assert (email.status, email.provider_ref) == ("sending", sent["id"])


class Killed(BaseException):
    """kill -9 of the worker: nothing after this point runs."""


def age_hand_over(app, email_id: int, minutes: int = 3) -> None:
    """Let time pass for a hand-over that never recorded its outcome."""
    with app.app_context():
        row = db.session.get(EmailMessage, email_id)
        row.attempt_started_at = datetime.now(UTC) - timedelta(minutes=minutes)
        db.session.commit()


def test_a_worker_that_died_after_notify_accepted_the_email_does_not_make_the_retry_send_it_again(
    mail_app, forces, notify, transport, monkeypatch
):
    from frontcounter.notifications import send

    transport(notify.config())
    notify.fail_next(1, status=503)
    pay_for_a_permit(mail_app, forces[0], "ann@example.com")
    run_jobs(mail_app)
    [email] = emails(mail_app)
    assert email.status == "technical-failure"
    with mail_app.app_context(), tenant_context(forces[0]), monkeypatch.context() as patch:
        patch.setattr(send, "_finish", lambda *a, **k: (_ for _ in ()).throw(Killed()))
        with pytest.raises(Killed):
            send.deliver(email.id)  # a worker hands the email to Notify and dies before recording it
        db.session.rollback()
    assert emails(mail_app)[0].provider_ref is None
    age_hand_over(mail_app, email.id)

    with mail_app.app_context():
        assert relay(now=datetime.now(UTC) + timedelta(minutes=3)) == 1
    run_jobs(mail_app)
    [sent] = notify.sent()
    assert [status for method, _, status in notify.requests if method == "POST"] == [201]  # the retry only asked
    [email] = emails(mail_app)
    assert (email.status, email.provider_ref) == ("sending", sent["id"])


def test_notify_refusing_an_address_is_a_permanent_failure_that_is_not_retried(mail_app, forces, notify, transport):
    from frontcounter.notifications import send_email

    transport(notify.config())
    with mail_app.app_context(), tenant_context(forces[0]):
        send_email("not-an-address", "Your permit", "email/verify", link="http://x/", account=None)
        db.session.commit()
    run_jobs(mail_app)
    [email] = emails(mail_app)
    assert email.status == "permanent-failure"
    assert "Not a valid email address" in email.error
    assert outbox_for(mail_app, email).done_at is not None
    assert notify.sent() == []


# -- the local mailbox ----------------------------------------------------------------------------


def test_the_local_mailbox_lists_every_email_and_shows_its_plain_text(mail_app, forces, smtp, transport):
    pay_for_a_permit(mail_app, forces[0], "ann@example.com")  # the default: the local mailbox
    run_jobs(mail_app)
    transport(smtp.config())
    reference = pay_for_a_permit(mail_app, forces[1], "bob@example.com")
    run_jobs(mail_app)
    assert len(smtp.received) == 1

    client = mail_app.test_client()
    page = client.get("/_dev/mailbox").get_data(as_text=True)
    assert "ann@example.com" in page and "bob@example.com" in page
    assert ">delivered<" in page and ">sent<" in page
    only_bob = client.get("/_dev/mailbox?to=bob@example.com").get_data(as_text=True)
    assert "ann@example.com" not in only_bob
    link = re.search(r'href="(/_dev/mailbox/\d+)"', only_bob).group(1)
    message = client.get(link).get_data(as_text=True)
    assert f"Parking permits: Received ({reference})" in message
    assert "A caseworker will check it within 5 working days." in message
    assert f"/bravo/track/{reference}?token=" in message
    html = client.get(f"{link}/html")
    assert html.headers["Content-Security-Policy"] == "sandbox"
    assert "Bravo Police" in html.get_data(as_text=True)
