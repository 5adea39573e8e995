"""Reconciliation: compare recent payments with each provider's truth, fix what is safe, flag the rest.

A payment the provider took but we never heard of (a lost webhook, a payer who closed the tab) is
completed here, once, like any other. What cannot be fixed automatically is written to
Payment.discrepancy (and audited) for staff: a success the provider denies, different amounts,
refunds the provider has not made, or made without us. Staff clear a note once they have dealt with it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _

from frontcounter.extensions import db
from frontcounter.payments.models import Payment, PaymentState, Refund, RefundState
from frontcounter.payments.providers import ProviderError, Truth, provider_for
from frontcounter.payments.service import apply_truth, note_discrepancy, settle_refunds
from frontcounter.tenancy.context import tenant_context
from frontcounter.tenancy.models import Tenant
from frontcounter.web.templating import pence

log = logging.getLogger(__name__)
WINDOW = timedelta(days=7)
REFUND_CONFIRMATION_GRACE = timedelta(hours=1)
CHECKED_STATES = (PaymentState.STARTED, PaymentState.SUCCESS, PaymentState.FAILED)


def reconcile(now: datetime | None = None, window: timedelta = WINDOW) -> dict[str, int]:
    """Check every force's payments of the last `window` against their providers; return the counts."""
    now = now or datetime.now(UTC)
    totals = {"checked": 0, "completed": 0, "flagged": 0, "errors": 0}
    for tenant in db.session.scalars(db.select(Tenant).order_by(Tenant.id)).all():
        with tenant_context(tenant):
            payments = db.session.scalars(
                db.select(Payment)
                .where(
                    Payment.state.in_([s.value for s in CHECKED_STATES]),
                    Payment.provider_ref.is_not(None),
                    Payment.created_at >= now - window,
                )
                .order_by(Payment.id)
            ).all()
            for payment in payments:
                _check(payment, now, totals)
            db.session.commit()
    return totals


def _check(payment: Payment, now: datetime, totals: dict[str, int]) -> None:
    totals["checked"] += 1
    was_success = payment.state == PaymentState.SUCCESS
    try:
        provider = provider_for(payment.provider)
        truth = provider.fetch(payment)
        apply_truth(payment, truth)
        settle_refunds(payment, provider)  # refunds the provider confirms later (GOV.UK Pay's "submitted")
    except ProviderError as exc:
        log.warning("Reconciliation could not fetch payment %s from %s: %s", payment.public_id, payment.provider, exc)
        totals["errors"] += 1
        return
    if not was_success and payment.state == PaymentState.SUCCESS:
        totals["completed"] += 1
    new = [problem for problem in _differences(payment, truth, now) if problem not in payment.discrepancy]
    if new and note_discrepancy(payment, " ".join(new)):
        totals["flagged"] += 1


def _differences(payment: Payment, truth: Truth, now: datetime) -> list[str]:
    """What about a successful payment disagrees with the provider, in words for staff."""
    if payment.state != PaymentState.SUCCESS:
        return []
    problems = []
    if truth.state != PaymentState.SUCCESS:
        problems.append(
            _(
                "We recorded this payment as successful but %(provider)s says it is %(state)s.",
                provider=payment.provider,
                state=truth.state.value,
            )
        )
    if truth.amount_pence != payment.amount_pence:
        problems.append(
            _(
                "%(provider)s took %(theirs)s, not %(ours)s.",
                provider=payment.provider,
                theirs=pence(truth.amount_pence),
                ours=pence(payment.amount_pence),
            )
        )
    refunds = db.session.scalars(db.select(Refund).where(Refund.payment_id == payment.id)).all()
    confirmed = sum(r.amount_pence for r in refunds if r.state == RefundState.SUCCESS)
    if truth.refunded_pence not in (confirmed, payment.refunded_pence):
        problems.append(
            _(
                "%(provider)s has refunded %(theirs)s; we recorded %(ours)s.",
                provider=payment.provider,
                theirs=pence(truth.refunded_pence),
                ours=pence(confirmed),
            )
        )
    stuck = [
        r
        for r in refunds
        if r.state == RefundState.SUBMITTED and _aware(r.created_at) < now - REFUND_CONFIRMATION_GRACE
    ]
    for r in stuck:
        problems.append(
            _(
                "A refund of %(amount)s was never confirmed by %(provider)s.",
                amount=pence(r.amount_pence),
                provider=payment.provider,
            )
        )
    return problems


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
