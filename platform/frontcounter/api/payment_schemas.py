"""Marshmallow schemas for the back-office payment and refund endpoints (amounts in pence)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class RefundSchema(Schema):
    """Part or all of a payment given back."""

    id = fields.Integer(strict=True, required=True)
    amount_pence = fields.Integer(strict=True, required=True)
    state = fields.String(required=True, metadata={"description": "submitted, success or error"})
    reason = fields.String()
    actor = fields.String(metadata={"description": "Who asked for it (a person's email, or api:<token name>)"})
    error = fields.String(metadata={"description": "Why the provider refused it, when it did"})
    created_at = fields.AwareDateTime()


class PaymentSchema(Schema):
    """One attempt to pay for a case, with its refunds."""

    id = fields.String(required=True, metadata={"description": "The payment's public id"})
    case = fields.String(required=True, metadata={"description": "The case reference"})
    state = fields.String(
        required=True, metadata={"description": "created, started, success, failed, cancelled, error or expired"}
    )
    provider = fields.String()
    purpose = fields.String(metadata={"description": "What the payment is for (\"fee\" unless the service says)"})
    description = fields.String()
    currency = fields.String()
    amount_pence = fields.Integer(strict=True, required=True)
    refunded_pence = fields.Integer(strict=True, required=True)
    refundable_pence = fields.Integer(strict=True, required=True, metadata={"description": "What is left to refund"})
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    refunds = fields.List(fields.Nested(RefundSchema), required=True)


class RefundRequestSchema(Schema):
    """Refund part or all of a successful payment."""

    amount_pence = fields.Integer(strict=True, required=True, validate=validate.Range(min=1))
    reason = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=2000),
                  validate.Regexp(r"^[^\x00]*[^\s\x00][^\x00]*$", error="Enter the reason for the refund.")],
        metadata={"description": "Why: some text other than spaces and line breaks (no NUL bytes)"},
    )
    expected_refundable_pence = fields.Integer(
        strict=True,
        validate=validate.Range(min=0),
        metadata={
            "description": "What you believe may still be refunded; when it differs (e.g. a repeated request), "
            "the refund is refused with reason `changed`"
        },
    )


class RefundResultSchema(RefundSchema):
    """The refund just asked for, and the payment as it now stands."""

    payment = fields.Nested(PaymentSchema, required=True)
