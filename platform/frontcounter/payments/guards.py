"""Whether a case is paid, and the PAID guard plugins put on their workflows' transitions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _

from frontcounter.cases.workflow import Guard
from frontcounter.extensions import db

if TYPE_CHECKING:
    from frontcounter.cases.models import Case


def is_paid(case: Case) -> bool:
    """True when a payment for `case` succeeded and has not been refunded in full."""
    from frontcounter.payments.models import Payment, PaymentState

    found = db.session.scalar(
        db.select(Payment.id)
        .where(
            Payment.case_id == case.id,
            Payment.state == PaymentState.SUCCESS,
            Payment.refunded_pence < Payment.amount_pence,
        )
        .limit(1)
    )
    return found is not None


def _paid(case: Case) -> str | None:
    return None if is_paid(case) else _("The fee has not been paid.")


PAID = Guard("paid", _paid)
