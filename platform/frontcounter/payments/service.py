"""Start payments, bring them up to date from the provider's truth, fulfil each exactly once, refund.

Exactly once: complete() moves a payment to success with one conditional UPDATE (... WHERE state !=
'success'), whose row count says who won. On PostgreSQL a racing caller's UPDATE waits on the row
lock until the winner commits and then matches nothing; on SQLite the database write lock
serialises them the same way. Only the winner fires the case's transition, records the platform's
charge and sends the receipt, in the same transaction as the state change.

Once per purpose: a case is paid for each purpose (the default "fee") once. complete() locks the
case's row before it looks for another successful payment for the same purpose, so of two payments
succeeding at the same moment exactly one fulfils; the other is refunded automatically through its
provider after commit (refund_duplicate, through the outbox), audited, and the payer emailed.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _

from frontcounter.audit import record as audit
from frontcounter.cases.engine import TransitionRefused, fire, workflow_for
from frontcounter.cases.models import Case
from frontcounter.cases.tracking import tracking_url
from frontcounter.extensions import db
from frontcounter.integrations import emit
from frontcounter.jobs.outbox import RetryLater, defer
from frontcounter.payments.guards import is_paid
from frontcounter.payments.models import Payment, PaymentState, Refund, RefundState
from frontcounter.payments.notify import send_receipt, send_refund_notice
from frontcounter.payments.providers import (
    PaymentProvider,
    ProviderError,
    Truth,
    provider_for,
    provider_for_new_payment,
)
from frontcounter.payments.purposes import DEFAULT_PURPOSE
from frontcounter.refusals import Refused
from frontcounter.web.templating import pence
from frontcounter.web.urls import external_url

log = logging.getLogger(__name__)
SYSTEM_ACTOR = "system: payments"


class PaymentRefused(Refused):
    """A payment or refund that may not happen."""


def _now() -> datetime:
    return datetime.now(UTC)


def _target(payment: Payment) -> str:
    return f"payment:{payment.public_id}"


def find_payment(public_id: str) -> Payment | None:
    """Return the current force's payment with this public id, or None."""
    return db.session.scalar(db.select(Payment).filter_by(public_id=public_id))


def payments_for(case: Case) -> list[Payment]:
    """Every payment for `case`, oldest first."""
    return list(db.session.scalars(db.select(Payment).where(Payment.case_id == case.id).order_by(Payment.id)))


def start_payment(
    case: Case,
    amount_pence: int,
    description: str,
    *,
    purpose: str = DEFAULT_PURPOSE,
    fulfil_transition: str | None = "pay",
    next_url: str | None = None,
) -> str:
    """Create a payment for `case` and `purpose` with the force's provider; return the URL to send the payer to.

    On success the case's `fulfil_transition` fires as the system (guard it with PAID or paid_for(purpose)).
    A purpose is paid once: refused when already paid, and a second success is refunded automatically
    (give each charge that may recur its own purpose). The payer comes back to `next_url` (default: the
    case's tracking page). Not committed; raises PaymentRefused (roll back) when the case cannot be paid
    for now or no provider is available.
    """
    return _open(case, amount_pence, description, fulfil_transition, next_url, purpose=purpose)[1]


def _open(
    case: Case,
    amount_pence: int,
    description: str,
    fulfil_transition: str | None,
    next_url: str | None,
    provider: PaymentProvider | None = None,
    purpose: str = DEFAULT_PURPOSE,
) -> tuple[Payment, str]:
    if isinstance(amount_pence, bool) or not isinstance(amount_pence, int) or amount_pence <= 0:
        raise ValueError("amount_pence must be a whole number of pence above 0")
    if not purpose or len(purpose) > 64:
        raise ValueError("purpose must be a name of 1 to 64 characters")
    if fulfil_transition:
        transition = workflow_for(case.service_key).transition(fulfil_transition)
        if case.state not in transition.source:
            raise PaymentRefused(_("This application cannot be paid for now."), "wrong_state")
    if is_paid(case, purpose):
        raise PaymentRefused(_("This application has already been paid for."), "already_paid")
    unavailable = _("Payments are not available at the moment. Try again later.")
    try:
        provider = provider or provider_for_new_payment()
    except ProviderError as exc:
        raise PaymentRefused(unavailable, "no_provider") from exc
    payment = Payment(
        case_id=case.id,
        provider=provider.name,
        purpose=purpose,
        amount_pence=amount_pence,
        description=description,
        fulfil_transition=fulfil_transition,
        next_url=next_url or tracking_url(case),
        state=PaymentState.CREATED,
    )
    db.session.add(payment)
    db.session.flush()
    try:
        started = provider.start(payment, external_url("payments.returned", payment_public_id=payment.public_id))
    except ProviderError as exc:
        log.warning("Payment %s could not start at %s: %s", payment.public_id, provider.name, exc)
        raise PaymentRefused(unavailable, "provider_error") from exc
    payment.provider_ref = started.ref
    payment.state = PaymentState.STARTED
    return payment, started.next_url


def sync(payment: Payment) -> Truth:
    """Fetch the provider's truth and apply it (completing the payment, once, when the money is taken).

    The payer's return and every webhook call this: neither is trusted for anything but the payment's
    identity, so repeated and out-of-order deliveries change nothing. Raises ProviderError. Not committed.
    """
    provider = provider_for(payment.provider)
    truth = provider.fetch(payment)
    apply_truth(payment, truth)
    settle_refunds(payment, provider)
    return truth


def apply_truth(payment: Payment, truth: Truth) -> None:
    """Bring `payment` to the provider's state; a success is final, and an expired payment changes only to success."""
    if truth.state == PaymentState.SUCCESS:
        complete(payment)
    elif truth.state == PaymentState.EXPIRED:
        from frontcounter.payments.expiry import mark_expired

        mark_expired(payment, truth.failure or "expired at the provider")
    elif payment.state not in (PaymentState.SUCCESS, PaymentState.EXPIRED) and truth.state != payment.state:
        before = payment.state
        if _update_unless_paid(payment, state=truth.state.value, failure=truth.failure[:500]):
            audit(
                f"payment.{truth.state.value}",
                target=_target(payment),
                before={"state": before},
                after={"state": truth.state.value, "failure": truth.failure},
                actor=SYSTEM_ACTOR,
            )


def _update_unless_paid(payment: Payment, **values: Any) -> bool:
    """UPDATE the payment row unless it is already a success; True when this call changed it."""
    result = db.session.execute(
        db.update(Payment)
        .where(Payment.case_id == payment.case_id, Payment.id == payment.id, Payment.state != PaymentState.SUCCESS)
        .values(**values, updated_at=_now())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(payment)
    return result.rowcount == 1


def complete(payment: Payment) -> bool:
    """Mark `payment` successful and fulfil it: True for the one caller that did; not committed.

    Fulfilment fires the case's transition as the system, records the platform's charge and queues
    one receipt. A payment that cannot fulfil (the case moved on, or was already paid) is kept and
    flagged for staff to refund.
    """
    before = payment.state
    if not _update_unless_paid(payment, state=PaymentState.SUCCESS.value, failure=""):
        return False
    # Lock the case: of two payments for the same purpose succeeding at once, the second to get here
    # waits, then sees the first's committed success and is refunded instead of fulfilling.
    db.session.execute(db.select(Case.id).where(Case.id == payment.case_id).with_for_update())
    case = db.session.get(Case, payment.case_id, populate_existing=True)
    other = db.session.scalar(
        db.select(Payment.public_id)
        .where(
            Payment.case_id == payment.case_id,
            Payment.purpose == payment.purpose,
            Payment.id != payment.id,
            Payment.state == PaymentState.SUCCESS,
            Payment.refunded_pence < Payment.amount_pence,
        )
        .limit(1)
    )
    if other is not None:
        audit(
            "payment.duplicate",
            target=_target(payment),
            after={"purpose": payment.purpose, "paid_by": other, "amount_pence": payment.amount_pence},
            actor=SYSTEM_ACTOR,
        )
        defer(refund_duplicate, payment.public_id)
    else:
        if payment.fulfil_transition:
            try:
                fire(case, payment.fulfil_transition, actor=SYSTEM_ACTOR, as_system=True)
            except TransitionRefused as refused:
                text = _(
                    "Paid, but the application could not move on (%(reason)s): refund the payment or move the "
                    "application on by hand.",
                    reason=refused.message,
                )
                note_discrepancy(payment, text)
        from frontcounter.billing.ledger import payment_succeeded

        payment_succeeded(payment.id, case.service_key)  # the platform's charge, if the service bills payments
    if payment.receipt_sent_at is None:
        send_receipt(payment, case)
        payment.receipt_sent_at = _now()
    audit(
        "payment.success",
        target=_target(payment),
        before={"state": before},
        after={"state": PaymentState.SUCCESS.value, "amount_pence": payment.amount_pence, "case": case.reference},
        actor=SYSTEM_ACTOR,
    )
    emit.payment_succeeded(payment, case)
    return True


def refund_duplicate(payment_public_id: str) -> str:
    """Outbox work: refund in full a payment for a purpose another payment had already paid; commits.

    Retried (RetryLater) while the provider refuses or cannot be reached; staff see the failed
    attempts among the payment's refunds.
    """
    payment = find_payment(payment_public_id)
    if payment is None or payment.refundable_pence <= 0:
        return "nothing to refund"
    reason = _("You paid twice for the same thing, so we have refunded this payment.")
    try:
        refund(payment, payment.refundable_pence, reason, actor=SYSTEM_ACTOR, expected_refundable=payment.amount_pence)
    except PaymentRefused as refused:
        if refused.code in ("changed", "too_much"):
            return "already refunded"
        raise RetryLater(refused.message) from refused
    return "refunded"


def settle_refunds(payment: Payment, provider: PaymentProvider) -> None:
    """Bring each refund still submitted to the provider's state (payer emailed on success); not committed."""
    waiting = [r for r in payment.refunds if r.state == RefundState.SUBMITTED and r.provider_ref]
    for row in waiting:
        result = provider.fetch_refund(payment, row)
        if result is None or result.state == RefundState.SUBMITTED:
            continue
        changed = db.session.execute(
            db.update(Refund)
            .where(Refund.id == row.id, Refund.state == RefundState.SUBMITTED)
            .values(state=result.state.value, updated_at=_now())
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed != 1:
            continue
        db.session.refresh(row)
        details = {"refund": row.id, "amount_pence": row.amount_pence, "state": row.state}
        if result.state == RefundState.SUCCESS:
            case = db.session.get(Case, payment.case_id)
            send_refund_notice(row, payment, case)
            emit.payment_refunded(row, payment, case)
            _refund_billed(payment)
            audit("payment.refund_confirmed", target=_target(payment), after=details, actor=SYSTEM_ACTOR)
        else:
            db.session.execute(
                db.update(Payment)
                .where(Payment.case_id == payment.case_id, Payment.id == payment.id)
                .values(refunded_pence=Payment.refunded_pence - row.amount_pence, updated_at=_now())
                .execution_options(synchronize_session=False)
            )
            db.session.refresh(payment)
            audit("payment.refund_failed", target=_target(payment), after=details, actor=SYSTEM_ACTOR)


def note_discrepancy(payment: Payment, text: str, *, actor: str = SYSTEM_ACTOR) -> bool:
    """Add `text` to the payment's discrepancy note for staff (audited); False when it was already there."""
    if text in payment.discrepancy:
        return False
    after = f"{payment.discrepancy} {text}".strip()
    audit(
        "payment.discrepancy",
        target=_target(payment),
        before={"discrepancy": payment.discrepancy},
        after={"discrepancy": after},
        actor=actor,
    )
    payment.discrepancy = after
    return True


def resolve_discrepancy(payment: Payment, *, actor: str) -> None:
    """Clear the payment's discrepancy note once staff have dealt with it (audited); not committed."""
    audit(
        "payment.discrepancy_resolved",
        target=_target(payment),
        before={"discrepancy": payment.discrepancy},
        after={"discrepancy": ""},
        actor=actor,
    )
    payment.discrepancy = ""


def refund(
    payment: Payment, amount_pence: int, reason: str, *, actor: str, expected_refundable: int | None = None
) -> Refund:
    """Give back part or all of a successful payment and tell the payer; returns the Refund row.

    The amount is reserved on the payment (refused beyond what is left, or, when `expected_refundable`
    is given, if what is left has changed: a repeated form) and committed before the provider is
    asked, and the outcome committed after; on the provider's refusal the reservation is released and
    PaymentRefused raised. This function commits.
    """
    reason = reason.strip()
    if isinstance(amount_pence, bool) or not isinstance(amount_pence, int) or amount_pence <= 0:
        raise PaymentRefused(_("Enter an amount to refund of at least £0.01."), "amount")
    if not reason:
        raise PaymentRefused(_("Enter the reason for the refund."), "reason")
    conditions = [
        Payment.case_id == payment.case_id,  # names the case, so only its kept tracking page is remade
        Payment.id == payment.id,
        Payment.state == PaymentState.SUCCESS,
        Payment.refunded_pence + amount_pence <= Payment.amount_pence,
    ]
    if expected_refundable is not None:
        conditions.append(Payment.amount_pence - Payment.refunded_pence == expected_refundable)
    reserved = (
        db.session.execute(
            db.update(Payment)
            .where(*conditions)
            .values(refunded_pence=Payment.refunded_pence + amount_pence, updated_at=_now())
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )
    if not reserved:
        db.session.rollback()
        if expected_refundable is not None and payment.refundable_pence != expected_refundable:
            raise PaymentRefused(
                _("This payment has changed since you opened the page. Check it and try again."), "changed"
            )
        raise PaymentRefused(
            _("You can refund at most %(amount)s.", amount=pence(payment.refundable_pence)), "too_much"
        )
    row = Refund(
        payment_id=payment.id, amount_pence=amount_pence, reason=reason, actor=actor, state=RefundState.SUBMITTED
    )
    db.session.add(row)
    db.session.flush()
    details = {"refund": row.id, "amount_pence": amount_pence, "reason": reason}
    audit("payment.refund_submitted", target=_target(payment), after=details, actor=actor)
    db.session.commit()
    try:
        result = provider_for(payment.provider).refund(payment, row)
    except ProviderError as exc:
        _refund_failed(payment, row, str(exc), details, actor)
        raise PaymentRefused(
            _("The payment provider refused the refund: %(error)s", error=str(exc)), "provider_error"
        ) from exc
    row.provider_ref = result.ref
    if result.state == RefundState.ERROR:
        _refund_failed(payment, row, "refused by the provider", details, actor)
        raise PaymentRefused(_("The payment provider refused the refund."), "provider_error")
    row.state = result.state
    if result.state == RefundState.SUCCESS:
        case = db.session.get(Case, payment.case_id)
        send_refund_notice(row, payment, case)
        emit.payment_refunded(row, payment, case)
        _refund_billed(payment)
    audit("payment.refunded", target=_target(payment), after={**details, "state": row.state}, actor=actor)
    db.session.commit()
    return row


def _refund_billed(payment: Payment) -> None:
    """A refund succeeded: reverse the platform's charge once the payment is refunded in full."""
    from frontcounter.billing.ledger import payment_refunded

    payment_refunded(payment.id, payment.amount_pence, payment.refunded_pence)


def _refund_failed(payment: Payment, row: Refund, error: str, details: dict[str, Any], actor: str) -> None:
    """Record a refund the provider refused and release its reservation; commits."""
    row.state = RefundState.ERROR
    row.error = error[:500]
    db.session.execute(
        db.update(Payment)
        .where(Payment.case_id == payment.case_id, Payment.id == payment.id)
        .values(refunded_pence=Payment.refunded_pence - row.amount_pence, updated_at=_now())
        .execution_options(synchronize_session=False)
    )
    audit("payment.refund_failed", target=_target(payment), after={**details, "error": error}, actor=actor)
    db.session.commit()
    db.session.refresh(payment)


def pay_in_sandbox(
    case: Case,
    amount_pence: int,
    description: str,
    *,
    fulfil_transition: str | None = "pay",
    receipt: bool = True,
    purpose: str = DEFAULT_PURPOSE,
) -> Payment:
    """Pay for `case` at once in the sandbox, as a payer choosing success would (demo data, tests); not committed.

    receipt=False records the payment without emailing a receipt (demo data, paper applications paid at a counter).
    """
    from frontcounter.payments.providers.sandbox import SandboxProvider

    provider = SandboxProvider()
    payment, _next = _open(case, amount_pence, description, fulfil_transition, None, provider, purpose)
    if not receipt:
        payment.receipt_sent_at = _now()
    provider.choose(payment, "success")
    sync(payment)
    return payment
