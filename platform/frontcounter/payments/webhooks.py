"""Handle a verified provider webhook: once per event, and only as a trigger to re-fetch the truth."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from frontcounter.extensions import db
from frontcounter.payments.models import Payment, ProviderEvent
from frontcounter.payments.providers import WebhookEvent
from frontcounter.payments.service import sync
from frontcounter.tenancy.context import platform_wide, tenant_context
from frontcounter.tenancy.models import Tenant


def handle_event(provider: str, event: WebhookEvent) -> str:
    """Record the event (a repeat does nothing), find its payment's force, sync the payment; commits.

    Returns what happened: "duplicate", "ignored" (not about a payment of ours) or "synced". Raises
    ProviderError (nothing is recorded, so the provider's retry is handled afresh).
    """
    if event.payment_ref is None:
        return "ignored"
    with platform_wide("webhook: find the payment's force"):
        found = db.session.execute(
            db.select(Payment.id, Payment.tenant_id).where(
                Payment.provider == provider, Payment.provider_ref == event.payment_ref
            )
        ).first()
    if found is None:
        return "ignored"
    try:  # the transaction's first write: on a duplicate nothing else is lost by rolling back
        db.session.add(ProviderEvent(provider=provider, event_id=event.event_id, event_type=event.type[:100]))
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    tenant = db.session.get(Tenant, found.tenant_id)
    with tenant_context(tenant):
        payment = db.session.get(Payment, found.id)
        sync(payment)
        db.session.commit()
    return "synced"
