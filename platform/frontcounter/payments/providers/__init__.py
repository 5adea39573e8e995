"""Payment providers behind one interface: the local sandbox (default) and Stripe."""

from __future__ import annotations

from frontcounter.payments.providers.base import (
    InvalidWebhook,
    PaymentProvider,
    ProviderError,
    RefundResult,
    Started,
    Truth,
    UnusableWebhook,
    WebhookEvent,
)
from frontcounter.payments.providers.registry import provider_for, provider_for_new_payment, webhook_provider

__all__ = [
    "InvalidWebhook",
    "PaymentProvider",
    "ProviderError",
    "RefundResult",
    "Started",
    "Truth",
    "UnusableWebhook",
    "WebhookEvent",
    "provider_for",
    "provider_for_new_payment",
    "webhook_provider",
]
