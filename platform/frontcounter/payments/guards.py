"""Whether a case is paid for a purpose, and the PAID (and paid_for) guards plugins put on their transitions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _

from frontcounter.cases.workflow import Guard
from frontcounter.extensions import db
from frontcounter.payments.purposes import DEFAULT_PURPOSE

if TYPE_CHECKING:
    from frontcounter.cases.models import Case




def is_paid(case: Case, purpose: str = DEFAULT_PURPOSE) -> bool:
    """True when a payment for `case` and `purpose` succeeded and has not been refunded in full."""
    from frontcounter.payments.models import Payment, PaymentState

    found = db.session.scalar(
        db.select(Payment.id)
        .where(
            Payment.case_id == case.id,
            Payment.purpose == purpose,
            Payment.state == PaymentState.SUCCESS,
            Payment.refunded_pence < Payment.amount_pence,
        )
        .limit(1)
    )
    return found is not None


def paid_for(purpose: str) -> Guard:
    """A guard that passes once `purpose` is paid for (PAID is paid_for("fee"))."""

    def check(case: Case) -> str | None:
        return None if is_paid(case, purpose) else _("The fee has not been paid.")

    return Guard("paid" if purpose == DEFAULT_PURPOSE else f"paid:{purpose}", check)


PAID = paid_for(DEFAULT_PURPOSE)
