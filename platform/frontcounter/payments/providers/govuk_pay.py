"""GOV.UK Pay over its public API (https://docs.payments.service.gov.uk), with `requests` and timeouts.

Create: POST /v1/payments (amount in pence, reference, description, return_url), which answers the
payment_id and the page to send the payer to (_links.next_url.href). Truth: GET /v1/payments/{id}
(state.status created, started, submitted, capturable, success, failed, cancelled or error;
refund_summary). Refunds: POST /v1/payments/{id}/refunds with the amount and the
refund_amount_available we believe is left, which Pay refuses with 412 when it is not (so a repeated
refund can never go through twice). Webhooks are signed with HMAC-SHA256 of the raw body, in hex, in
the Pay-Signature header; they only name the payment to re-fetch. Pay itself ends a payment nobody
finished after 90 minutes (failed, code P0020).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any, ClassVar

import requests

from frontcounter.payments.models import Payment, PaymentState, Refund, RefundState
from frontcounter.payments.providers.base import (
    InvalidWebhook,
    PaymentProvider,
    ProviderError,
    RefundResult,
    Started,
    Truth,
    WebhookEvent,
)
from frontcounter.payments.settings import GovukPaySettings, govuk_pay_settings, govuk_pay_webhook_secrets
from frontcounter.tenancy.context import TenantRef, current_tenant

TIMEOUT = (5, 20)  # seconds: connecting, then reading each answer
_STATES = {
    "created": PaymentState.STARTED,
    "started": PaymentState.STARTED,
    "submitted": PaymentState.STARTED,
    "capturable": PaymentState.STARTED,
    "success": PaymentState.SUCCESS,
    "failed": PaymentState.FAILED,
    "cancelled": PaymentState.CANCELLED,
    "error": PaymentState.ERROR,
}
# Codes of a failed payment that mean something other than a declined card.
_FAILED_CODES = {"P0020": PaymentState.EXPIRED, "P0030": PaymentState.CANCELLED}
_REFUND_STATES = {"submitted": RefundState.SUBMITTED, "success": RefundState.SUCCESS, "error": RefundState.ERROR}


def _locale() -> str:
    try:
        from flask_babel import get_locale

        return "cy" if str(get_locale() or "en") == "cy" else "en"
    except (RuntimeError, KeyError):
        return "en"


class GovukPayProvider(PaymentProvider):
    """Card payments through GOV.UK Pay's hosted pages."""

    name: ClassVar[str] = "govuk_pay"

    def __init__(self, settings: GovukPaySettings) -> None:
        self.settings = settings

    @classmethod
    def for_tenant(cls, tenant: TenantRef) -> GovukPayProvider:
        """The force's GOV.UK Pay account (GOVUK_PAY_API_KEY_<SLUG>, else the platform's GOVUK_PAY_API_KEY)."""
        settings = govuk_pay_settings(tenant)
        if settings is None:
            raise ProviderError("GOV.UK Pay is not configured for this force.")
        return cls(settings)

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> requests.Response:
        try:
            response = requests.request(
                method,
                f"{self.settings.api_base}{path}",
                json=body,
                headers={"Authorization": f"Bearer {self.settings.api_key}", "Accept": "application/json"},
                timeout=TIMEOUT,
            )
        except requests.RequestException as exc:
            raise ProviderError(f"GOV.UK Pay could not be reached ({type(exc).__name__}).") from exc
        return response

    def _json(self, method: str, path: str, body: dict[str, Any] | None = None, ok: tuple[int, ...] = (200,)) -> Any:
        response = self._call(method, path, body)
        if response.status_code not in ok:
            raise ProviderError(_error(response))
        try:
            return response.json()
        except ValueError as exc:
            raise ProviderError("GOV.UK Pay answered with something that is not JSON.") from exc

    def start(self, payment: Payment, return_url: str) -> Started:
        """Create the payment at Pay and send the payer to Pay's page for it."""
        tenant = current_tenant()
        created = self._json(
            "POST",
            "/v1/payments",
            {
                "amount": payment.amount_pence,
                "reference": payment.case.reference,
                "description": payment.description[:255],
                "return_url": return_url,
                "language": _locale(),
                "metadata": {"payment": payment.public_id, "force": tenant.slug, "purpose": payment.purpose},
            },
            ok=(201,),
        )
        try:
            return Started(str(created["payment_id"]), str(created["_links"]["next_url"]["href"]))
        except (KeyError, TypeError) as exc:
            raise ProviderError("GOV.UK Pay's answer had no payment id or next page.") from exc

    def fetch(self, payment: Payment) -> Truth:
        """Read the payment at Pay: its state, amount and what has been submitted for refund."""
        found = self._json("GET", f"/v1/payments/{payment.provider_ref}")
        state_block = found.get("state") or {}
        status = str(state_block.get("status") or "")
        state = _STATES.get(status, PaymentState.ERROR)
        failure = ""
        if state in (PaymentState.FAILED, PaymentState.ERROR, PaymentState.CANCELLED):
            state = _FAILED_CODES.get(str(state_block.get("code") or ""), state)
            failure = str(state_block.get("message") or status)
        summary = found.get("refund_summary") or {}
        refunded = int(summary.get("amount_submitted") or 0)
        ref = str(found.get("payment_id") or payment.provider_ref)
        return Truth(ref, state, int(found.get("amount") or 0), refunded, failure)

    def refund(self, payment: Payment, refund: Refund) -> RefundResult:
        """Ask Pay to refund, stating what we believe is left to refund (Pay refuses with 412 if it is not)."""
        available_before = payment.amount_pence - (payment.refunded_pence - refund.amount_pence)
        response = self._call(
            "POST",
            f"/v1/payments/{payment.provider_ref}/refunds",
            {"amount": refund.amount_pence, "refund_amount_available": available_before},
        )
        if response.status_code == 412:
            raise ProviderError("GOV.UK Pay says the amount left to refund has changed; check the payment.")
        if response.status_code not in (200, 202):
            raise ProviderError(_error(response))
        created = response.json()
        return RefundResult(str(created["refund_id"]), _REFUND_STATES.get(created.get("status"), RefundState.SUBMITTED))

    def fetch_refund(self, payment: Payment, refund: Refund) -> RefundResult | None:
        """Read a submitted refund's state at Pay."""
        if not refund.provider_ref:
            return None
        found = self._json("GET", f"/v1/payments/{payment.provider_ref}/refunds/{refund.provider_ref}")
        return RefundResult(refund.provider_ref, _REFUND_STATES.get(found.get("status"), RefundState.SUBMITTED))

    def cancel(self, payment: Payment) -> bool:
        """Cancel a payment the payer has not finished (Pay answers 204, or 400/409 when it cannot)."""
        response = self._call("POST", f"/v1/payments/{payment.provider_ref}/cancel")
        if response.status_code == 204:
            return True
        if response.status_code in (400, 404, 409):
            return False
        raise ProviderError(_error(response))

    @classmethod
    def verify_webhook(cls, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Check Pay-Signature (hex HMAC-SHA256 of the raw body) against each configured secret, then read it."""
        signature = (headers.get("Pay-Signature") or "").strip().lower()
        if not signature:
            raise InvalidWebhook("No Pay-Signature header.")
        for secret in govuk_pay_webhook_secrets():
            expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            if hmac.compare_digest(expected, signature):
                break
        else:
            raise InvalidWebhook("No configured GOV.UK Pay webhook secret verifies this webhook.")
        try:
            message = json.loads(body)
            event_id = str(message["webhook_message_id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidWebhook("The body is not a GOV.UK Pay webhook message.") from exc
        resource = message.get("resource_id") if message.get("resource_type", "payment") == "payment" else None
        return WebhookEvent(event_id, str(message.get("event_type") or ""), str(resource) if resource else None)


def _error(response: requests.Response) -> str:
    """Pay's error (code and description) in words safe to show staff."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    described = body.get("description") if isinstance(body, dict) else None
    code = body.get("code") if isinstance(body, dict) else None
    if response.status_code == 401:
        return "GOV.UK Pay refused the API key."
    text = f"GOV.UK Pay answered {response.status_code}"
    if code or described:
        text += f" ({' '.join(str(part) for part in (code, described) if part)})"
    return text[:480]
