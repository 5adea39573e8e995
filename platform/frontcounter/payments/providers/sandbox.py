"""The sandbox provider: a hosted page served by the app where the payer chooses what happens.

It keeps its own truth in SandboxPayment rows, apart from our Payment rows, so the return from its
page and reconciliation work exactly as with a real provider.
"""

from __future__ import annotations

import secrets
from typing import ClassVar

from frontcounter.extensions import db
from frontcounter.payments.models import Payment, PaymentState, Refund, RefundState, SandboxPayment
from frontcounter.payments.providers.base import PaymentProvider, ProviderError, RefundResult, Started, Truth
from frontcounter.web.urls import external_url

# The payer's choices on the sandbox page, and what each leaves the sandbox's truth as.
OUTCOMES = {"success": "succeeded", "declined": "declined", "cancelled": "cancelled"}
_STATES = {
    "created": PaymentState.STARTED,
    "succeeded": PaymentState.SUCCESS,
    "declined": PaymentState.FAILED,
    "cancelled": PaymentState.CANCELLED,
}


class SandboxProvider(PaymentProvider):
    """Payments that take no money: for development, demonstrations and tests."""

    name: ClassVar[str] = "sandbox"
    live: ClassVar[bool] = False

    def _row(self, ref: str | None) -> SandboxPayment:
        row = db.session.scalar(db.select(SandboxPayment).filter_by(ref=ref or ""))
        if row is None:
            raise ProviderError(f"The sandbox has no payment {ref!r}.")
        return row

    def start(self, payment: Payment, return_url: str) -> Started:
        """Record the payment in the sandbox and send the payer to its page."""
        ref = f"sbx_{secrets.token_hex(12)}"
        db.session.add(SandboxPayment(ref=ref, amount_pence=payment.amount_pence, return_url=return_url))
        return Started(ref, external_url("payments.sandbox", payment_public_id=payment.public_id))

    def fetch(self, payment: Payment) -> Truth:
        """Read the sandbox's record."""
        row = self._row(payment.provider_ref)
        failure = "Card declined (sandbox)" if row.status == "declined" else ""
        return Truth(row.ref, _STATES[row.status], row.amount_pence, row.refunded_pence, failure)

    def refund(self, payment: Payment, refund: Refund) -> RefundResult:
        """Refund at once, refusing (as a real provider would) more than was taken."""
        row = self._row(payment.provider_ref)
        if row.status != "succeeded" or row.refunded_pence + refund.amount_pence > row.amount_pence:
            raise ProviderError("The sandbox refused the refund: it is more than is left of the payment.")
        row.refunded_pence += refund.amount_pence
        return RefundResult(f"sbx_re_{refund.id}", RefundState.SUCCESS)

    def cancel(self, payment: Payment) -> bool:
        """Cancel a payment nobody finished on the sandbox page."""
        row = self._row(payment.provider_ref)
        if row.status != "created":
            return False
        row.status = "cancelled"
        return True

    def choose(self, payment: Payment, outcome: str) -> str:
        """The payer's choice on the sandbox page; returns where the sandbox sends them back to."""
        row = self._row(payment.provider_ref)
        if outcome not in OUTCOMES:
            raise ValueError(outcome)
        if row.status == "created":
            row.status = OUTCOMES[outcome]
        return row.return_url
