"""Staff pages for slots: list by date, add one or a series, change places, cancel (people are emailed).

Any of the force's staff may look; supervisors and force admins manage. The public pages where a
person picks a slot belong to each service; they render bookings/choose_slot.html (see there).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, time
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from frontcounter.accounts.auth import current_account, has_role, require_staff, staff_required
from frontcounter.accounts.models import Role
from frontcounter.bookings import times
from frontcounter.bookings.forms import SlotForm, read_date, read_recurring, read_single
from frontcounter.bookings.models import Booking, BookingState, Slot
from frontcounter.bookings.queries import slot_bookings, staff_slots
from frontcounter.bookings.rules import BookingRefused, rules_for, takes_bookings
from frontcounter.bookings.service import cancel
from frontcounter.bookings.slots import cancel_slot, change_capacity, create_slots
from frontcounter.extensions import db
from frontcounter.plugins.manager import registry
from frontcounter.plugins.service import Service
from frontcounter.tenancy.services import is_enabled

bp = Blueprint("bookings", __name__, url_prefix="/<force>/staff/slots")
MANAGERS = (Role.SUPERVISOR, Role.FORCE_ADMIN)


def managers(service_key: str) -> tuple[str | Role, ...]:
    """The roles that may add and change the service's slots: supervisors, force admins and rules.slot_managers."""
    extra = rules_for(service_key).slot_managers if takes_bookings(service_key) else ()
    return (*MANAGERS, *extra)


def manager_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a slot view (with a service_key) so only the service's slot managers may use it."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        refused = require_staff(*managers(str(kwargs.get("service_key", ""))))
        return refused if refused is not None else view(*args, **kwargs)

    return wrapper


ID = "int(max=2147483647)"  # row ids in URLs: larger numbers are 404s, not database errors


@bp.before_request
@staff_required()
def _staff_only() -> None:
    return None


@bp.app_template_filter("slot_when")
def _slot_when(slot: Slot) -> str:
    """'Tuesday 3 March 2026, 10:00 to 12:45' in UK time and the page's language."""
    return times.slot_when(slot.starts_at, slot.ends_at)


@bp.app_template_filter("uk_date")
def _uk_date(value: datetime) -> str:
    """'Tuesday 3 March 2026' in UK time."""
    return times.long_date(value)


@bp.app_template_filter("uk_time")
def _uk_time(value: datetime) -> str:
    """'10:00' in UK time."""
    return times.clock(value)


def _service_or_404(service_key: str) -> Service:
    service = registry().services.get(service_key)
    if service is None or not is_enabled(service_key) or not takes_bookings(service_key):
        abort(404)
    return service


def _slot_or_404(service_key: str, slot_id: int) -> Slot:
    return db.session.scalar(db.select(Slot).filter_by(id=slot_id, service_key=service_key)) or abort(404)


def _actor() -> str:
    account = current_account()
    return account.email if account is not None else "staff"


@bp.get("/<service_key>/")
def slots(service_key: str) -> str:
    """The service's slots from a date (today unless chosen), 25 a page, with places taken."""
    service = _service_or_404(service_key)
    rules = rules_for(service_key)
    errors: dict[str, str] = {}
    chosen = None
    if any(request.args.get(f"from-{p}") for p in ("day", "month", "year")):
        chosen = read_date(request.args, "from", errors, _("the date to show slots from"), future_only=False)
    today = times.in_uk(times.now_utc()).date()
    start = times.uk_to_utc(chosen or today, time(0, 0))
    kind = request.args.get("kind", "") if request.args.get("kind", "") in rules.kinds else ""
    page = staff_slots(service_key, start=start, kind=kind, page=request.args.get("page", 1, type=int))
    return render_template(
        "bookings/slots.html",
        service=service,
        rules=rules,
        page=page,
        kind=kind,
        start=chosen or today,
        errors=errors,
        may_manage=has_role(*managers(service_key)),
    )


def _new(service_key: str, recurring: bool) -> Response | str:
    service = _service_or_404(service_key)
    rules = rules_for(service_key)
    form = SlotForm(values={"capacity": "", "weekdays": []})
    if request.method == "POST":
        form = (read_recurring if recurring else read_single)(request.form, rules)
        if form.ok:
            try:
                made = create_slots(service_key, form.specs, actor=_actor())
                db.session.commit()
            except BookingRefused as refused:
                db.session.rollback()
                form.errors = {("first-day" if recurring else "date-day"): refused.message}
            else:
                flash(ngettext("%(num)d slot added.", "%(num)d slots added.", len(made)), "success")
                if recurring:
                    first = times.in_uk(made[0].starts_at).date()
                    return redirect(
                        url_for(
                            "bookings.slots",
                            service_key=service_key,
                            **{"from-day": first.day, "from-month": first.month, "from-year": first.year},
                        )
                    )
                return redirect(url_for("bookings.slot", service_key=service_key, slot_id=made[0].id))
    return render_template("bookings/slot_new.html", service=service, rules=rules, form=form, recurring=recurring)


@bp.route("/<service_key>/new", methods=["GET", "POST"])
@manager_required
def new_slot(service_key: str) -> Response | str:
    """Add one slot."""
    return _new(service_key, recurring=False)


@bp.route("/<service_key>/new-recurring", methods=["GET", "POST"])
@manager_required
def new_recurring(service_key: str) -> Response | str:
    """Add a series: chosen weekdays at the same time for a number of weeks, all or nothing."""
    return _new(service_key, recurring=True)


def _slot_page(
    service: Service, slot: Slot, errors: dict[str, str] | None = None, values: dict[str, Any] | None = None
) -> str:
    return render_template(
        "bookings/slot.html",
        service=service,
        slot=slot,
        rules=rules_for(service.key),
        bookings=slot_bookings(slot),
        errors=errors or {},
        values=values or {},
        may_manage=has_role(*managers(service.key)),
        day=times.in_uk(slot.starts_at).date(),
    )


@bp.get(f"/<service_key>/<{ID}:slot_id>")
def slot(service_key: str, slot_id: int) -> str:
    """One slot: when, where, places, and who is booked on it."""
    service = _service_or_404(service_key)
    return _slot_page(service, _slot_or_404(service_key, slot_id))


@bp.post(f"/<service_key>/<{ID}:slot_id>/capacity")
@manager_required
def capacity(service_key: str, slot_id: int) -> Response | str:
    """Change how many places a slot has (never fewer than are taken)."""
    service = _service_or_404(service_key)
    found = _slot_or_404(service_key, slot_id)
    text = request.form.get("capacity", "").strip()
    try:
        if not text.isdecimal() or len(text) > 6:
            raise BookingRefused(_("Enter the number of places as a whole number, like 12"), "bad_capacity")
        change_capacity(found, int(text), actor=_actor())
        db.session.commit()
    except BookingRefused as refused:
        db.session.rollback()
        return _slot_page(service, found, {"capacity": refused.message}, {"capacity": text})
    flash(_("Places changed to %(num)d.", num=int(text)), "success")
    return redirect(url_for("bookings.slot", service_key=service_key, slot_id=slot_id))


@bp.post(f"/<service_key>/<{ID}:slot_id>/cancel")
@manager_required
def cancel_slot_view(service_key: str, slot_id: int) -> Response | str:
    """Cancel a slot and every booking on it; each person booked is emailed the reason."""
    service = _service_or_404(service_key)
    found = _slot_or_404(service_key, slot_id)
    reason = request.form.get("reason", "").strip()
    if not reason or len(reason) > 1000:
        message = _("Enter why the slot is cancelled") if not reason else _("Reason must be 1000 characters or fewer")
        return _slot_page(service, found, {"reason": message}, {"reason": reason})
    try:
        told = cancel_slot(found, reason, actor=_actor())
        db.session.commit()
    except BookingRefused as refused:
        db.session.rollback()
        return _slot_page(service, found, {"reason": refused.message}, {"reason": reason})
    flash(
        ngettext(
            "Slot cancelled. We have emailed the %(num)d person booked on it.",
            "Slot cancelled. We have emailed the %(num)d people booked on it.",
            len(told),
        ),
        "success",
    )
    return redirect(url_for("bookings.slot", service_key=service_key, slot_id=slot_id))


@bp.post(f"/<service_key>/<{ID}:slot_id>/bookings/<{ID}:booking_id>/cancel")
@manager_required
def cancel_booking(service_key: str, slot_id: int, booking_id: int) -> Response:
    """Cancel one person's booking on the slot (staff are not held to the public cut-off)."""
    _service_or_404(service_key)
    found = _slot_or_404(service_key, slot_id)
    booking = db.session.scalar(db.select(Booking).filter_by(id=booking_id, slot_id=found.id)) or abort(404)
    emailed = booking.state == BookingState.CONFIRMED and booking.email
    try:
        cancel(booking, actor=_actor(), reason=_("Cancelled by staff"), as_staff=True)
        db.session.commit()
    except BookingRefused as refused:
        db.session.rollback()
        flash(refused.message, "error")
    else:
        flash(
            _("Booking cancelled. We have emailed %(email)s.", email=booking.email)
            if emailed
            else _("Booking cancelled."),
            "success",
        )
    return redirect(url_for("bookings.slot", service_key=service_key, slot_id=slot_id))
