"""Render and send an email from a template pair (.txt and .html)."""

from __future__ import annotations

from typing import Any

from flask import render_template

from frontcounter.extensions import db
from frontcounter.notifications.models import EmailMessage
from frontcounter.notifications.transports import configured_transport
from frontcounter.tenancy.context import current_tenant_or_none


def send_email(to: str, subject: str, template: str, **context: Any) -> EmailMessage:
    """Render `template`.txt/.html with `context`, record the email and deliver it now."""
    tenant = current_tenant_or_none()
    context.setdefault("tenant", tenant)
    text = render_template(f"{template}.txt", subject=subject, **context)
    html = render_template(f"{template}.html", subject=subject, **context)
    transport = configured_transport()
    message = EmailMessage(
        tenant_id=tenant.id if tenant else None,
        to=to,
        subject=subject,
        text_body=text,
        html_body=html,
        transport=transport.name,
    )
    db.session.add(message)
    db.session.flush()
    try:
        message.status = transport.deliver(message)
    except Exception as exc:  # noqa: BLE001 - any transport failure is recorded, never raised to the user
        message.status = "technical-failure"
        message.error = str(exc)[:2000]
    db.session.commit()
    return message
