"""Webhook event types (the core's and each plugin's, through the webhook_event_types hook) and publishing.

publish() runs inside the transaction of the change it reports: it stores the event once and a
delivery per subscribed endpoint, and defers each delivery through the outbox, so nothing is sent
for a change that is rolled back and nothing is lost when Redis is down at commit.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask_babel import LazyString

from frontcounter.extensions import db
from frontcounter.integrations.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from frontcounter.jobs.outbox import defer
from frontcounter.observability.requestid import current_request_id
from frontcounter.tenancy.context import current_tenant_or_none

API_VERSION = "2026-12-01"


@dataclass(frozen=True)
class EventType:
    """A kind of event endpoints may subscribe to: a dotted name ("case.created") and a label for the admin page."""

    name: str
    label: str | LazyString
    description: str | LazyString = ""


def event_types(for_tenant: bool = True) -> dict[str, EventType]:
    """Every event type by name: the core's and those of plugins the current force has switched on."""
    from frontcounter.plugins.manager import registry
    from frontcounter.tenancy.services import tenant_hooks

    hooks = tenant_hooks() if for_tenant and current_tenant_or_none() is not None else registry().hook
    found: dict[str, EventType] = {}
    for group in hooks.webhook_event_types():
        for event_type in group or []:
            found.setdefault(event_type.name, event_type)
    return dict(sorted(found.items()))


def _now() -> datetime:
    return datetime.now(UTC)


def publish(event_type: str, data: dict[str, Any]) -> WebhookEvent | None:
    """Record `event_type` with `data` for the current force and queue it to every endpoint that wants it.

    Not committed: it goes with the caller's transaction. Returns the event, or None when no endpoint wants it.
    """
    tenant = current_tenant_or_none()
    if tenant is None:
        return None
    endpoints = [
        endpoint
        for endpoint in db.session.scalars(db.select(WebhookEndpoint).order_by(WebhookEndpoint.id))
        if event_type in (endpoint.events or [])
    ]
    if not endpoints:
        return None
    now = _now()
    uid = "evt_" + uuid.uuid4().hex
    envelope = {
        "id": uid,
        "type": event_type,
        "created_at": now.isoformat(timespec="seconds"),
        "force": tenant.slug,
        "api_version": API_VERSION,
        "data": data,
    }
    body = json.dumps(envelope, sort_keys=True, default=str)
    event = WebhookEvent(uid=uid, type=event_type, body=body, created_at=now)
    db.session.add(event)
    db.session.flush()
    for endpoint in endpoints:
        queue_delivery(endpoint, event)
    return event


def queue_delivery(endpoint: WebhookEndpoint, event: WebhookEvent, replay_of: int | None = None) -> WebhookDelivery:
    """Add a delivery of `event` to `endpoint` and defer it (held, not sent, while the endpoint is switched off)."""
    from frontcounter.integrations.webhooks.delivery import deliver

    delivery = WebhookDelivery(
        endpoint_id=endpoint.id,
        event_id=event.id,
        status=(DeliveryStatus.PENDING if endpoint.is_active else DeliveryStatus.HELD).value,
        created_at=_now(),
        replay_of_id=replay_of,
        request_id=current_request_id(),
    )
    db.session.add(delivery)
    db.session.flush()
    if endpoint.is_active:
        defer(deliver, delivery.id)
    return delivery
