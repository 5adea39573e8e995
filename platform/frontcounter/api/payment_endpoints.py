"""Back-office API: a case's payments, and refunds (for tokens with a refunding role), on the back-office blueprint."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from frontcounter.api.cases import blp, case_or_404, case_services, utc
from frontcounter.api.payment_schemas import PaymentSchema, RefundRequestSchema, RefundResultSchema
from frontcounter.api.problems import ApiErrorSchema, ApiProblem
from frontcounter.api.token_auth import current_api_client
from frontcounter.payments.models import Payment, Refund
from frontcounter.payments.service import PaymentRefused, find_payment, payments_for, refund

# The token roles that may give money back.
REFUND_ROLES = frozenset({"supervisor"})
# PaymentRefused.code -> HTTP status.
REFUSAL_STATUS = {"amount": 422, "reason": 422, "too_much": 409, "changed": 409, "provider_error": 502}


def _refund(row: Refund) -> dict[str, Any]:
    return {
        "id": row.id,
        "amount_pence": row.amount_pence,
        "state": row.state,
        "reason": row.reason,
        "actor": row.actor,
        "error": row.error,
        "created_at": utc(row.created_at),
    }


def _payment(payment: Payment, reference: str) -> dict[str, Any]:
    return {
        "id": payment.public_id,
        "case": reference,
        "state": payment.state,
        "provider": payment.provider,
        "purpose": payment.purpose,
        "description": payment.description,
        "currency": payment.currency,
        "amount_pence": payment.amount_pence,
        "refunded_pence": payment.refunded_pence,
        "refundable_pence": payment.refundable_pence,
        "created_at": utc(payment.created_at),
        "updated_at": utc(payment.updated_at),
        "refunds": [_refund(r) for r in payment.refunds],
    }


@blp.get("/cases/<reference>/payments")
@blp.response(200, PaymentSchema(many=True))
@blp.alt_response(404, schema=ApiErrorSchema, description="No such case in the token's force")
def case_payments(reference: str) -> list[dict[str, Any]]:
    """Every payment for a case, oldest first, with its refunds."""
    case = case_or_404(reference)
    return [_payment(p, case.reference) for p in payments_for(case)]


@blp.post("/payments/<payment_id>/refunds")
@blp.arguments(RefundRequestSchema)
@blp.response(201, RefundResultSchema, description="The refund was asked for: see its state")
@blp.alt_response(403, schema=ApiErrorSchema, description="The token has no role that may refund (forbidden)")
@blp.alt_response(404, schema=ApiErrorSchema, description="No such payment in the token's force")
@blp.alt_response(
    409,
    schema=ApiErrorSchema,
    description="More than is left to refund (too_much), or what is left is not expected_refundable_pence (changed)",
)
@blp.alt_response(422, schema=ApiErrorSchema, description="A bad amount (amount) or no reason (reason), or a bad body")
@blp.alt_response(502, schema=ApiErrorSchema, description="The payment provider refused the refund (provider_error)")
def create_refund(body: dict[str, Any], payment_id: str) -> tuple[dict[str, Any], int]:
    """Refund part or all of a successful payment; the payer is told. Recorded in the audit log."""
    client = current_api_client()
    payment = find_payment(payment_id)
    if payment is None or payment.case.service_key not in case_services():
        raise ApiProblem(404, "not_found", _("There is no payment %(id)s.", id=payment_id))
    if client.roles.isdisjoint(REFUND_ROLES):
        raise ApiProblem(403, "forbidden", _("Your role does not allow you to refund payments."))
    reference = payment.case.reference
    try:
        row = refund(
            payment,
            body["amount_pence"],
            body["reason"],
            actor=client.actor,
            expected_refundable=body.get("expected_refundable_pence"),
        )
    except PaymentRefused as refused:
        raise ApiProblem(REFUSAL_STATUS.get(refused.code, 409), refused.code, refused.message) from None
    return {**_refund(row), "payment": _payment(payment, reference)}, 201
