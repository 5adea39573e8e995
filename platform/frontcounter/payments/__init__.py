"""Payments: providers behind one interface, Payment and Refund rows, webhooks, reconciliation.

A plugin declares its fee in its settings schema and calls start_payment(..., purpose=...); the case's transition
(guarded by PAID) fires once the provider confirms the money, whichever of the payer's return and
the provider's webhook arrives first.
"""

from frontcounter.payments.guards import PAID, is_paid, paid_for
from frontcounter.payments.purposes import DEFAULT_PURPOSE
from frontcounter.payments.service import PaymentRefused, start_payment

__all__ = ["DEFAULT_PURPOSE", "PAID", "PaymentRefused", "is_paid", "paid_for", "start_payment"]
