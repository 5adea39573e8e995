"""Delivery status from GOV.UK Notify: its statuses mapped onto EmailMessage, and the poll that asks for them."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from notifications_python_client.errors import APIError

from frontcounter.extensions import db
from frontcounter.notifications.models import FINAL_STATUSES, PENDING_STATUSES, EmailMessage
from frontcounter.notifications.transports import notify_transport

log = logging.getLogger(__name__)

# GOV.UK Notify's email statuses -> EmailMessage.status ("pending" is an older name for "sending").
NOTIFY_STATUSES = {
    "created": "created",
    "sending": "sending",
    "pending": "sending",
    "delivered": "delivered",
    "permanent-failure": "permanent-failure",
    "temporary-failure": "temporary-failure",
    "technical-failure": "technical-failure",
}
NOTIFY_KEEPS = timedelta(days=7)  # Notify forgets notifications after 7 days


def apply_notify_status(message: EmailMessage, notify_status: str) -> bool:
    """Record the status Notify reported; unknown ones are ignored and a final status never steps back."""
    status = NOTIFY_STATUSES.get(notify_status)
    if status is None or status == message.status:
        return False
    if message.status in FINAL_STATUSES and status in PENDING_STATUSES:
        return False  # a late "sending" after "delivered"
    message.record_status(status, f"GOV.UK Notify: {notify_status}" if status.endswith("failure") else "")
    return True


def refresh_notify_statuses(limit: int = 200) -> int:
    """Periodic task: ask Notify about emails it has not settled yet; return how many changed status."""
    transport = notify_transport()
    if transport is None:
        return 0
    since = datetime.now(UTC) - NOTIFY_KEEPS
    waiting = db.session.scalars(
        db.select(EmailMessage)
        .where(
            EmailMessage.transport == transport.name,
            EmailMessage.status.in_(PENDING_STATUSES),
            EmailMessage.provider_ref.is_not(None),
            EmailMessage.created_at >= since,
        )
        .order_by(EmailMessage.id)
        .limit(limit)
    ).all()
    client = transport.client()
    changed = 0
    for message in waiting:
        try:
            notification = client.get_notification_by_id(message.provider_ref)
        except APIError as exc:
            if exc.status_code == 404:
                continue  # not Notify's (any more): nothing to learn
            log.warning("GOV.UK Notify status poll stopped: %s", exc)
            break  # Notify unreachable: the next sweep tries again
        changed += apply_notify_status(message, str((notification or {}).get("status", "")))
    return changed
