"""Payment settings: which provider a force uses, its Stripe keys, and the platform's charge per transaction.

Stripe keys come from the app config (filled from the environment): STRIPE_SECRET_KEY,
STRIPE_WEBHOOK_SECRET, STRIPE_PUBLISHABLE_KEY and STRIPE_API_BASE (localstripe in tests) for the
platform's account, each overridable per force with a _<SLUG> suffix (slug upper-cased, hyphens as
underscores), e.g. STRIPE_SECRET_KEY_SOUTH_WALES. A force with a secret key pays through Stripe; one
without uses the sandbox, which is refused in production unless PAYMENTS_SANDBOX is set.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from frontcounter.tenancy.context import TenantRef

DEFAULT_PLATFORM_CHARGE_PENCE = 99
VAT_PERCENT = 20


@dataclass(frozen=True)
class StripeSettings:
    """One Stripe account's keys (and the API base, for localstripe)."""

    secret_key: str
    webhook_secret: str = ""
    publishable_key: str = ""
    api_base: str = ""


def _force_suffix(tenant: TenantRef) -> str:
    return tenant.slug.upper().replace("-", "_")


def _pick(name: str, tenant: TenantRef) -> str:
    config = current_app.config
    return str(config.get(f"{name}_{_force_suffix(tenant)}") or config.get(name) or "")


def stripe_settings(tenant: TenantRef) -> StripeSettings | None:
    """Return the force's Stripe keys (its own, else the platform's), or None when it has none."""
    secret = _pick("STRIPE_SECRET_KEY", tenant)
    if not secret:
        return None
    return StripeSettings(
        secret_key=secret,
        webhook_secret=_pick("STRIPE_WEBHOOK_SECRET", tenant),
        publishable_key=_pick("STRIPE_PUBLISHABLE_KEY", tenant),
        api_base=_pick("STRIPE_API_BASE", tenant),
    )


def stripe_webhook_secrets() -> list[str]:
    """Every configured Stripe webhook signing secret (the platform's and each force's)."""
    config = current_app.config
    names = sorted(k for k in config if k == "STRIPE_WEBHOOK_SECRET" or k.startswith("STRIPE_WEBHOOK_SECRET_"))
    return [str(config[k]) for k in names if config[k]]


def provider_name(tenant: TenantRef) -> str:
    """The provider new payments of this force go through: "stripe" with keys, else "sandbox"."""
    return "stripe" if stripe_settings(tenant) is not None else "sandbox"


def sandbox_allowed() -> bool:
    """True where the sandbox may take 'payments': anywhere but production, unless PAYMENTS_SANDBOX says so."""
    configured = current_app.config.get("PAYMENTS_SANDBOX")
    if configured is not None:
        return bool(configured)
    return current_app.config.get("ENV_NAME") != "production"


def platform_charge(service_key: str) -> tuple[int, int]:
    """Return (net, VAT) in pence that the platform charges a force for one paid transaction of a service.

    The service may declare its own price in Service.extra["platform_charge_pence"] (e.g. 198);
    the platform operator may override any service in PLATFORM_CHARGE_PENCE = {service_key: pence}.
    """
    from frontcounter.plugins.manager import registry

    service = registry().services.get(service_key)
    declared = service.extra.get("platform_charge_pence") if service is not None else None
    overrides = current_app.config.get("PLATFORM_CHARGE_PENCE") or {}
    net = int(overrides.get(service_key, declared if declared is not None else DEFAULT_PLATFORM_CHARGE_PENCE))
    vat_percent = int(current_app.config.get("VAT_PERCENT", VAT_PERCENT))
    vat = (net * vat_percent + 50) // 100  # to the nearest penny, halves up
    return net, vat
