"""The core's own payment hooks, registered like a plugin's: its providers and the payment sweeper."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from frontcounter.plugins.hookspecs import hookimpl


@hookimpl
def register_payment_providers() -> list[Any]:
    """The providers the core ships: the sandbox, Stripe and GOV.UK Pay."""
    from frontcounter.payments.providers.govuk_pay import GovukPayProvider
    from frontcounter.payments.providers.sandbox import SandboxProvider
    from frontcounter.payments.providers.stripe import StripeProvider

    return [SandboxProvider, StripeProvider, GovukPayProvider]


@hookimpl
def periodic_tasks() -> list[Any]:
    """Expire unfinished payments every minute."""
    from frontcounter.jobs.schedule import PeriodicTask
    from frontcounter.payments.expiry import expire_payments

    return [PeriodicTask("payments-expire", expire_payments, timedelta(seconds=60))]
