"""Which provider handles a payment: the one it went through, or for a new payment the force's own."""

from __future__ import annotations

from frontcounter.payments.providers.base import PaymentProvider, ProviderError
from frontcounter.payments.providers.sandbox import SandboxProvider
from frontcounter.payments.providers.stripe import StripeProvider
from frontcounter.payments.settings import provider_name, sandbox_allowed, stripe_settings
from frontcounter.tenancy.context import TenantRef, current_tenant

PROVIDERS: dict[str, type[PaymentProvider]] = {p.name: p for p in (SandboxProvider, StripeProvider)}


def _build(name: str, tenant: TenantRef) -> PaymentProvider:
    if name == StripeProvider.name:
        settings = stripe_settings(tenant)
        if settings is None:
            raise ProviderError("Stripe is not configured for this force.")
        return StripeProvider(settings)
    if name == SandboxProvider.name:
        return SandboxProvider()
    raise ProviderError(f"Unknown payment provider {name!r}.")


def provider_for(payment_provider: str) -> PaymentProvider:
    """Return the provider called `payment_provider`, configured for the force in scope."""
    return _build(payment_provider, current_tenant())


def provider_for_new_payment() -> PaymentProvider:
    """Return the provider the force in scope takes new payments through (raises ProviderError if none)."""
    tenant = current_tenant()
    name = provider_name(tenant)
    if name == SandboxProvider.name and not sandbox_allowed():
        raise ProviderError("No payment provider is configured for this force.")
    return _build(name, tenant)


def webhook_provider(name: str) -> type[PaymentProvider] | None:
    """Return the provider class whose webhooks arrive at /payments/webhooks/<name>, or None."""
    return PROVIDERS.get(name)
