"""Send one delivery (outbox work): sign, POST, log the attempt; retry with back-off; switch a failing endpoint off.

Each attempt is logged (response code or error, time taken, request id). A failed attempt defers the
next one through the outbox after WEBHOOK_RETRY_BASE_SECONDS * 2**(attempts - 1), capped at
WEBHOOK_RETRY_MAX_SECONDS; after WEBHOOK_MAX_ATTEMPTS the delivery has failed. After
WEBHOOK_DISABLE_AFTER failed attempts in a row the endpoint is switched off and the force's admins
are emailed; its deliveries are held until an admin switches it back on.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

import requests
from flask import current_app

from frontcounter.extensions import db
from frontcounter.integrations.webhooks.addresses import UnsafeAddress, check_url
from frontcounter.integrations.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from frontcounter.integrations.webhooks.signing import HEADER, decrypt_secret, signature_header
from frontcounter.jobs.outbox import defer
from frontcounter.observability.requestid import HEADER as REQUEST_ID_HEADER
from frontcounter.observability.requestid import current_request_id

log = logging.getLogger(__name__)
USER_AGENT = "frontcounter-webhooks/1"
DEFAULTS = {
    "WEBHOOK_RETRY_BASE_SECONDS": 30,
    "WEBHOOK_RETRY_MAX_SECONDS": 6 * 3600,
    "WEBHOOK_MAX_ATTEMPTS": 10,
    "WEBHOOK_DISABLE_AFTER": 50,
    "WEBHOOK_TIMEOUT_SECONDS": 10,
}


def setting(name: str) -> int:
    """A webhook setting from the app config (filled from the environment), else its default."""
    value = current_app.config.get(name)
    return int(value) if value not in (None, "") else DEFAULTS[name]


def _now() -> datetime:
    return datetime.now(UTC)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt (exponential, capped, at least a second)."""
    seconds = setting("WEBHOOK_RETRY_BASE_SECONDS") * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=max(1, min(seconds, setting("WEBHOOK_RETRY_MAX_SECONDS"))))


def _post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> tuple[int | None, str]:
    """POST the event's body to the endpoint; return (status code, error text)."""
    body = delivery.event.body.encode("utf-8")
    try:
        check_url(endpoint.url)
        secret = decrypt_secret(endpoint.secret_encrypted)
    except (UnsafeAddress, ValueError) as exc:
        return None, str(exc)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Frontcounter-Event": delivery.event.type,
        "Frontcounter-Event-Id": delivery.event.uid,
        "Frontcounter-Delivery": str(delivery.id),
        HEADER: signature_header(secret, body),
    }
    request_id = current_request_id()
    if request_id:
        headers[REQUEST_ID_HEADER] = request_id
    timeout = setting("WEBHOOK_TIMEOUT_SECONDS")
    try:
        response = requests.post(endpoint.url, data=body, headers=headers, timeout=(timeout, timeout),
                                 allow_redirects=False)
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:1000]
    response.close()
    if 200 <= response.status_code < 300:
        return response.status_code, ""
    return response.status_code, f"HTTP {response.status_code}"


def deliver(delivery_id: int) -> str:
    """Outbox work: make one attempt at a delivery and record it; schedule the next on failure."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return "nothing to do"
    endpoint = db.session.get(WebhookEndpoint, delivery.endpoint_id)
    if endpoint is None:
        return "endpoint gone"
    if not endpoint.is_active:
        delivery.status = DeliveryStatus.HELD.value
        return "held"
    started = time.perf_counter()
    status_code, error = _post(endpoint, delivery)
    # Lock the endpoint only now (not across the request) to count failures in a row correctly.
    endpoint = db.session.get(WebhookEndpoint, endpoint.id, with_for_update=True, populate_existing=True)
    now = _now()
    attempt = WebhookAttempt(
        delivery_id=delivery.id,
        attempted_at=now,
        status_code=status_code,
        duration_ms=int((time.perf_counter() - started) * 1000),
        error=error,
        request_id=current_request_id(),
    )
    db.session.add(attempt)
    delivery.attempts += 1
    delivery.last_status_code = status_code
    extra = {"webhook_delivery": delivery.id, "webhook_endpoint": endpoint.id, "event": delivery.event.type,
             "status_code": status_code, "duration_ms": attempt.duration_ms, "attempt": delivery.attempts,
             "request_id": current_request_id()}
    if not error:
        delivery.status = DeliveryStatus.SUCCEEDED.value
        delivery.finished_at = now
        delivery.next_attempt_at = None
        endpoint.consecutive_failures = 0
        log.info("Webhook delivery %s sent (%s)", delivery.id, status_code, extra=extra)
        return "delivered"
    endpoint.consecutive_failures += 1
    log.warning("Webhook delivery %s failed: %s", delivery.id, error, extra=extra)
    if endpoint.consecutive_failures >= setting("WEBHOOK_DISABLE_AFTER"):
        switch_off(endpoint, error)
        delivery.status = DeliveryStatus.HELD.value
        delivery.next_attempt_at = None
        return "endpoint switched off"
    if delivery.attempts >= setting("WEBHOOK_MAX_ATTEMPTS"):
        delivery.status = DeliveryStatus.FAILED.value
        delivery.finished_at = now
        delivery.next_attempt_at = None
        return "failed"
    delay = retry_delay(delivery.attempts)
    delivery.next_attempt_at = now + delay
    defer(deliver, delivery.id, delay=delay)
    return "will retry"


def switch_off(endpoint: WebhookEndpoint, error: str) -> None:
    """Switch `endpoint` off after repeated failures and email the force's admins; not committed."""
    from frontcounter.integrations.webhooks.notify import tell_admins_switched_off

    endpoint.disabled_at = _now()
    endpoint.disabled_reason = error[:1000]
    log.error("Webhook endpoint %s switched off after %s failures", endpoint.id, endpoint.consecutive_failures,
              extra={"webhook_endpoint": endpoint.id, "request_id": current_request_id()})
    tell_admins_switched_off(endpoint)


def switch_on(endpoint: WebhookEndpoint) -> int:
    """Switch `endpoint` back on and send the deliveries held meanwhile; return how many; not committed."""
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.consecutive_failures = 0
    held = db.session.scalars(
        db.select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == DeliveryStatus.HELD)
        .order_by(WebhookDelivery.id)
    ).all()
    for delivery in held:
        delivery.status = DeliveryStatus.PENDING.value
        delivery.attempts = 0
        db.session.flush()
        defer(deliver, delivery.id)
    return len(held)


def replay(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery's event to its endpoint again, as a new delivery (same event id); not committed."""
    from frontcounter.integrations.webhooks.events import queue_delivery

    endpoint = db.session.get(WebhookEndpoint, delivery.endpoint_id)
    return queue_delivery(endpoint, delivery.event, replay_of=delivery.id)
