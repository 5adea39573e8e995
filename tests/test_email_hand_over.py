"""Email hand-over survives a worker killed mid-send: nothing lost, never two workers at once,
and a resend after a crash carries the same Message-ID (the guarantee in docs/operating.md)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from frontcounter.extensions import db
from frontcounter.jobs.outbox import RetryLater
from frontcounter.notifications.models import EmailMessage
from frontcounter.tenancy import tenant_context

from tests.test_notifications import (  # noqa: F401 - fixtures
    Killed,
    age_hand_over,
    emails,
    mail_app,
    smtp,
    transport,
)


def _queued_email(app, force) -> int:
    """An email waiting for its hand-over (recorded without queuing its job: the test plays the worker)."""
    with app.app_context(), tenant_context(force):
        message = EmailMessage(tenant_id=force.id, to="ann@example.com", subject="Your permit",
                               text_body="Your permit is ready.", html_body="", transport="smtp", status="queued")
        db.session.add(message)
        db.session.commit()
        return message.id


def _deliver(app, force, email_id: int) -> str:
    from frontcounter.notifications.send import deliver

    with app.app_context(), tenant_context(force):
        try:
            return deliver(email_id)
        finally:
            db.session.rollback()


def test_the_hand_over_is_committed_before_the_smtp_server_sees_the_email(
    mail_app, forces, smtp, transport, monkeypatch  # noqa: F811
):
    from frontcounter.notifications.transports import SmtpTransport

    transport(smtp.config())
    email_id = _queued_email(mail_app, forces[0])
    seen: list[datetime | None] = []
    real = SmtpTransport.deliver

    def checking(self, message):
        with db.engine.connect() as other:  # what another worker (or the next one) would read
            seen.append(other.scalar(db.select(EmailMessage.attempt_started_at).filter_by(id=message.id)))
        return real(self, message)

    monkeypatch.setattr(SmtpTransport, "deliver", checking)
    assert _deliver(mail_app, forces[0], email_id) == "sent"
    assert seen and seen[0] is not None
    [email] = [e for e in emails(mail_app) if e.id == email_id]
    assert (email.status, email.attempt_started_at, email.attempts) == ("sent", None, 1)


def _on_postgres(app) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


def test_no_second_worker_sends_while_a_hand_over_is_under_way(mail_app, forces, smtp, transport):  # noqa: F811
    from frontcounter.notifications.send import hand_over_lock

    transport(smtp.config())
    email_id = _queued_email(mail_app, forces[0])
    with mail_app.app_context():
        db.session.get(EmailMessage, email_id).attempt_started_at = datetime.now(UTC)
        db.session.commit()
        with hand_over_lock(email_id) as held:  # another worker, mid-send (PostgreSQL: it holds the lock)
            assert held is (True if _on_postgres(mail_app) else None)
            with pytest.raises(RetryLater):
                _deliver(mail_app, forces[0], email_id)
    assert smtp.received == []
    if _on_postgres(mail_app):  # the hand-over ended (its lock is free): the next try sends
        assert _deliver(mail_app, forces[0], email_id) == "sent"
        assert len(smtp.received) == 1
    else:  # no locks: the recorded claim keeps others off for ATTEMPT_WINDOW
        with pytest.raises(RetryLater):
            _deliver(mail_app, forces[0], email_id)
        assert smtp.received == []


def test_a_worker_killed_mid_send_loses_nothing_and_the_resend_is_the_same_message(
    mail_app, forces, smtp, transport, monkeypatch  # noqa: F811
):
    from frontcounter.notifications.transports import SmtpTransport

    transport(smtp.config())
    email_id = _queued_email(mail_app, forces[0])
    real = SmtpTransport.deliver

    def accepted_then_killed(self, message):
        real(self, message)
        raise Killed()

    with monkeypatch.context() as patch:
        patch.setattr(SmtpTransport, "deliver", accepted_then_killed)
        with pytest.raises(Killed):
            _deliver(mail_app, forces[0], email_id)
    assert len(smtp.received) == 1
    if not _on_postgres(mail_app):
        with pytest.raises(RetryLater):  # the outbox retries at once: the hand-over might still be running
            _deliver(mail_app, forces[0], email_id)
        assert len(smtp.received) == 1
        age_hand_over(mail_app, email_id)  # the worker is gone for good
    # On PostgreSQL the dead worker's hand-over lock went with its connection: the retry sends at once.
    assert _deliver(mail_app, forces[0], email_id) == "sent"
    first, second = smtp.received
    assert first["Message-ID"] == second["Message-ID"]
    [email] = [e for e in emails(mail_app) if e.id == email_id]
    assert (email.status, email.attempts) == ("sent", 2)
