"""Payment settings: which provider a force uses, its keys, and how long payments may stay unfinished
(the platform's charge per transaction is in frontcounter.billing).

A force chooses its provider in tenants/<slug>.toml (`[payments] provider = "govuk_pay"`, any name
registered through the register_payment_providers hook). Without a choice, a force with a Stripe
secret key pays through Stripe and one without uses the sandbox, which is refused in production
unless PAYMENTS_SANDBOX is set.

Secrets come from the app config (filled from the environment), each for the platform's account and
overridable per force with a _<SLUG> suffix (slug upper-cased, hyphens as underscores):
STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_PUBLISHABLE_KEY, STRIPE_API_BASE (localstripe in
tests); GOVUK_PAY_API_KEY, GOVUK_PAY_WEBHOOK_SECRET, GOVUK_PAY_API_BASE (e.g. GOVUK_PAY_API_KEY_SOUTH_WALES).

Unfinished payments expire after `[payments] expiry_minutes` (per force), else PAYMENT_EXPIRY_MINUTES,
else 90 minutes (GOV.UK Pay's own limit).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from frontcounter.tenancy.context import TenantRef

DEFAULT_EXPIRY_MINUTES = 90
GOVUK_PAY_API_BASE = "https://publicapi.payments.service.gov.uk"


@dataclass(frozen=True)
class StripeSettings:
    """One Stripe account's keys (and the API base, for localstripe)."""

    secret_key: str
    webhook_secret: str = ""
    publishable_key: str = ""
    api_base: str = ""


@dataclass(frozen=True)
class GovukPaySettings:
    """One GOV.UK Pay account's API key, webhook signing secret and API base."""

    api_key: str
    webhook_secret: str = ""
    api_base: str = GOVUK_PAY_API_BASE


def _force_suffix(tenant: TenantRef) -> str:
    return tenant.slug.upper().replace("-", "_")


def force_secret(name: str, tenant: TenantRef) -> str:
    """Return config `name` for the force (NAME_<SLUG>), else the platform's (NAME), else ""."""
    config = current_app.config
    return str(config.get(f"{name}_{_force_suffix(tenant)}") or config.get(name) or "")


def every_secret(name: str) -> list[str]:
    """Every configured value of `name`: the platform's and each force's (e.g. webhook signing secrets)."""
    config = current_app.config
    names = sorted(k for k in config if k == name or k.startswith(f"{name}_"))
    return [str(config[k]) for k in names if config[k] and isinstance(config[k], str)]


def stripe_settings(tenant: TenantRef) -> StripeSettings | None:
    """Return the force's Stripe keys (its own, else the platform's), or None when it has none."""
    secret = force_secret("STRIPE_SECRET_KEY", tenant)
    if not secret:
        return None
    return StripeSettings(
        secret_key=secret,
        webhook_secret=force_secret("STRIPE_WEBHOOK_SECRET", tenant),
        publishable_key=force_secret("STRIPE_PUBLISHABLE_KEY", tenant),
        api_base=force_secret("STRIPE_API_BASE", tenant),
    )


def stripe_webhook_secrets() -> list[str]:
    """Every configured Stripe webhook signing secret (the platform's and each force's)."""
    return every_secret("STRIPE_WEBHOOK_SECRET")


def govuk_pay_settings(tenant: TenantRef) -> GovukPaySettings | None:
    """Return the force's GOV.UK Pay key (its own, else the platform's), or None when it has none."""
    key = force_secret("GOVUK_PAY_API_KEY", tenant)
    if not key:
        return None
    return GovukPaySettings(
        api_key=key,
        webhook_secret=force_secret("GOVUK_PAY_WEBHOOK_SECRET", tenant),
        api_base=(force_secret("GOVUK_PAY_API_BASE", tenant) or GOVUK_PAY_API_BASE).rstrip("/"),
    )


def govuk_pay_webhook_secrets() -> list[str]:
    """Every configured GOV.UK Pay webhook signing secret (the platform's and each force's)."""
    return every_secret("GOVUK_PAY_WEBHOOK_SECRET")


def provider_name(tenant: TenantRef) -> str:
    """The provider new payments of this force go through: its own choice, else "stripe" with keys, else "sandbox"."""
    chosen = str((tenant.payments or {}).get("provider") or "")
    if chosen:
        return chosen
    return "stripe" if stripe_settings(tenant) is not None else "sandbox"


def expiry_minutes(tenant: TenantRef) -> int:
    """How long the force's payments may stay unfinished before the sweeper expires them."""
    chosen = (tenant.payments or {}).get("expiry_minutes")
    if chosen:
        return int(chosen)
    return int(current_app.config.get("PAYMENT_EXPIRY_MINUTES") or DEFAULT_EXPIRY_MINUTES)


def sandbox_allowed() -> bool:
    """True where the sandbox may take 'payments': anywhere but production, unless PAYMENTS_SANDBOX says so."""
    configured = current_app.config.get("PAYMENTS_SANDBOX")
    if configured is not None:
        return bool(configured)
    return current_app.config.get("ENV_NAME") != "production"
