"""The driver's pages, mounted at /<force>/speed_awareness/: find the offer, choose a session and pay, then
see, change or cancel the booking.

The offer pages need the driver to have given the reference, PIN and licence number in this browser
(public_access). The booking pages (/booking/<reference>/...) also open from the links in the
driver's emails, which carry a tracking token, so a driver on another device can still manage it.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from frontcounter.accounts.auth import current_account
from frontcounter.bookings import Booking, BookingRefused, BookingState, Slot, active_booking, why_not_changeable
from frontcounter.cases.models import Case
from frontcounter.cases.public_views import visible_case
from frontcounter.cases.tracking import tracking_token
from frontcounter.extensions import db
from frontcounter.payments import PaymentRefused
from frontcounter.tenancy.contact import contact_text
from frontcounter.tenancy.services import service_settings
from frontcounter_speed_awareness.courses import course_label
from frontcounter_speed_awareness.models import Offer
from frontcounter_speed_awareness.offers import SERVICE_KEY, OfferUnavailable, offer_for_case
from frontcounter_speed_awareness.public_access import (
    AccessRefused,
    OfferLogin,
    closed_message,
    sign_in_to_offer,
    signed_in_offer,
)
from frontcounter_speed_awareness.public_booking import (
    book_without_paying,
    change_booking,
    confirm_paid_place,
    course_fee_pence,
    fees_outstanding_pence,
    release_unpaid_hold,
    start_booking,
    start_fee_payment,
)
from frontcounter_speed_awareness.public_sessions import SessionFilters, find_sessions, read_filters
from frontcounter_speed_awareness.rules import LATE_CHANGE_DAYS
from frontcounter_speed_awareness.sessions import booking_rules, session_details
from werkzeug.wrappers import Response

bp = Blueprint("speed_awareness", __name__, template_folder="templates")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@bp.app_template_global("speed_awareness_session")
def _session_template_global(slot: Slot) -> dict[str, Any]:
    """Template global: a session slot's details (online, joining link, venue id)."""
    return dict(session_details(slot))


@bp.app_template_global("speed_awareness_manage_url")
def _manage_url_global(case: Case) -> str:
    """Template global: the absolute link to a case's booking page (for emails)."""
    from frontcounter_speed_awareness.public_booking import manage_url

    return manage_url(case)


# -- helpers -----------------------------------------------------------------------------------------


def _client_ip() -> str:
    return (request.remote_addr or "unknown")[:64]


def _case(reference: str) -> Case:
    """The case when this browser proved the offer is theirs, or the visitor holds its tracking link; else 404."""
    offer = signed_in_offer()
    case = None
    if offer is not None and offer.case_id is not None:
        found = db.session.get(Case, offer.case_id)
        case = found if found is not None and found.reference == reference else None
    case = case or visible_case(reference, request.args.get("token"))
    if case.service_key != SERVICE_KEY:
        abort(404)
    return case


def _chosen_slot() -> Slot | None:
    value = request.form.get("slot_id", "")
    if not value.isdecimal() or len(value) > 9:
        return None
    return db.session.scalar(db.select(Slot).filter_by(id=int(value), service_key=SERVICE_KEY))


def _page() -> int:
    return max(1, min(request.args.get("page", 1, type=int) or 1, 10_000))


def _fee_parts() -> dict[str, int]:
    settings = service_settings(SERVICE_KEY)
    return {"fee": course_fee_pence(settings), "central_charge": int(settings["central_charge_pence"])}


def _sessions(offer: Offer, case: Case | None, filters: SessionFilters, exclude: Booking | None = None) -> Any:
    return find_sessions(
        case,
        offer.course_type,
        filters,
        booking_rules(),
        page=_page(),
        complete_by=offer.complete_by,
        exclude_slot_id=exclude.slot_id if exclude is not None else None,
    )


def _offer_case(offer: Offer) -> Case | None:
    return db.session.get(Case, offer.case_id) if offer.case_id is not None else None


# -- finding the offer -------------------------------------------------------------------------------


@bp.route("/", methods=["GET", "POST"])
def start() -> str | Response:
    """What the course is, and the reference, PIN and licence number that open the driver's offer."""
    login = OfferLogin("", "", "")
    errors: dict[str, str] = {}
    if request.method == "POST":
        login = OfferLogin(
            request.form.get("reference", "")[:40],
            request.form.get("pin", "")[:20],
            request.form.get("licence_number", "")[:40],
        )
        errors = login.missing()
        if not errors:
            try:
                sign_in_to_offer(login, _client_ip())
            except AccessRefused as refused:
                errors = {refused.field: refused.message}
            else:
                return redirect(url_for("speed_awareness.offer"))
    return render_template("speed_awareness/public/start.html", login=login, errors=errors, **_fee_parts())


# -- the offer and choosing a session ------------------------------------------------------------------


def _offer_page(
    offer: Offer, *, error: str | None = None, error_field: str = "", email: str = "", status: int = 200
) -> tuple[str, int]:
    case = _offer_case(offer)
    filters = read_filters(request.args)
    page = render_template(
        "speed_awareness/public/offer.html",
        offer=offer,
        case=case,
        course=course_label(offer.course_type),
        sessions=_sessions(offer, case, filters),
        filters=filters,
        error=error,
        error_field=error_field,
        email=email or (case.applicant_email if case else offer.email),
        paid_already=case is not None and case.state == "booked",
        **_fee_parts(),
    )
    return page, status


@bp.route("/offer", methods=["GET", "POST"])
def offer() -> Any:
    """The offer (deadlines, fee) and the sessions to choose from; choosing one holds it and goes to pay."""
    found = signed_in_offer()
    if found is None:
        return redirect(url_for("speed_awareness.start"))
    case = _offer_case(found)
    if case is not None and case.state != "offered":
        current = active_booking(case)
        if case.state != "booked" or (current is not None and current.state == BookingState.CONFIRMED):
            return redirect(url_for("speed_awareness.manage", reference=case.reference))
    closed = closed_message(found) if case is None or case.state == "offered" else None
    if closed:
        return render_template("speed_awareness/public/closed.html", offer=found, message=closed)
    if case is not None and release_unpaid_hold(case):
        db.session.commit()  # a cancelled or declined payment: the place goes back on sale
    if request.method == "GET":
        return _offer_page(found)
    email = request.form.get("email", "").strip()[:320]
    slot = _chosen_slot()
    if slot is None or slot.kind != found.course_type:
        return _offer_page(found, error=_("Select a course session"), email=email, status=400)
    if not EMAIL.match(email):
        problem = _("Enter an email address in the correct format, like name@example.com")
        return _offer_page(found, error=problem, error_field="email", email=email, status=400)
    account = current_account()
    try:
        if case is not None and case.state == "booked":
            book_without_paying(case, slot)
            db.session.commit()
            flash(_("Your course is booked. We have emailed you the details."), "success")
            return redirect(url_for("speed_awareness.manage", reference=case.reference))
        pay_at = start_booking(found, slot, email, account_id=account.id if account is not None else None)
    except (BookingRefused, OfferUnavailable, PaymentRefused) as refused:
        db.session.rollback()
        return _offer_page(found, error=refused.message, email=email, status=409)
    db.session.commit()
    return redirect(pay_at)


# -- after paying ------------------------------------------------------------------------------------


@bp.get("/booking/<reference>/paid")
def paid(reference: str) -> Any:
    """Where the driver comes back from paying: the place is confirmed (if the payment's hook has not already)."""
    case = _case(reference)
    if case.state == "offered":
        if release_unpaid_hold(case):
            db.session.commit()
        return redirect(url_for("speed_awareness.offer"))
    booking = confirm_paid_place(case, actor=case.applicant_email)
    db.session.commit()
    if booking is None:
        flash(
            _(
                "You have paid, but the place we were holding for you has gone. Choose another session: "
                "you will not pay again."
            ),
            "error",
        )
        return redirect(url_for("speed_awareness.change", reference=reference, token=request.args.get("token")))
    return render_template(
        "speed_awareness/public/booked.html",
        case=case,
        offer=offer_for_case(case),
        booking=booking,
        details=session_details(booking.slot),
        token=tracking_token(case),
        course=course_label(booking.slot.kind),
    )


# -- managing the booking ------------------------------------------------------------------------------


@bp.get("/booking/<reference>")
def manage(reference: str) -> Any:
    """The driver's booking: when and where, and the links to change or cancel it."""
    case = _case(reference)
    found = offer_for_case(case)
    if case.state == "offered" or found is None:
        return redirect(url_for("speed_awareness.offer"))
    booking = active_booking(case)
    confirmed = booking if booking is not None and booking.state == BookingState.CONFIRMED else None
    rules = booking_rules()
    return render_template(
        "speed_awareness/public/manage.html",
        case=case,
        offer=found,
        booking=confirmed,
        no_change=(
            _("Changing the date is not available online any more. Contact %(contact)s.", contact=contact_text())
            if g.get("service_switched_off") is not None
            else why_not_changeable(confirmed, rules) if confirmed is not None else None
        ),
        no_cancel=why_not_changeable(confirmed, rules, cancelling=True) if confirmed is not None else None,
        details=session_details(booking.slot) if booking is not None else {},
        fees_due=fees_outstanding_pence(case),
        token=tracking_token(case),
        course=course_label(found.course_type),
        rules=rules,
        settings=service_settings(SERVICE_KEY),
        late_days=LATE_CHANGE_DAYS,
    )


def _change_page(case: Case, offer: Offer, current: Booking | None, *, error: str | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    filters = read_filters(request.args)
    page = render_template(
        "speed_awareness/public/change.html",
        case=case,
        offer=offer,
        current=current,
        course=course_label(offer.course_type),
        sessions=_sessions(offer, case, filters, exclude=current),
        filters=filters,
        error=error,
        token=tracking_token(case),
        settings=service_settings(SERVICE_KEY),
        rules=booking_rules(),
        late_days=LATE_CHANGE_DAYS,
    )
    return page, status


@bp.route("/booking/<reference>/change", methods=["GET", "POST"])
def change(reference: str) -> Any:
    """Choose another session: a confirmed booking moves (a late change costs the force's fee); a paid case
    left without a place books one without paying again."""
    case = _case(reference)
    found = offer_for_case(case)
    if case.state != "booked" or found is None:
        return redirect(url_for("speed_awareness.manage", reference=reference, token=request.args.get("token")))
    current = active_booking(case)
    if current is not None and current.state != BookingState.CONFIRMED:
        current = None
    if current is not None and why_not_changeable(current, booking_rules()):
        return redirect(url_for("speed_awareness.manage", reference=reference, token=request.args.get("token")))
    if request.method == "GET":
        return _change_page(case, found, current)
    slot = _chosen_slot()
    if slot is None or slot.kind != found.course_type:
        return _change_page(case, found, current, error=_("Select a course session"), status=400)
    manage_at = url_for("speed_awareness.manage", reference=reference, token=tracking_token(case))
    try:
        if current is None:
            book_without_paying(case, slot)
            fee, pay_at = 0, ""
        else:
            _moved, fee = change_booking(case, current, slot)
            pay_at = start_fee_payment(case, fee) if fee else ""
    except (BookingRefused, PaymentRefused) as refused:
        db.session.rollback()
        return _change_page(case, found, active_booking(case), error=refused.message, status=409)
    db.session.commit()
    if fee:
        return redirect(pay_at)
    flash(_("Your course is booked for the new date. We have emailed you the details."), "success")
    return redirect(manage_at)


@bp.post("/booking/<reference>/fee")
def pay_fee(reference: str) -> Response:
    """Pay late-change fees still due (the driver left the payment page before paying)."""
    case = _case(reference)
    due = fees_outstanding_pence(case)
    manage_at = url_for("speed_awareness.manage", reference=reference, token=tracking_token(case))
    if not due:
        return redirect(manage_at)
    try:
        pay_at = start_fee_payment(case, due)
    except PaymentRefused as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return redirect(manage_at)
    db.session.commit()
    return redirect(pay_at)


@bp.route("/booking/<reference>/cancel", methods=["GET", "POST"])
def cancel(reference: str) -> Any:
    """Cancelling a place is the core's applicant action "cancel_place" (this address is kept for links already
    sent); when it may not be cancelled now, the booking page says why."""
    case = _case(reference)
    booking = active_booking(case)
    if booking is None or why_not_changeable(booking, booking_rules(), cancelling=True):
        return redirect(url_for("speed_awareness.manage", reference=reference, token=tracking_token(case)))
    return redirect(
        url_for("cases_public.applicant_action", reference=case.reference, name="cancel_place",
                token=tracking_token(case))
    )
