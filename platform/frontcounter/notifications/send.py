"""Render an email from a template pair (.txt and .html), record it, and deliver it after commit."""

from __future__ import annotations

from typing import Any

from flask import render_template

from frontcounter.extensions import db
from frontcounter.jobs.outbox import RetryLater, defer
from frontcounter.notifications.models import EmailMessage
from frontcounter.notifications.transports import PermanentFailure, configured_transport
from frontcounter.tenancy.context import current_tenant_or_none

RETRYABLE_STATUSES = ("queued", "technical-failure")


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

    A failed hand-over is recorded as "technical-failure" and retried by the outbox with back-off;
    a refusal for good is "permanent-failure" and not retried. A repeated job sends nothing twice.
    """
    message = db.session.get(EmailMessage, message_id)
    if message is None:
        return "missing"
    if message.status not in RETRYABLE_STATUSES:
        return message.status
    transport = configured_transport()
    message.transport = transport.name
    try:
        status = transport.deliver(message)
    except PermanentFailure as exc:
        message.record_status("permanent-failure", _describe(exc))
        return message.status
    except Exception as exc:
        message.record_status("technical-failure", _describe(exc))
        raise RetryLater(message.error) from exc
    message.record_status(status)
    return status
