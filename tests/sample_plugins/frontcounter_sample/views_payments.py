"""The sample service's payments pages (routes on the sample blueprints): pay the permit fee for a case."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from frontcounter.cases.public_views import visible_case
from frontcounter.cases.tracking import tracking_url
from frontcounter.extensions import db
from frontcounter.payments import PaymentRefused, is_paid, start_payment
from frontcounter.tenancy.services import service_settings

from frontcounter_sample.views import public, staff  # noqa: F401 - routes are added to these blueprints


@public.route("/case/<reference>/pay", methods=["GET", "POST"])
def pay(reference: str):
    """Show the force's fee and a Pay button; the button starts the payment and sends the payer to pay."""
    case = visible_case(reference, request.args.get("token"))
    fee = service_settings("sample")["permit_fee_pence"]
    if case.state != "awaiting_payment" or is_paid(case):
        return redirect(url_for("cases_public.track", reference=case.reference))
    if request.method == "POST":
        try:
            next_url = start_payment(
                case, fee, _("Parking permit fee"), fulfil_transition="pay", next_url=tracking_url(case)
            )
        except PaymentRefused as refused:
            db.session.rollback()
            flash(refused.message, "error")
            return redirect(url_for("cases_public.track", reference=case.reference))
        db.session.commit()
        return redirect(next_url)
    return render_template("sample/pay.html", case=case, fee=fee)
