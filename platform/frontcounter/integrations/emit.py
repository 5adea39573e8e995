"""The core's events, reported from the case engine, payments and bookings inside their transactions.

Each function builds the event's data (references and states, not personal details: a receiver that
needs more asks the API with a token) and publishes it; case events also queue the push to the
force's records system when it has chosen an adapter.
"""

from __future__ import annotations

from typing import Any

from frontcounter.integrations.records.push import schedule_push
from frontcounter.integrations.webhooks.events import publish

CASE_CREATED = "case.created"
CASE_TRANSITIONED = "case.transitioned"
PAYMENT_SUCCEEDED = "payment.succeeded"
PAYMENT_REFUNDED = "payment.refunded"
BOOKING_CHANGED = "booking.changed"


def _case(case: Any) -> dict[str, Any]:
    return {"reference": case.reference, "service": case.service_key, "state": case.state}


def case_created(case: Any) -> None:
    """A case was opened."""
    publish(CASE_CREATED, {"case": _case(case)})
    schedule_push(case)


def case_transitioned(case: Any, transition: str, from_state: str | None) -> None:
    """A case moved from `from_state` by `transition`."""
    publish(CASE_TRANSITIONED, {"case": _case(case), "transition": transition, "from_state": from_state,
                                "to_state": case.state})
    schedule_push(case)


def payment_succeeded(payment: Any, case: Any) -> None:
    """A payment for a case succeeded."""
    publish(PAYMENT_SUCCEEDED, {
        "payment": {"id": payment.public_id, "amount_pence": payment.amount_pence, "purpose": payment.purpose,
                    "provider": payment.provider},
        "case": _case(case) if case is not None else None,
    })


def payment_refunded(refund: Any, payment: Any, case: Any) -> None:
    """A refund of a payment succeeded."""
    publish(PAYMENT_REFUNDED, {
        "refund": {"id": refund.id, "amount_pence": refund.amount_pence},
        "payment": {"id": payment.public_id, "amount_pence": payment.amount_pence,
                    "refunded_pence": payment.refunded_pence},
        "case": _case(case) if case is not None else None,
    })


def booking_changed(booking: Any, change: str, case: Any = None) -> None:
    """A booking was confirmed, cancelled or rescheduled (`change`)."""
    slot = booking.slot
    publish(BOOKING_CHANGED, {
        "change": change,
        "booking": {"id": booking.id, "state": booking.state, "rescheduled_from": booking.rescheduled_from_id,
                    "starts_at": slot.starts_at.isoformat() if slot is not None else None,
                    "service": slot.service_key if slot is not None else None},
        "case": _case(case) if case is not None else None,
    })
