"""The national webhook endpoint: POST /payments/webhooks/<provider>, verified by signature, CSRF-exempt."""

from __future__ import annotations

import logging

from flask import abort, request

from frontcounter.extensions import csrf, db
from frontcounter.payments.blueprint import bp
from frontcounter.payments.providers import InvalidWebhook, ProviderError, webhook_provider
from frontcounter.payments.webhooks import handle_event

log = logging.getLogger(__name__)


@bp.post("/payments/webhooks/<provider>")
@csrf.exempt
def webhook(provider: str) -> tuple[str, int]:
    """Verify a provider's webhook and sync the payment it names; 400 when unsigned, 503 to ask for a retry."""
    provider_cls = webhook_provider(provider) or abort(404)
    try:
        event = provider_cls.verify_webhook(request.get_data(), request.headers)
    except InvalidWebhook as exc:
        log.warning("Rejected a %s webhook: %s", provider, exc)
        return "invalid signature\n", 400
    try:
        outcome = handle_event(provider_cls.name, event)
    except ProviderError as exc:
        db.session.rollback()
        log.warning("%s webhook %s: could not fetch the payment: %s", provider, event.event_id, exc)
        return "provider unavailable, retry later\n", 503
    return f"{outcome}\n", 200
