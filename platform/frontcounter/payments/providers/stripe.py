"""Stripe through the official SDK: PaymentIntents, refunds, and signed webhooks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import stripe

from frontcounter.payments.models import Payment, PaymentState, Refund, RefundState
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
from frontcounter.payments.settings import StripeSettings, stripe_settings, stripe_webhook_secrets
from frontcounter.tenancy.context import TenantRef, current_tenant
from frontcounter.web.urls import external_url

# PaymentIntent statuses; requires_payment_method after an attempt (last_payment_error) is a failure,
# though the payer may still try again on the same intent.
_STATES = {
    "requires_payment_method": PaymentState.STARTED,
    "requires_confirmation": PaymentState.STARTED,
    "requires_action": PaymentState.STARTED,
    "processing": PaymentState.STARTED,
    "requires_capture": PaymentState.STARTED,
    "succeeded": PaymentState.SUCCESS,
    "canceled": PaymentState.CANCELLED,
}
_REFUND_STATES = {"succeeded": RefundState.SUCCESS, "failed": RefundState.ERROR, "canceled": RefundState.ERROR}


def _message(error: stripe.StripeError) -> str:
    return str(error.user_message or f"{type(error).__name__} from Stripe")


def _field(obj: Any, name: str) -> Any:
    """Read a field of a Stripe object or a plain dict (events carry plain data)."""
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


class StripeProvider(PaymentProvider):
    """Card payments with Stripe PaymentIntents (Stripe Elements on the payer's page)."""

    name: ClassVar[str] = "stripe"

    def __init__(self, settings: StripeSettings) -> None:
        self.settings = settings
        addresses = {"api": settings.api_base} if settings.api_base else None
        self.client = stripe.StripeClient(
            settings.secret_key,
            base_addresses=addresses,  # type: ignore[arg-type]
            max_network_retries=2,
        )

    @classmethod
    def for_tenant(cls, tenant: TenantRef) -> StripeProvider:
        """The force's Stripe account (its own keys, else the platform's)."""
        settings = stripe_settings(tenant)
        if settings is None:
            raise ProviderError("Stripe is not configured for this force.")
        return cls(settings)

    def start(self, payment: Payment, return_url: str) -> Started:
        """Create a PaymentIntent (idempotent per payment) and send the payer to the card page."""
        tenant = current_tenant()
        params: dict[str, Any] = {
            "amount": payment.amount_pence,
            "currency": payment.currency,
            "payment_method_types": ["card"],
            "metadata": {"payment": payment.public_id, "force": tenant.slug, "description": payment.description},
        }
        try:
            intent = self.client.v1.payment_intents.create(
                params=params,
                options={"idempotency_key": f"frontcounter-payment-{payment.public_id}"},  # type: ignore[arg-type]
            )
        except stripe.StripeError as exc:
            raise ProviderError(_message(exc)) from exc
        return Started(intent.id, external_url("payments.stripe", payment_public_id=payment.public_id))

    def intent(self, ref: str) -> stripe.PaymentIntent:
        """Return the PaymentIntent with its latest charge (raises ProviderError)."""
        try:
            return self.client.v1.payment_intents.retrieve(ref, params={"expand": ["latest_charge"]})
        except stripe.StripeError as exc:
            raise ProviderError(_message(exc)) from exc

    def fetch(self, payment: Payment) -> Truth:
        """Retrieve the PaymentIntent: its status, amount, and what its charge has had refunded."""
        intent = self.intent(payment.provider_ref or "")
        error = intent.last_payment_error
        state = _STATES.get(intent.status, PaymentState.ERROR)
        if intent.status == "requires_payment_method" and error:
            state = PaymentState.FAILED
        charge = intent.latest_charge  # expanded: how much of it has been refunded
        refunded = 0 if charge is None or isinstance(charge, str) else int(_field(charge, "amount_refunded") or 0)
        failure = str(_field(error, "message") or "") if error else ""
        return Truth(intent.id, state, int(intent.amount), refunded, failure)

    def refund(self, payment: Payment, refund: Refund) -> RefundResult:
        """Create a Stripe refund on the PaymentIntent (idempotent per refund row)."""
        tenant = current_tenant()
        try:
            created = self.client.v1.refunds.create(
                params={
                    "payment_intent": payment.provider_ref or "",
                    "amount": refund.amount_pence,
                    "metadata": {"refund": str(refund.id), "force": tenant.slug},
                },
                options={"idempotency_key": f"frontcounter-refund-{tenant.slug}-{refund.id}"},
            )
        except stripe.StripeError as exc:
            raise ProviderError(_message(exc)) from exc
        return RefundResult(created.id, _REFUND_STATES.get(created.status or "", RefundState.SUBMITTED))

    def cancel(self, payment: Payment) -> bool:
        """Cancel the PaymentIntent unless it has already succeeded or been cancelled."""
        try:
            self.client.v1.payment_intents.cancel(payment.provider_ref or "")
        except stripe.StripeError:
            return False
        return True

    @classmethod
    def verify_webhook(cls, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Verify the Stripe-Signature header against each configured signing secret, then read the event."""
        signature = headers.get("Stripe-Signature", "")
        try:
            payload = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidWebhook("The body is not UTF-8.") from exc
        for secret in stripe_webhook_secrets():
            try:
                stripe.WebhookSignature.verify_header(payload, signature, secret)
            except stripe.SignatureVerificationError:
                continue
            return _read_event(payload)
        raise InvalidWebhook("No configured Stripe signing secret verifies this webhook.")


def _read_event(payload: str) -> WebhookEvent:
    """Read a signed body: UnusableWebhook unless it is a JSON object; an event without data concerns no payment."""
    import json

    try:
        event = json.loads(payload)
    except ValueError as exc:
        raise UnusableWebhook("The body is not JSON.") from exc
    if not isinstance(event, dict):
        raise UnusableWebhook("The body is not a JSON object.")
    event_id, event_type = event.get("id"), event.get("type")
    if not isinstance(event_id, str) or not event_id:
        raise UnusableWebhook("The event has no id.")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    ref = _payment_ref(obj) if isinstance(obj, dict) else None
    return WebhookEvent(event_id, str(event_type or ""), ref)


def _payment_ref(obj: Mapping[str, Any]) -> str | None:
    """The PaymentIntent an event's object is about (itself, or the charge's or refund's), if any."""
    kind = _field(obj, "object")
    if kind == "payment_intent":
        return str(_field(obj, "id"))
    if kind in ("charge", "refund"):
        intent = _field(obj, "payment_intent")
        return str(intent) if intent else None
    return None
