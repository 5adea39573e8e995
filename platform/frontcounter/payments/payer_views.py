"""The payer's pages: the sandbox's hosted page, the Stripe card page, and the return from either."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from frontcounter.cases.models import Case
from frontcounter.cases.public_views import may_see_case
from frontcounter.cases.tracking import expired_link_page, is_past_link_age
from frontcounter.extensions import db
from frontcounter.payments.blueprint import bp
from frontcounter.payments.models import Payment, PaymentState, SandboxPayment
from frontcounter.payments.providers import ProviderError, provider_for
from frontcounter.payments.providers.sandbox import OUTCOMES, SandboxProvider
from frontcounter.payments.providers.stripe import StripeProvider
from frontcounter.payments.service import find_payment, sync
from frontcounter.web.urls import external_url

log = logging.getLogger(__name__)

_OUTCOME_MESSAGES = {
    PaymentState.SUCCESS: ("success", lambda: _("Payment received. We have emailed you a receipt.")),
    PaymentState.FAILED: ("error", lambda: _("Your payment was declined and no money was taken. You can try again.")),
    PaymentState.CANCELLED: ("info", lambda: _("You cancelled the payment. No money was taken.")),
    PaymentState.EXPIRED: (
        "info",
        lambda: _("This payment was not finished in time, so no money was taken. You can start again."),
    ),
    PaymentState.ERROR: (
        "error",
        lambda: _("Something went wrong with the payment and no money was taken. You can try again."),
    ),
}


def _payment_or_404(public_id: str, provider: str | None = None) -> Payment:
    payment = find_payment(public_id)
    if payment is None or (provider is not None and payment.provider != provider):
        abort(404)
    return payment


@bp.get("/<force>/payments/<payment_public_id>/return")
def returned(payment_public_id: str) -> Response:
    """Where the provider sends the payer back: fetch the truth, fulfil once, then on to the service."""
    payment = _payment_or_404(payment_public_id)
    try:
        payment = _sync_retrying(payment_public_id, payment)
    except ProviderError as exc:
        db.session.rollback()
        log.warning("Payment %s: could not fetch from %s on return: %s", payment_public_id, payment.provider, exc)
        flash(_("We could not confirm your payment yet. We will email you a receipt once it is confirmed."), "info")
        return redirect(payment.next_url)
    category, message = _OUTCOME_MESSAGES.get(
        PaymentState(payment.state), ("info", lambda: _("Your payment has not finished yet."))
    )
    if is_past_link_age(payment.created_at):  # an old return link is no key to the case
        return expired_link_page(payment.case.reference)
    case = db.session.get(Case, payment.case_id)
    if case is None or not _may_follow(payment, case):
        # Another browser or device: say what happened here, not over a page it may not open.
        return render_template("payments/returned.html", payment=payment, case=case, message=message(),
                               category=category, paid=payment.state == PaymentState.SUCCESS)
    flash(message(), category)
    return redirect(payment.next_url)


def _sync_retrying(public_id: str, payment: Payment, attempts: int = 3) -> Payment:
    """Sync and commit; when another payment of the same case moved the case at that moment, look again."""
    for attempt in range(attempts):
        try:
            sync(payment)
            db.session.commit()
            return payment
        except StaleDataError:
            db.session.rollback()
            log.info("Payment %s: the case changed under it (attempt %d); syncing again", public_id, attempt + 1)
            payment = _payment_or_404(public_id)
    raise ProviderError("the case kept changing while the payment was synced")


def _may_follow(payment: Payment, case: Case) -> bool:
    """True when this browser can open the page after paying (its link carries a token, or it may see the case)."""
    if "token" in parse_qs(urlsplit(payment.next_url).query):
        return True
    return may_see_case(case)


@bp.route("/<force>/payments/<payment_public_id>/sandbox", methods=["GET", "POST"])
def sandbox(payment_public_id: str) -> Response | str:
    """The sandbox provider's hosted page: the payer chooses success, a declined card, or cancelling."""
    payment = _payment_or_404(payment_public_id, SandboxProvider.name)
    row = db.session.scalar(db.select(SandboxPayment).filter_by(ref=payment.provider_ref)) or abort(404)
    if row.status != "created":
        return redirect(row.return_url)
    error = ""
    if request.method == "POST":
        outcome = request.form.get("outcome", "")
        if outcome in OUTCOMES:
            return_url = SandboxProvider().choose(payment, outcome)
            db.session.commit()
            return redirect(return_url)
        error = _("Choose what happens to this payment")
    return render_template("payments/sandbox.html", payment=payment, error=error)


@bp.get("/<force>/payments/<payment_public_id>/stripe")
def stripe(payment_public_id: str) -> Response | str:
    """The card page for a Stripe payment, where Stripe Elements takes the card details."""
    payment = _payment_or_404(payment_public_id, StripeProvider.name)
    return_url = external_url("payments.returned", payment_public_id=payment.public_id)
    if payment.state == PaymentState.SUCCESS:
        return redirect(return_url)
    provider, client_secret = None, ""
    try:
        provider = provider_for(payment.provider)
        if isinstance(provider, StripeProvider):
            client_secret = provider.intent(payment.provider_ref or "").client_secret or ""
    except ProviderError as exc:
        log.warning("Payment %s: Stripe unavailable for the card page: %s", payment_public_id, exc)
    publishable_key = provider.settings.publishable_key if isinstance(provider, StripeProvider) else ""
    return render_template(
        "payments/stripe.html",
        payment=payment,
        client_secret=client_secret,
        publishable_key=publishable_key,
        return_url=return_url,
    )
