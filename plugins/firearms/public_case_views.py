"""The applicant's pages for a sent application: follow it, pay the fee, choose the home visit time."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from frontcounter.accounts.auth import current_account
from frontcounter.bookings import (
    Booking,
    BookingRefused,
    BookingState,
    Slot,
    active_booking,
    available_slots,
    confirm,
    hold,
    reschedule,
)
from frontcounter.bookings.times import as_utc
from frontcounter.cases import engine
from frontcounter.cases.models import Case, CaseEvent
from frontcounter.cases.public_views import visible_case
from frontcounter.extensions import db
from frontcounter.payments import PaymentRefused, is_paid, start_payment
from frontcounter.plugins.manager import registry
from frontcounter.web.urls import external_url
from frontcounter_firearms.public_visits import BOOKABLE_STATE, VISIT, VISIT_RULES
from frontcounter_firearms.referee_changes import replacements_needed
from frontcounter_firearms.referee_form import replacement_page
from frontcounter_firearms.rules import fee_for
from frontcounter_firearms.views_public import SERVICE, bp
from frontcounter_firearms.visit_times import report_no_times
from werkzeug.wrappers import Response

SYSTEM_ACTOR = "system: firearms home visit"


def _case(reference: str) -> Case:
    case = visible_case(reference, request.args.get("token"))
    if case.service_key != SERVICE:
        abort(404)
    return case


def _actor(case: Case) -> str:
    account = current_account()
    return account.email if account is not None else case.applicant_email


def _back(found: Case) -> str:
    return url_for("firearms.case", reference=found.reference, token=request.args.get("token"))


@bp.route("/cases/<reference>/referees/new", methods=["GET", "POST"])
def new_referee(reference: str) -> Response | tuple[str, int]:
    """Name a new referee in place of one who declined (from the tracking page, or a guest's signed link)."""
    found = _case(reference)
    return replacement_page(found, actor=_actor(found), by_staff=False, back_href=_back(found))


@bp.get("/cases/<reference>")
def case(reference: str) -> str:
    """The tracking page, with what the applicant can do now: pay, choose a visit time, see the booking."""
    found = _case(reference)
    workflow = engine.workflow_for(SERVICE)
    state = workflow.state(found.state)
    replace_referees = replacements_needed(found)
    if replace_referees:  # the usual "referees have 7 days" is wrong while one must be replaced
        state = dataclasses.replace(
            state, next_steps=_("A referee cannot act for you. Name a new referee so we can carry on.")
        )
    events = db.session.scalars(
        db.select(CaseEvent).where(CaseEvent.case_id == found.id, CaseEvent.public.is_(True)).order_by(CaseEvent.id)
    ).all()
    return render_template(
        "firearms/public/case.html",
        case=found,
        state=state,
        replace_referees=replace_referees,
        token=request.args.get("token"),
        workflow=workflow,
        events=events,
        service=registry().services[SERVICE],
        booking=active_booking(found),
        may_change_visit=may_change_online(active_booking(found)),
        owes_fee=found.state == "awaiting_payment" and not is_paid(found),
        rules=VISIT_RULES,
    )


@bp.route("/cases/<reference>/pay", methods=["GET", "POST"])
def pay(reference: str) -> Response | str:
    """Show the fee that applies and a Pay button that sends the applicant to the payment provider."""
    found = _case(reference)
    if found.state != "awaiting_payment" or is_paid(found):
        return redirect(url_for("firearms.case", reference=found.reference))
    fee = fee_for(found.data.get("application") or {})
    pence = int(found.data["fee_pence"])
    if request.method == "POST":
        try:
            next_url = start_payment(
                found,
                pence,
                str(fee.label),
                fulfil_transition="pay",
                next_url=external_url("firearms.case", reference=found.reference),
            )
        except PaymentRefused as refused:
            db.session.rollback()
            flash(refused.message, "error")
            return redirect(url_for("firearms.case", reference=found.reference))
        db.session.commit()
        return redirect(next_url)
    return render_template("firearms/public/pay.html", case=found, fee=fee, pence=pence)


# -- the home visit -----------------------------------------------------------------------------


def _chosen_slot() -> Slot | None:
    slot_id = request.form.get("slot_id", "")
    if not slot_id.isdecimal() or len(slot_id) > 9:
        return None
    return db.session.scalar(db.select(Slot).filter_by(id=int(slot_id), service_key=SERVICE, kind=VISIT))


def _choose_page(found: Case, error: str | None = None, current: Booking | None = None) -> str:
    slots = available_slots(
        SERVICE,
        kind=VISIT,
        case=found,
        rules=VISIT_RULES,
        page=request.args.get("page", 1, type=int),
        exclude_slot_id=current.slot_id if current is not None else None,
    )
    expect_by = None
    if not slots.total and current is None:  # no dead end: the team is told, the applicant when to expect a link
        expect_by = report_no_times(found)
        db.session.commit()
    changing = current is not None
    return render_template(
        "firearms/public/visit.html",
        slots=slots,
        rules=VISIT_RULES,
        case=found,
        error=error,
        current=current,
        expect_by=expect_by,
        heading=_("Change the time of your home visit") if changing else _("Choose a time for your home visit"),
        action=url_for(
            "firearms.change_visit" if changing else "firearms.visit",
            reference=found.reference,
            token=request.args.get("token"),
        ),
        button=_("Change to this time") if changing else _("Continue"),
        back_href=_back(found),
    )


def may_change_online(booking: Booking | None) -> bool:
    """True when the applicant may still move their confirmed visit online (before the cut-off, within the
    number of changes allowed)."""
    if booking is None or booking.state != BookingState.CONFIRMED:
        return False
    rules = VISIT_RULES
    cutoff = as_utc(booking.slot.starts_at) - timedelta(hours=rules.change_cutoff_hours)
    changes_left = rules.max_reschedules is None or booking.reschedules < rules.max_reschedules
    return cutoff > datetime.now(UTC) and changes_left


@bp.route("/cases/<reference>/visit/change", methods=["GET", "POST"])
def change_visit(reference: str) -> Response | str:
    """Move the booked home visit to another free time, within the booking rules (the applicant is emailed)."""
    found = _case(reference)
    current = active_booking(found)
    if found.state != "visit_booked" or not may_change_online(current):
        flash(_("Your home visit can no longer be changed online. Contact the firearms licensing team."), "error")
        return redirect(_back(found))
    if request.method == "GET":
        return _choose_page(found, current=current)
    slot = _chosen_slot()
    if slot is None:
        return _choose_page(found, _("Select a time"), current=current)
    try:
        reschedule(current, slot, actor=_actor(found), rules=VISIT_RULES)
        db.session.commit()
    except BookingRefused as refused:
        db.session.rollback()
        return _choose_page(found, refused.message, current=active_booking(found))
    flash(_("Your home visit has been moved. We have emailed you the new time."), "success")
    return redirect(_back(found))


@bp.route("/cases/<reference>/visit", methods=["GET", "POST"])
def visit(reference: str) -> Response | str:
    """Choose a home visit window: the place is held for 15 minutes until the applicant confirms it."""
    found = _case(reference)
    current = active_booking(found)
    if (current is not None and current.state == BookingState.CONFIRMED) or found.state != BOOKABLE_STATE:
        return redirect(_back(found))
    if request.method == "GET":
        return _choose_page(found)
    slot = _chosen_slot()
    if slot is None:
        return _choose_page(found, _("Select a time"))
    try:
        hold(slot, found, actor=_actor(found), rules=VISIT_RULES)
        db.session.commit()
    except BookingRefused as refused:
        db.session.rollback()
        return _choose_page(found, refused.message)
    return redirect(url_for("firearms.visit_confirm", reference=found.reference))


@bp.route("/cases/<reference>/visit/confirm", methods=["GET", "POST"])
def visit_confirm(reference: str) -> Response | str:
    """Check the held time and confirm it: the visit is booked and the case moves on."""
    found = _case(reference)
    current = active_booking(found)
    if current is None or current.state != BookingState.HELD or found.state != BOOKABLE_STATE:
        return redirect(url_for("firearms.visit", reference=found.reference))
    if request.method == "POST":
        try:
            confirm(current, actor=_actor(found), rules=VISIT_RULES)
            engine.fire(found, "book_visit", actor=SYSTEM_ACTOR, as_system=True)
            db.session.commit()
        except (BookingRefused, engine.TransitionRefused) as refused:
            db.session.rollback()
            flash(refused.message, "error")
            return redirect(url_for("firearms.visit", reference=reference))
        flash(_("Your home visit is booked. We have emailed you the details."), "success")
        return redirect(url_for("firearms.case", reference=found.reference))
    return render_template("firearms/public/visit_confirm.html", case=found, booking=current, rules=VISIT_RULES)
