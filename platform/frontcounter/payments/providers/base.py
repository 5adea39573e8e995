"""The one interface every payment provider implements (registered through register_payment_providers).

A provider starts a payment (and says where to send the payer), fetches its own truth about a
payment (the return from the payer and every webhook are only triggers to fetch it, so repeated or
out-of-order deliveries are harmless), refunds, and verifies and reads its webhooks. The core does
the rest: states, fulfilment, receipts, refunds' bookkeeping and reconciliation.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from frontcounter.payments.models import PaymentState, RefundState

if TYPE_CHECKING:
    from frontcounter.payments.models import Payment, Refund
    from frontcounter.tenancy.context import TenantRef


class ProviderError(Exception):
    """The provider could not be reached or refused the request; the message is safe to show staff."""


class InvalidWebhook(Exception):
    """A webhook whose signature (or body) does not verify."""


class UnusableWebhook(Exception):
    """A correctly signed webhook whose body is not an event (e.g. not a JSON object): refused with a 400."""


@dataclass(frozen=True)
class Started:
    """A payment the provider has accepted: its reference there and where to send the payer."""

    ref: str
    next_url: str


@dataclass(frozen=True)
class Truth:
    """What the provider says about a payment right now."""

    ref: str
    state: PaymentState
    amount_pence: int
    refunded_pence: int = 0
    failure: str = ""


@dataclass(frozen=True)
class RefundResult:
    """What the provider did with a refund: its reference and the refund's state."""

    ref: str
    state: RefundState


@dataclass(frozen=True)
class WebhookEvent:
    """A verified webhook: its id (for idempotency), type, and the payment it concerns, if any."""

    event_id: str
    type: str
    payment_ref: str | None


class PaymentProvider(ABC):
    """One payment provider, configured for the force in scope.

    `name` is what a force writes in `[payments] provider = ...` and what webhooks are posted to
    (/payments/webhooks/<name>); `live` is False for providers that take no real money (the
    sandbox), which new payments may use only where PAYMENTS_SANDBOX allows.
    """

    name: ClassVar[str]
    live: ClassVar[bool] = True

    @classmethod
    def for_tenant(cls, tenant: TenantRef) -> PaymentProvider:
        """Return the provider configured for `tenant` (its keys); raise ProviderError when it has none."""
        return cls()

    @abstractmethod
    def start(self, payment: Payment, return_url: str) -> Started:
        """Create the payment at the provider; return its reference and the page to send the payer to."""

    @abstractmethod
    def fetch(self, payment: Payment) -> Truth:
        """Return the provider's truth about `payment` (raises ProviderError)."""

    @abstractmethod
    def refund(self, payment: Payment, refund: Refund) -> RefundResult:
        """Give back `refund.amount_pence` of `payment` (idempotent per refund; raises ProviderError)."""

    def cancel(self, payment: Payment) -> bool:
        """Ask the provider to cancel an unfinished payment; False when it cannot (it then lapses there)."""
        return False

    def fetch_refund(self, payment: Payment, refund: Refund) -> RefundResult | None:
        """Return the provider's state of a submitted refund, or None when it cannot say."""
        return None

    @classmethod
    def verify_webhook(cls, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Verify a webhook's signature and read it (raises InvalidWebhook); by default none are accepted."""
        raise InvalidWebhook(f"{cls.name} sends no webhooks")
