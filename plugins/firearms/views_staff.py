"""The firearms licensing team's pages, at /<force>/staff/firearms/ (the core requires signed-in staff):
named queues, the case with the application's answers, arranging and recording home visits (a phone-first
page for enquiry officers), re-running checks, and entering a paper application."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from frontcounter.accounts.auth import current_account, current_staff_member, staff_required
from frontcounter.bookings import BookingRefused
from frontcounter.bookings.times import parse_time, uk_to_utc
from frontcounter.cases import engine
from frontcounter.cases.access import may_open_case
from frontcounter.cases.models import Case
from frontcounter.cases.staff_page import staff_case_context
from frontcounter.date_input import joined_date
from frontcounter.documents.uploads import UploadRejected
from frontcounter.extensions import db
from frontcounter.jobs.outbox import defer
from frontcounter.plugins.manager import registry
from frontcounter_firearms import staff_case, visit_times, visits
from frontcounter_firearms.decisions import uk_today
from frontcounter_firearms.referee_form import replacement_page
from frontcounter_firearms.staff_paper import open_paper_application, read_paper_form
from frontcounter_firearms.staff_queues import queue_counts
from werkzeug.wrappers import Response

SERVICE = "firearms"
CASEWORK = ("caseworker", "supervisor")
BOOKING = ("caseworker", "field_officer")
FIELD = ("field_officer",)
ALLOCATE = ("caseworker", "supervisor", "field_officer")

staff = Blueprint("firearms_staff", __name__, template_folder="templates")


def _actor() -> str:
    account = current_account()
    return account.email if account is not None else "staff"


def _me() -> int | None:
    member = current_staff_member()
    return member.id if member is not None else None


def _case_or_404(reference: str) -> Case:
    case = engine.find_case(reference)
    if case is None or case.service_key != SERVICE:
        abort(404)
    return case


@staff.get("/")
def queues() -> str:
    """The named queues with how many cases each holds, and links to today's visits and paper applications."""
    return render_template(
        "firearms/staff/queues.html",
        queues=queue_counts(),
        waiting=visit_times.waiting_cases(),
        times_free=visit_times.times_free(),
    )


@staff.post("/visits/send-links")
@staff_required(*BOOKING)
def send_visit_links() -> Response:
    """Email the applicants waiting for home visit times the link to choose one (once times have been added)."""
    sent = visit_times.send_waiting_links()
    db.session.commit()
    if sent:
        flash(_("We have emailed %(num)s applicants a link to choose a home visit time.", num=sent), "success")
    else:
        flash(_("There are still no home visit times to choose from: add some first."), "error")
    return redirect(url_for(".queues"))


@staff.get("/cases/<reference>")
def case(reference: str) -> str:
    """The case with the application's answers, referees, checks, visit, decision; and the core's actions."""
    found = _case_or_404(reference)
    if not may_open_case(found):  # the service's staff_roles, or a case assigned to this officer
        abort(403)
    return render_template("firearms/staff/case.html", **staff_case_context(found))


@staff.post("/cases/<reference>/checks")
@staff_required(*CASEWORK)
def rerun_checks(reference: str) -> Response:
    """Run the background checks again (after a system was unavailable); the results follow shortly."""
    from frontcounter_firearms.jobs import run_background_checks

    found = _case_or_404(reference)
    if found.state != "background_checks":
        flash(_("Background checks can only be run while the case is in the checks stage."), "error")
        return redirect(url_for(".case", reference=reference))
    defer(run_background_checks, found.id)
    db.session.commit()
    flash(_("The background checks have been run again."), "success")
    return redirect(url_for(".case", reference=reference))


@staff.route("/cases/<reference>/referees/new", methods=["GET", "POST"])
@staff_required(*CASEWORK)
def new_referee(reference: str) -> Response | tuple[str, int]:
    """Name a new referee for the applicant (agreed with them by phone) in place of one who declined."""
    found = _case_or_404(reference)
    back = url_for(".case", reference=reference)
    return replacement_page(found, actor=_actor(), by_staff=True, back_href=back)


# -- arranging a visit ---------------------------------------------------------------------------


@staff.route("/cases/<reference>/visit", methods=["GET", "POST"])
@staff_required(*BOOKING)
def arrange_visit(reference: str) -> Response | str:
    """Book the home visit agreed with the applicant: date, time and enquiry officer."""
    found = _case_or_404(reference)
    if found.state != "visit_to_arrange":
        abort(404)
    officers = visits.field_officers()
    errors: dict[str, str] = {}
    values = request.form if request.method == "POST" else {}
    if request.method == "POST":
        starts_at = _visit_time(request.form, errors)
        officer = request.form.get("officer", "")
        officer_id = int(officer) if officer.isdigit() and int(officer) in dict(officers) else None
        if officer and officer_id is None:
            errors["officer"] = _("Select an enquiry officer from the list")
        if not errors and starts_at is not None:
            try:
                visits.arrange_visit(found, starts_at, officer_id, actor=_actor())
                db.session.commit()
            except (BookingRefused, engine.TransitionRefused) as refused:
                db.session.rollback()
                errors["visit-date"] = refused.message
            else:
                flash(_("Home visit booked for case %(reference)s.", reference=reference), "success")
                return redirect(url_for(".case", reference=reference))
    return render_template(
        "firearms/staff/arrange_visit.html", case=found, officers=officers, errors=errors, values=values
    ), (400 if errors else 200)


def _visit_time(form: Any, errors: dict[str, str]) -> datetime | None:
    joined = joined_date(form, "visit-date")
    try:
        day = date.fromisoformat(joined) if joined else None
    except ValueError:
        day = None
    if day is None:
        errors["visit-date"] = _("Enter the date of the visit, for example 27 3 2026")
    at = parse_time(form.get("visit-time", ""))
    if at is None:
        errors["visit-time"] = _("Enter the time of the visit, for example 10:00 or 2pm")
    if day is None or at is None:
        return None
    starts_at = uk_to_utc(day, at)
    if starts_at <= datetime.now(UTC):
        errors["visit-date"] = _("The visit must be in the future")
        return None
    return starts_at


# -- visits today (field officers, on a phone) ---------------------------------------------------


def _chosen_day(errors: dict[str, str]) -> date:
    """The day asked for (?day=2026-03-27, or the date input's three fields), else today in the UK."""
    text = request.args.get("day", "")
    if any(request.args.get(f"day-{part}") for part in ("day", "month", "year")):
        text = joined_date(request.args, "day")
    if not text:
        return uk_today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors["day-day"] = _("Enter a real date, for example 27 3 2026")
        return uk_today()


@staff.get("/visits")
@staff_required(*FIELD)
def visits_today() -> tuple[str, int]:
    """The home visits of a day (today unless chosen): the officer's own first, then the rest of the force's."""
    errors: dict[str, str] = {}
    day = _chosen_day(errors)
    found = visits.visits_on(day, _me())
    return render_template(
        "firearms/staff/visits.html",
        day=day,
        today=uk_today(),
        previous_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        mine=[v for v in found if v.mine],
        others=[v for v in found if not v.mine],
        errors=errors,
    ), (400 if errors else 200)


@staff.post("/cases/<reference>/visit/officer")
@staff_required(*ALLOCATE)
def allocate_visit(reference: str) -> Response:
    """Give the booked home visit to an enquiry officer (it then shows under their "Your visits")."""
    found = _case_or_404(reference)
    officers = dict(visits.field_officers())
    choice = request.form.get("officer", "")
    officer_id = int(choice) if choice.isdigit() and int(choice) in officers else None
    if choice and officer_id is None:
        flash(_("Select an enquiry officer from the list"), "error")
        return redirect(url_for(".case", reference=reference))
    try:
        visits.allocate(found, officer_id, actor=_actor())
    except LookupError:
        flash(_("This case has no booked home visit."), "error")
        return redirect(url_for(".case", reference=reference))
    db.session.commit()
    flash(_("Home visit allocated."), "success")
    return redirect(url_for(".case", reference=reference))


@staff.route("/visits/<reference>", methods=["GET", "POST"])
@staff_required(*FIELD)
def visit(reference: str) -> Response | str:
    """One visit: the applicant, the checklist, notes and photos; save as you go, then record the outcome."""
    found = _case_or_404(reference)
    errors: dict[str, str] = {}
    record = visits.visit_record(found)
    if request.method == "POST":
        finishing = request.form.get("action") == "finish"
        outcome = request.form.get("outcome", "")
        notes = request.form.get("notes", "")
        booked = visits.latest_booking(found)
        if found.state != "visit_booked":
            errors["outcome"] = _("This visit has already been recorded.")
        elif finishing and booked is not None and visits.visit_day(booked) > uk_today():
            errors["outcome"] = _("You can record the outcome on the day of the visit, not before.")
        if finishing and outcome not in visits.OUTCOME_KEYS:
            errors["outcome"] = _("Select the outcome of the visit")
        if finishing and outcome in ("concerns", "not_completed") and not notes.strip():
            errors["notes"] = _("Enter notes to explain the outcome")
        if len(notes) > 5000:
            errors["notes"] = _("Enter no more than 5000 characters")
        record = {**record, "checked": request.form.getlist("checklist"), "notes": notes, "outcome": outcome}
        if not errors:
            photos = [f for f in request.files.getlist("photos") if f and f.filename]
            try:
                saved = visits.save_visit(
                    found,
                    request.form.getlist("checklist"),
                    notes,
                    actor=_actor(),
                    outcome=outcome if finishing else "",
                    photos=photos,
                )
                if finishing:
                    visits.record_outcome(found, saved, actor=_actor())
                db.session.commit()
            except UploadRejected as rejected:
                db.session.rollback()
                errors["photos"] = rejected.message
            except engine.TransitionRefused as refused:
                db.session.rollback()
                errors["outcome"] = refused.message
            else:
                if finishing:
                    flash(_("Visit recorded for case %(reference)s.", reference=reference), "success")
                    return redirect(url_for(".visits_today"))
                flash(_("Visit notes saved."), "success")
                return redirect(url_for(".visit", reference=reference))
    booking = visits.latest_booking(found)
    this_visit = visits.Visit(booking, booking.slot, found, True) if booking is not None else None
    return render_template(
        "firearms/staff/visit.html",
        case=found,
        firearms_case_facts=staff_case.case_facts,
        visit=this_visit,
        record=record,
        errors=errors,
        security=visits.SECURITY_CHECKS,
        cross_checks=visits.CROSS_CHECKS,
        outcomes=visits.OUTCOMES,
    ), (400 if errors else 200)


# -- paper applications --------------------------------------------------------------------------


@staff.route("/paper/new", methods=["GET", "POST"])
@staff_required(*CASEWORK)
def paper_application() -> Response | str:
    """Enter a paper Form 201 for the applicant: what is applied for and who they are, with the scan."""
    form = read_paper_form(request.form, uk_today()) if request.method == "POST" else None
    if form is not None and not form.errors and form.received_on is not None:
        try:
            found = open_paper_application(
                form.answers, form.received_on, actor=_actor(), scan=request.files.get("scan")
            )
            db.session.commit()
        except UploadRejected as rejected:
            db.session.rollback()
            form.errors["scan"] = rejected.message
        else:
            flash(_("Paper application %(reference)s entered.", reference=found.reference), "success")
            return redirect(url_for(".case", reference=found.reference))
    service = registry().services[SERVICE]
    return render_template(
        "firearms/staff/paper.html",
        service=service,
        values=form.values if form else {},
        errors=form.errors if form else {},
    ), (400 if form is not None and form.errors else 200)
