"""The national webhook endpoint: POST /payments/webhooks/<provider>, verified by signature, CSRF-exempt."""

from __future__ import annotations

import logging

from flask import abort, request
from sqlalchemy.orm.exc import StaleDataError

from frontcounter.extensions import csrf, db
from frontcounter.payments.blueprint import bp
from frontcounter.payments.providers import InvalidWebhook, ProviderError, UnusableWebhook, webhook_provider
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
    except UnusableWebhook as exc:
        _record_unusable(provider_cls.name, request.get_data())
        log.warning("Refused a signed %s webhook that is not an event: %s", provider, exc)
        return "not an event\n", 400
    try:
        outcome = handle_event(provider_cls.name, event)
    except StaleDataError:
        db.session.rollback()
        log.info("%s webhook %s: the case changed at the same moment; asking for a retry", provider, event.event_id)
        return "busy, retry later\n", 503
    except ProviderError as exc:
        db.session.rollback()
        log.warning("%s webhook %s: could not fetch the payment: %s", provider, event.event_id, exc)
        return "provider unavailable, retry later\n", 503
    log.info("%s webhook %s (%s): %s", provider, event.event_id, event.type, outcome)
    return f"{outcome}\n", 200


def _record_unusable(provider: str, body: bytes) -> None:
    """Keep a record of a signed body that is not an event (once per distinct body)."""
    import hashlib

    from sqlalchemy.exc import IntegrityError

    from frontcounter.payments.models import ProviderEvent

    digest = hashlib.sha256(body).hexdigest()
    try:
        db.session.add(ProviderEvent(provider=provider, event_id=f"unusable:{digest}", event_type="unusable"))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
