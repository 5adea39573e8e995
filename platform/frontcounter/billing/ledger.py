"""The transaction ledger: one PlatformCharge row per billable transaction, priced on the day it happened.

The core calls these where the events happen (a payment succeeds, a booking is confirmed, a case is opened,
a payment is refunded in full); each does nothing unless the service declared that kind as `billable`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from frontcounter.billing.models import PlatformCharge
from frontcounter.billing.prices import price_on
from frontcounter.calendar import uk_date
from frontcounter.extensions import db
from frontcounter.plugins.manager import registry

REFUND = "refund"


def _declared(service_key: str) -> str | None:
    service = registry().services.get(service_key)
    return service.billable if service is not None else None


def _existing(kind: str, source: str) -> PlatformCharge | None:
    return db.session.scalar(db.select(PlatformCharge).filter_by(kind=kind, source=source))


def record_transaction(
    kind: str, service_key: str, source: str, *, payment_id: int | None = None, when: datetime | None = None
) -> PlatformCharge | None:
    """Charge one `kind` transaction of `service_key` (once per `source`) if the service bills that kind."""
    if _declared(service_key) != kind:
        return None
    found = _existing(kind, source)
    if found is not None:
        return found
    when = when or datetime.now(UTC)
    quote = price_on(service_key, uk_date(when))
    row = PlatformCharge(
        payment_id=payment_id, service_key=service_key, kind=kind, source=source, amount_pence=quote.net_pence,
        vat_pence=quote.vat_pence, vat_basis_points=quote.vat_basis_points, occurred_at=when,
    )
    db.session.add(row)
    db.session.flush()
    return row


def payment_succeeded(payment_id: int, service_key: str) -> PlatformCharge | None:
    """A payment for a case succeeded: a paid-application transaction."""
    return record_transaction("paid_application", service_key, f"payment:{payment_id}", payment_id=payment_id)


def booking_confirmed(booking_id: int, service_key: str) -> PlatformCharge | None:
    """A booking was confirmed: a booking transaction."""
    return record_transaction("booking", service_key, f"booking:{booking_id}")


def case_opened(case_id: int, service_key: str) -> PlatformCharge | None:
    """A case was opened: a request transaction (for services that bill requests)."""
    return record_transaction("request", service_key, f"case:{case_id}")


def payment_refunded(payment_id: int, amount_pence: int, refunded_pence: int) -> PlatformCharge | None:
    """A refund succeeded: once the payment is refunded in full its charge is reversed (in this month)."""
    if refunded_pence < amount_pence:
        return None
    charge = db.session.scalar(db.select(PlatformCharge).filter_by(payment_id=payment_id))
    source = f"payment:{payment_id}"
    if charge is None or _existing(REFUND, source) is not None:
        return None
    row = PlatformCharge(
        payment_id=None, service_key=charge.service_key, kind=REFUND, source=source,
        amount_pence=-charge.amount_pence, vat_pence=-charge.vat_pence, vat_basis_points=charge.vat_basis_points,
        occurred_at=datetime.now(UTC),
    )
    db.session.add(row)
    db.session.flush()
    return row


def charge_for_payment(payment_id: int) -> PlatformCharge | None:
    """The platform's charge for a payment, if it was billed."""
    return db.session.scalar(db.select(PlatformCharge).filter_by(payment_id=payment_id))
