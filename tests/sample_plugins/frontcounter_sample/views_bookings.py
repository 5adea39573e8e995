"""The sample service's bookings pages: the applicant of a permit case books an inspection visit,
confirms the place held for them, changes it or cancels it (routes on the sample public blueprint)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from frontcounter.accounts.auth import current_account
from frontcounter.bookings import (
    Booking,
    BookingRefused,
    BookingRules,
    BookingState,
    Slot,
    active_booking,
    available_slots,
    cancel,
    confirm,
    hold,
    reschedule,
)
from frontcounter.cases.models import Case
from frontcounter.cases.public_views import visible_case
from frontcounter.extensions import db

from frontcounter_sample.views import public, staff  # noqa: F401 - routes are added to these blueprints

CLOSED = {"issued", "refused", "lapsed", "withdrawn"}


def _book_by(case: Case) -> datetime | None:
    """A case may carry a date its visit must happen by (a plugin rule per case)."""
    value = (case.data or {}).get("book_by")
    return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None


def _may_book(case: Case) -> str | None:
    return _("This application is closed, so there is nothing to book.") if case.state in CLOSED else None


RULES = BookingRules(
    kinds={"visit": _l("Inspection visit"), "session": _l("Permit briefing")},
    hold_minutes=15,
    min_notice_hours=2,
    change_cutoff_hours=24,
    max_reschedules=2,
    bookable_until=_book_by,
    may_book=_may_book,
)


def _actor(case: Case) -> str:
    account = current_account()
    return account.email if account is not None else case.applicant_email


def _case(reference: str) -> Case:
    return visible_case(reference, request.args.get("token"))


def _chosen_slot() -> Slot | None:
    slot_id = request.form.get("slot_id", "")
    if not slot_id.isdecimal() or len(slot_id) > 9:
        return None
    return db.session.scalar(db.select(Slot).filter_by(id=int(slot_id), service_key="sample"))


def _choose_page(case: Case, *, error: str | None = None, current: Booking | None = None):  # type: ignore[no-untyped-def]
    slots = available_slots(
        "sample",
        kind="visit",
        case=case,
        rules=RULES,
        exclude_slot_id=current.slot_id if current else None,
        page=request.args.get("page", 1, type=int),
    )
    changing = current is not None
    return render_template(
        "sample/book.html",
        slots=slots,
        rules=RULES,
        case=case,
        error=error,
        current=current,
        heading=_("Change your inspection visit") if changing else _("Book your inspection visit"),
        action=url_for("sample.book_change" if changing else "sample.book", reference=case.reference),
        button=_("Change to this time") if changing else _("Continue"),
        back_href=url_for("sample.book", reference=case.reference)
        if changing
        else url_for("cases_public.track", reference=case.reference),
    )


@public.route("/book/<reference>", methods=["GET", "POST"])
def book(reference: str):  # type: ignore[no-untyped-def]
    """Choose a visit time: the place is held for 15 minutes until the applicant confirms it."""
    case = _case(reference)
    current = active_booking(case)
    if current is not None and current.state == BookingState.CONFIRMED:
        return render_template("sample/booked.html", case=case, booking=current, rules=RULES)
    if request.method == "GET":
        return _choose_page(case)
    slot = _chosen_slot()
    if slot is None:
        return _choose_page(case, error=_("Select a time"))
    try:
        hold(slot, case, actor=_actor(case), rules=RULES)
        db.session.commit()
    except BookingRefused as refused:
        db.session.rollback()
        return _choose_page(case, error=refused.message)
    return redirect(url_for("sample.book_confirm", reference=reference))


@public.route("/book/<reference>/confirm", methods=["GET", "POST"])
def book_confirm(reference: str):  # type: ignore[no-untyped-def]
    """Check the held time and confirm it."""
    case = _case(reference)
    current = active_booking(case)
    if current is None or current.state != BookingState.HELD:
        return redirect(url_for("sample.book", reference=reference))
    if request.method == "POST":
        try:
            confirm(current, actor=_actor(case), rules=RULES)
            db.session.commit()
        except BookingRefused as refused:
            db.session.rollback()
            flash(refused.message, "error")
            return redirect(url_for("sample.book", reference=reference))
        flash(_("Your inspection visit is booked. We have emailed you the details."), "success")
        return redirect(url_for("sample.book", reference=reference))
    return render_template("sample/book_confirm.html", case=case, booking=current, rules=RULES)


@public.route("/book/<reference>/change", methods=["GET", "POST"])
def book_change(reference: str):  # type: ignore[no-untyped-def]
    """Move a confirmed visit to another time (within the rules: cut-off, how many changes)."""
    case = _case(reference)
    current = active_booking(case)
    if current is None or current.state != BookingState.CONFIRMED:
        return redirect(url_for("sample.book", reference=reference))
    if request.method == "GET":
        return _choose_page(case, current=current)
    slot = _chosen_slot()
    if slot is None:
        return _choose_page(case, error=_("Select a time"), current=current)
    try:
        reschedule(current, slot, actor=_actor(case), rules=RULES)
        db.session.commit()
    except BookingRefused as refused:
        db.session.rollback()
        return _choose_page(case, error=refused.message, current=active_booking(case))
    flash(_("Your inspection visit has moved. We have emailed you the new details."), "success")
    return redirect(url_for("sample.book", reference=reference))


@public.route("/book/<reference>/cancel", methods=["GET", "POST"])
def book_cancel(reference: str):  # type: ignore[no-untyped-def]
    """Ask, then cancel the visit (up to the cut-off)."""
    case = _case(reference)
    current = active_booking(case)
    if current is None or current.state != BookingState.CONFIRMED:
        return redirect(url_for("sample.book", reference=reference))
    error = None
    if request.method == "POST":
        try:
            cancel(current, actor=_actor(case), rules=RULES)
            db.session.commit()
        except BookingRefused as refused:
            db.session.rollback()
            error = refused.message
        else:
            flash(_("Your inspection visit is cancelled."), "success")
            return redirect(url_for("sample.book", reference=reference))
    return render_template("sample/book_cancel.html", case=case, booking=active_booking(case), rules=RULES, error=error)
