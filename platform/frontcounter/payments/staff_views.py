"""Staff pages: the force's payments, one payment with its refunds, and refunding (supervisors)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from frontcounter.accounts.auth import current_account, has_role, staff_required
from frontcounter.accounts.models import Role
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.payments.blueprint import bp
from frontcounter.payments.forms import parse_pounds
from frontcounter.payments.labels import state_label, state_tag
from frontcounter.payments.models import Payment, PaymentState, RefundState
from frontcounter.payments.providers import ProviderError
from frontcounter.payments.service import PaymentRefused, find_payment, payments_for, refund, resolve_discrepancy, sync
from frontcounter.web.templating import pence

PER_PAGE = 25
# Which form field shows each PaymentRefused code from refund().
_ERROR_FIELDS = {"amount": "amount", "too_much": "amount", "reason": "reason"}


def _payment_or_404(public_id: str) -> Payment:
    return find_payment(public_id) or abort(404)


def _actor() -> str:
    account = current_account()
    return account.email if account else "staff"


@bp.app_context_processor
def _payment_helpers() -> dict[str, Any]:
    return {"payment_state_label": state_label, "payment_state_tag": state_tag}


@bp.app_template_global("case_payments")
def case_payments(case: Case) -> list[Payment]:
    """The payments for a case, for the panel on the staff case page."""
    return payments_for(case)


@bp.get("/<force>/staff/payments/")
@staff_required()
def staff_list() -> str:
    """The force's payments, newest first, by state or only those flagged for staff."""
    state = request.args.get("state", "")
    flagged = request.args.get("flagged") == "yes"
    conditions = []
    if state in {s.value for s in PaymentState}:
        conditions.append(Payment.state == state)
    if flagged:
        conditions.append(Payment.discrepancy != "")
    query = db.select(Payment).where(*conditions).options(joinedload(Payment.case)).order_by(Payment.id.desc())
    page = db.paginate(
        query, page=request.args.get("page", 1, type=int), per_page=PER_PAGE, error_out=False, count=False
    )
    # Counted here: paginate()'s own count selects from a subquery, which tenant scoping does not reach.
    page.total = db.session.scalar(db.select(func.count(Payment.id)).where(*conditions))
    return render_template(
        "payments/staff_list.html", page=page, state=state, flagged=flagged, states=[s.value for s in PaymentState]
    )


def _refund_request(payment: Payment, form: dict[str, str]) -> tuple[int, dict[str, str]]:
    """Read the refund form: the amount in pence and any errors by field."""
    errors: dict[str, str] = {}
    amount = 0
    if form["how"] == "full":
        amount = payment.refundable_pence
    elif form["how"] == "part":
        try:
            amount = parse_pounds(form["amount"])
        except ValueError as exc:
            errors["amount"] = str(exc)
        else:
            if amount > payment.refundable_pence:
                errors["amount"] = _("You can refund at most %(amount)s.", amount=pence(payment.refundable_pence))
    else:
        errors["how"] = _("Choose a full or a part refund")
    if not form["reason"]:
        errors["reason"] = _("Enter the reason for the refund")
    elif len(form["reason"]) > 500:
        errors["reason"] = _("The reason must be 500 characters or fewer")
    return amount, errors


@bp.route("/<force>/staff/payments/<payment_public_id>", methods=["GET", "POST"])
@staff_required()
def staff_payment(payment_public_id: str) -> Response | str:
    """One payment: its state, refunds and any discrepancy; supervisors refund in full or in part."""
    payment = _payment_or_404(payment_public_id)
    form = {"how": "", "amount": "", "reason": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not has_role(Role.SUPERVISOR):
            abort(403)
        form = {name: request.form.get(name, "").strip() for name in form}
        amount, errors = _refund_request(payment, form)
        expected = request.form.get("expected_refundable", "")
        if not errors and request.form.get("confirmed") != "yes":  # money leaves: ask "Are you sure?" first
            return render_template(
                "payments/refund_confirm.html",
                payment=payment,
                case=payment.case,
                form=form,
                amount=amount,
                expected=expected,
            )
        if not errors:
            try:
                done = refund(
                    payment,
                    amount,
                    form["reason"],
                    actor=_actor(),
                    expected_refundable=int(expected) if expected.isdigit() else None,
                )
            except PaymentRefused as refused:
                errors[_ERROR_FIELDS.get(refused.code, "how")] = refused.message
            else:
                amount = pence(done.amount_pence)
                if done.state == RefundState.SUCCESS:
                    flash(_("Refund of %(amount)s made. We have emailed the applicant.", amount=amount), "success")
                else:
                    flash(_("Refund of %(amount)s sent to the provider.", amount=amount), "success")
                return redirect(url_for("payments.staff_payment", payment_public_id=payment.public_id))
    from frontcounter.billing.ledger import charge_for_payment  # billing's API imports the core API, which imports us

    charge = charge_for_payment(payment.id)
    return render_template(
        "payments/staff_payment.html",
        payment=payment,
        case=payment.case,
        charge=charge,
        form=form,
        errors=errors,
        may_refund=has_role(Role.SUPERVISOR),
    )


@bp.post("/<force>/staff/payments/<payment_public_id>/check")
@staff_required()
def staff_check(payment_public_id: str) -> Response:
    """Ask the provider for the payment's state now (and fulfil it if the money was taken)."""
    payment = _payment_or_404(payment_public_id)
    try:
        sync(payment)
        db.session.commit()
    except ProviderError as exc:
        db.session.rollback()
        flash(_("The payment provider could not be reached: %(error)s", error=str(exc)), "error")
    else:
        flash(_("Checked with the provider: %(state)s.", state=state_label(payment.state)), "success")
    return redirect(url_for("payments.staff_payment", payment_public_id=payment.public_id))


@bp.post("/<force>/staff/payments/<payment_public_id>/resolve")
@staff_required(Role.SUPERVISOR)
def staff_resolve(payment_public_id: str) -> Response:
    """Clear a payment's discrepancy note once it has been dealt with."""
    payment = _payment_or_404(payment_public_id)
    if payment.discrepancy:
        resolve_discrepancy(payment, actor=_actor())
        db.session.commit()
        flash(_("Marked as dealt with."), "success")
    return redirect(url_for("payments.staff_payment", payment_public_id=payment.public_id))
