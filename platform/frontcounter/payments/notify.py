"""Emails to the payer: the receipt when a payment succeeds, and a notice for each refund."""

from __future__ import annotations

from flask_babel import gettext as _

from frontcounter.cases.models import Case
from frontcounter.cases.notify import applicant_language
from frontcounter.cases.tracking import tracking_url
from frontcounter.notifications import send_email
from frontcounter.payments.models import Payment, Refund
from frontcounter.plugins.manager import registry
from frontcounter.web.templating import pence


def send_receipt(payment: Payment, case: Case) -> None:
    """Queue the payer's receipt for a successful payment."""
    with applicant_language(case):
        subject = _(
            "Payment received: %(amount)s for %(reference)s",
            amount=pence(payment.amount_pence),
            reference=case.reference,
        )
        send_email(
            case.applicant_email,
            subject,
            "email/payments/receipt",
            payment=payment,
            case=case,
            service=registry().services.get(case.service_key),
            link=tracking_url(case),
        )


def send_refund_notice(refund: Refund, payment: Payment, case: Case) -> None:
    """Queue the email telling the payer about a refund (the provider does not tell them)."""
    with applicant_language(case):
        subject = _(
            "Refund of %(amount)s for %(reference)s", amount=pence(refund.amount_pence), reference=case.reference
        )
        send_email(
            case.applicant_email,
            subject,
            "email/payments/refund",
            refund=refund,
            payment=payment,
            case=case,
            service=registry().services.get(case.service_key),
            link=tracking_url(case),
        )
