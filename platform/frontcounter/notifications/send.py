"""Render an email from a template pair (.txt and .html), record it, and deliver it after commit."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import render_template
from sqlalchemy import text

from frontcounter.extensions import db
from frontcounter.jobs.outbox import RetryLater, defer, register_batch
from frontcounter.notifications.models import EmailMessage
from frontcounter.notifications.transports import PermanentFailure, configured_transport
from frontcounter.tenancy.context import current_tenant_or_none

RETRYABLE_STATUSES = ("queued", "technical-failure")
# How long a recorded hand-over is taken to be still running (longer than a transport's timeouts), where
# the database has no advisory locks (SQLite: one machine). On PostgreSQL the hand-over lock decides.
ATTEMPT_WINDOW = timedelta(minutes=2)
# The first key of the PostgreSQL advisory lock held while an email is handed over (the second is its id).
HAND_OVER_LOCK = 0x0FC0E4A1
log = logging.getLogger(__name__)


def send_email(to: str, subject: str, template: str, *, language: str | None = None, **context: Any) -> EmailMessage:
    """Render `template`.txt/.html, record the email, and deliver it once the transaction commits.

    The body is written in `language`, or else in the language of the `case` it is about, or else the
    page's. Work out the subject inside `in_language(...)` (or `applicant_language(case)`) too.
    """
    from frontcounter.web.i18n import in_language, page_language

    tenant = current_tenant_or_none()
    context.setdefault("tenant", tenant)
    case = context.get("case")
    language = language or getattr(case, "language", None) or page_language()
    with in_language(language):
        subject = str(subject)
        text = render_template(f"{template}.txt", subject=subject, **context)
        html = render_template(f"{template}.html", subject=subject, **context)
    message = EmailMessage(
        tenant_id=tenant.id if tenant else None,
        to=to,
        subject=subject,
        text_body=text,
        html_body=html,
        transport=configured_transport().name,
        status="queued",
    )
    db.session.add(message)
    db.session.flush()
    defer(deliver, message.id)
    return message


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def deliver(message_id: int) -> str:
    """Outbox job: hand one recorded email to the transport and record the outcome.

    The hand-over is claimed and committed before anything is sent, so two workers never send the
    same email at once, and the outcome is committed the moment the transport returns. On PostgreSQL
    the claim is an advisory lock held while the hand-over runs (the server drops it the moment a
    worker dies, so the retry sends at once); elsewhere a retry that finds a claim younger than
    ATTEMPT_WINDOW waits. A retry after a worker died mid-send sends again (at least once; GOV.UK
    Notify's reference makes that exactly once there, SMTP resends with the same Message-ID). A failed
    hand-over is "technical-failure", retried with back-off; a refusal for good is "permanent-failure".
    """
    message = db.session.get(EmailMessage, message_id)
    if message is None:
        return "missing"
    if message.status not in RETRYABLE_STATUSES:
        return message.status
    with hand_over_lock(message_id) as locked:
        if locked is False or not _claim(message, locked=bool(locked)):
            if message.status not in RETRYABLE_STATUSES:
                return message.status  # another worker finished it meanwhile
            raise RetryLater(f"email {message_id} is being handed over by another worker")
        transport = configured_transport()
        message.transport = transport.name
        try:
            status = transport.deliver(message)
        except PermanentFailure as exc:
            _finish(message, "permanent-failure", _describe(exc))
            return message.status
        except Exception as exc:
            _finish(message, "technical-failure", _describe(exc))
            raise RetryLater(message.error) from exc
        _finish(message, status)
        return status


# Emails due together (a transaction that sends many, a relay after an outage) go out in one job.
register_batch(deliver, "frontcounter.notifications.batch:deliver_outbox_batch")


@contextmanager
def hand_over_lock(message_id: int) -> Iterator[bool | None]:
    """Hold an email's hand-over lock for the block: True if taken, False if held elsewhere, None without locks."""
    if db.engine.dialect.name != "postgresql":
        yield None
        return
    keys = {"kind": HAND_OVER_LOCK, "id": message_id % 2**31}
    with db.engine.connect() as connection:  # a connection of its own: the session commits meanwhile
        held = bool(connection.execute(text("SELECT pg_try_advisory_lock(:kind, :id)"), keys).scalar())
        connection.commit()
        try:
            yield held
        finally:
            if held:
                connection.execute(text("SELECT pg_advisory_unlock(:kind, :id)"), keys)
                connection.commit()


def _claim(message: EmailMessage, *, locked: bool) -> bool:
    """Record (and commit) that a hand-over starts now; False when it is done or another one is under way.

    `locked`: this process holds the hand-over lock, so an earlier claim is a dead worker's.
    """
    now = datetime.now(UTC)
    free = EmailMessage.attempt_started_at.is_(None) | (EmailMessage.attempt_started_at < now - ATTEMPT_WINDOW)
    claimed = db.session.execute(
        db.update(EmailMessage)
        .where(EmailMessage.id == message.id, EmailMessage.status.in_(RETRYABLE_STATUSES), *(() if locked else (free,)))
        .values(attempt_started_at=now, attempts=EmailMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    earlier = message.attempt_started_at
    db.session.commit()
    db.session.refresh(message)
    if claimed and earlier is not None:
        log.warning("Email %s: an earlier hand-over (%s) never recorded its outcome; sending again",
                    message.id, earlier.isoformat())
    return claimed


def _finish(message: EmailMessage, status: str, error: str = "") -> None:
    """Record the outcome and commit it at once (the smallest window in which a crash repeats a send)."""
    message.record_status(status, error)
    message.attempt_started_at = None
    db.session.commit()
