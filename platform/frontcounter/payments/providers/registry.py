"""Which provider handles a payment: the one it went through, or for a new payment the force's own.

Providers are the classes registered through the register_payment_providers hook (the core
registers the sandbox, Stripe and GOV.UK Pay through it too, from frontcounter.payments.plugin).
"""

from __future__ import annotations

from frontcounter.payments.providers.base import PaymentProvider, ProviderError
from frontcounter.payments.settings import provider_name, sandbox_allowed
from frontcounter.plugins.manager import registry
from frontcounter.tenancy.context import TenantRef, current_tenant


def providers() -> dict[str, type[PaymentProvider]]:
    """Every registered provider class, by name."""
    return registry().payment_providers()


def _build(name: str, tenant: TenantRef) -> PaymentProvider:
    provider_cls = providers().get(name)
    if provider_cls is None:
        raise ProviderError(f"Unknown payment provider {name!r}.")
    return provider_cls.for_tenant(tenant)


def provider_for(payment_provider: str) -> PaymentProvider:
    """Return the provider called `payment_provider`, configured for the force in scope."""
    return _build(payment_provider, current_tenant())


def provider_for_new_payment() -> PaymentProvider:
    """Return the provider the force in scope takes new payments through (raises ProviderError if none)."""
    tenant = current_tenant()
    provider = _build(provider_name(tenant), tenant)
    if not provider.live and not sandbox_allowed():
        raise ProviderError("No payment provider is configured for this force.")
    return provider


def webhook_provider(name: str) -> type[PaymentProvider] | None:
    """Return the provider class whose webhooks arrive at /payments/webhooks/<name>, or None."""
    return providers().get(name)
