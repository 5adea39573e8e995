"""The course service's staff pages, at /<force>/staff/speed_awareness/ (the core requires signed-in staff):
offers (CSV upload with its report, list, detail), venues, trainers, sessions (one or a weekly series),
the trainer's register for a session, and the sessions report (page and CSV)."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from frontcounter.accounts.auth import current_account, has_role, staff_required
from frontcounter.accounts.queries import staff_choices
from frontcounter.audit import record as audit
from frontcounter.bookings import BookingRefused, Slot, create_slots
from frontcounter.bookings.forms import read_date
from frontcounter.bookings.queries import paginate, staff_slots
from frontcounter.bookings.times import now_utc, uk_to_utc
from frontcounter.cases.engine import TransitionRefused
from frontcounter.extensions import db
from frontcounter.tenancy.services import service_settings
from frontcounter_speed_awareness import reports, staff_register
from frontcounter_speed_awareness.courses import COURSE_TYPES, course_label
from frontcounter_speed_awareness.csv_import import MAX_BYTES, parse_offers
from frontcounter_speed_awareness.models import Offer, OfferStatus, Trainer, Venue
from frontcounter_speed_awareness.offer_rows import normalise_reference
from frontcounter_speed_awareness.offers import (
    SERVICE_KEY,
    OffersNotImported,
    existing_references,
    import_offers,
    previous_course_dates,
)
from frontcounter_speed_awareness.rules import uk_today
from frontcounter_speed_awareness.sessions import session_details
from frontcounter_speed_awareness.staff_forms import StaffForm, read_series, read_session, read_trainer, read_venue
from frontcounter_speed_awareness.workflow import OFFICE_ROLES, TRAINER_ROLES
from sqlalchemy import func
from werkzeug.wrappers import Response as BaseResponse

MANAGERS = ("supervisor",)
ID = "int(max=2147483647)"  # row ids in URLs: larger numbers are 404s, not database errors
PER_PAGE = 25

staff = Blueprint("speed_awareness_staff", __name__, template_folder="templates")
staff.add_app_template_global(course_label, "speed_awareness_course")


def _actor() -> str:
    account = current_account()
    return account.email if account is not None else "staff"


def _error_page(template: str, form: StaffForm, **context: Any) -> str:
    return render_template(template, form=form, errors=form.errors, **context)


# -- dashboard -------------------------------------------------------------------------------------


@staff.get("/")
def dashboard() -> str:
    """Offers by status, the next sessions, and links to every staff page of the service."""
    counts = dict(db.session.execute(db.select(Offer.status, func.count(Offer.id)).group_by(Offer.status)).all())
    upcoming = staff_slots(SERVICE_KEY, start=now_utc(), page=1, per_page=5)
    return render_template(
        "speed_awareness/staff/dashboard.html",
        counts=counts,
        statuses=list(OfferStatus),
        upcoming=upcoming.items,
        may_upload=has_role(*OFFICE_ROLES),
        may_manage=has_role(*MANAGERS),
    )


# -- offers ----------------------------------------------------------------------------------------


@staff.route("/offers/upload", methods=["GET", "POST"])
@staff_required(*OFFICE_ROLES)
def upload_offers() -> str:
    """Upload a CSV of offers: checked row by row, then all created or (by default) none; the report follows."""
    if request.method == "GET":
        return render_template("speed_awareness/staff/upload.html", errors={}, strict=True)
    strict = request.form.get("mode", "strict") != "partial"
    upload = request.files.get("offers_file")
    errors: dict[str, str] = {}
    if upload is None or not upload.filename:
        errors["offers_file"] = _("Select a CSV file of offers")
    elif not upload.filename.lower().endswith(".csv"):
        errors["offers_file"] = _("The selected file must be a CSV file")
    if errors:
        return render_template("speed_awareness/staff/upload.html", errors=errors, strict=strict)
    assert upload is not None
    data = upload.stream.read(MAX_BYTES + 1)
    report = parse_offers(data, existing_refs=existing_references, previous_courses=previous_course_dates)
    if report.file_problems:
        errors["offers_file"] = report.file_problems[0]
        return render_template(
            "speed_awareness/staff/upload.html", errors=errors, strict=strict, problems=report.file_problems
        )
    created: list[Offer] = []
    refused = ""
    if report.accepted and report.can_import(strict):
        try:
            created = import_offers(report, strict=strict, source="csv", actor=_actor())
            db.session.commit()
        except OffersNotImported as error:
            db.session.rollback()
            refused = error.message
    elif report.invalid and strict:
        refused = ngettext(
            "%(num)d row has mistakes, so no offers were added. Correct it and upload the whole file again.",
            "%(num)d rows have mistakes, so no offers were added. Correct them and upload the whole file again.",
            len(report.invalid),
        )
    return render_template(
        "speed_awareness/staff/import_report.html",
        report=report,
        created=created,
        refused=refused,
        strict=strict,
        filename=upload.filename,
    )


@staff.get("/offers/")
@staff_required(*OFFICE_ROLES)
def offers() -> str:
    """The force's offers, newest first, 25 a page, filtered by status."""
    status = request.args.get("status", "")
    query = db.select(Offer).order_by(Offer.created_at.desc(), Offer.id.desc())
    if status in {s.value for s in OfferStatus}:
        query = query.where(Offer.status == status)
    else:
        status = ""
    search = normalise_reference(request.args.get("reference", ""))[:20]
    if search:
        query = query.where(Offer.reference == search)
    page = paginate(query, request.args.get("page", 1, type=int), PER_PAGE)
    return render_template(
        "speed_awareness/staff/offers.html", page=page, status=status, statuses=list(OfferStatus), search=search
    )


@staff.get("/offers/<reference>")
@staff_required(*OFFICE_ROLES)
def offer(reference: str) -> str:
    """One offer as the office sent it, where it is, and its case."""
    found = db.session.scalar(db.select(Offer).filter_by(reference=normalise_reference(reference)[:20])) or abort(404)
    case_reference = None
    if found.case_id is not None:
        from frontcounter.cases.models import Case

        case = db.session.get(Case, found.case_id)
        case_reference = case.reference if case else None
    return render_template("speed_awareness/staff/offer.html", offer=found, case_reference=case_reference)


# -- venues and trainers ---------------------------------------------------------------------------


@staff.get("/venues/")
@staff_required(*MANAGERS)
def venues() -> str:
    """The force's venues, in use first."""
    found = db.session.scalars(db.select(Venue).order_by(Venue.active.desc(), Venue.name)).all()
    return render_template("speed_awareness/staff/venues.html", venues=found)


@staff.route("/venues/new", methods=["GET", "POST"])
@staff.route(f"/venues/<{ID}:venue_id>", methods=["GET", "POST"])
@staff_required(*MANAGERS)
def venue(venue_id: int | None = None) -> BaseResponse | str:
    """Add a venue or change one."""
    found = db.session.get(Venue, venue_id) or abort(404) if venue_id is not None else None
    template = "speed_awareness/staff/venue.html"
    if request.method == "GET":
        values = _values(found, ("name", "address", "postcode", "online", "active")) if found else {"active": True}
        return _error_page(template, StaffForm(values=values), venue=found)
    form = read_venue(request.form)
    if not form.ok:
        return _error_page(template, form, venue=found)
    _save(found or Venue(), form.values, "venue")
    flash(_("Venue saved."), "success")
    return redirect(url_for(".venues"))


@staff.get("/trainers/")
@staff_required(*MANAGERS)
def trainers() -> str:
    """The force's trainers, in use first."""
    found = db.session.scalars(db.select(Trainer).order_by(Trainer.active.desc(), Trainer.name)).all()
    return render_template("speed_awareness/staff/trainers.html", trainers=found)


@staff.route("/trainers/new", methods=["GET", "POST"])
@staff.route(f"/trainers/<{ID}:trainer_id>", methods=["GET", "POST"])
@staff_required(*MANAGERS)
def trainer(trainer_id: int | None = None) -> BaseResponse | str:
    """Add a trainer or change one (linking the staff sign-in they mark registers with)."""
    found = db.session.get(Trainer, trainer_id) or abort(404) if trainer_id is not None else None
    template = "speed_awareness/staff/trainer.html"
    people = _field_officers()
    if request.method == "GET":
        values = _values(found, ("name", "email", "staff_member_id", "active")) if found else {"active": True}
        return _error_page(template, StaffForm(values=values), trainer=found, people=people)
    form = read_trainer(request.form)
    if not form.ok:
        return _error_page(template, form, trainer=found, people=people)
    _save(found or Trainer(), form.values, "trainer")
    flash(_("Trainer saved."), "success")
    return redirect(url_for(".trainers"))


def _values(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def _save(row: Venue | Trainer, values: dict[str, Any], kind: str) -> None:
    """Write the form's values to a new or existing row, audited, and commit."""
    before = None if row.id is None else _values(row, tuple(values))
    for name, value in values.items():
        setattr(row, name, value)
    db.session.add(row)
    db.session.flush()
    audit(
        f"{SERVICE_KEY}.{kind}_{'added' if before is None else 'changed'}",
        target=f"{kind}:{row.id}",
        before=before,
        after=dict(values),
        actor=_actor(),
    )
    db.session.commit()


def _field_officers() -> list[tuple[int, str]]:
    return staff_choices("field_officer", "supervisor")


# -- sessions --------------------------------------------------------------------------------------


@staff.get("/sessions/")
def sessions() -> str:
    """Sessions from today, 25 a page, with their trainer and places taken; links to each register."""
    today = uk_today()
    page = staff_slots(
        SERVICE_KEY, start=uk_to_utc(today, time(0, 0)), page=request.args.get("page", 1, type=int), per_page=PER_PAGE
    )
    trainer_ids = {session_details(s)["trainer_id"] for s in page.items} - {None}
    names = dict(db.session.execute(db.select(Trainer.id, Trainer.name).where(Trainer.id.in_(trainer_ids))).all())
    return render_template(
        "speed_awareness/staff/sessions.html",
        page=page,
        trainer_names={s.id: names.get(session_details(s)["trainer_id"], "") for s in page.items},
        may_manage=has_role(*MANAGERS),
        may_mark=has_role(*TRAINER_ROLES),
    )


def _new_sessions(recurring: bool) -> BaseResponse | str:
    venues_in_use = db.session.scalars(db.select(Venue).filter_by(active=True).order_by(Venue.name)).all()
    trainers_in_use = db.session.scalars(db.select(Trainer).filter_by(active=True).order_by(Trainer.name)).all()
    context = {"recurring": recurring, "venues": venues_in_use, "trainers": trainers_in_use, "courses": COURSE_TYPES}
    template = "speed_awareness/staff/session_new.html"
    if request.method == "GET":
        places = service_settings(SERVICE_KEY)["venue_places"]
        values = {"places": places, "course_type": "national_speed_awareness", "weekdays": []}
        return _error_page(template, StaffForm(values=values), **context)
    form = (read_series if recurring else read_session)(request.form)
    if form.ok:
        try:
            made = create_slots(SERVICE_KEY, form.specs, actor=_actor())
            db.session.commit()
        except BookingRefused as refused:
            db.session.rollback()
            form.errors = {("first-day" if recurring else "date-day"): refused.message}
        else:
            flash(ngettext("%(num)d session added.", "%(num)d sessions added.", len(made)), "success")
            return redirect(url_for(".sessions"))
    return _error_page(template, form, **context)


@staff.route("/sessions/new", methods=["GET", "POST"])
@staff_required(*MANAGERS)
def new_session() -> BaseResponse | str:
    """Add one session: course, venue or online with its joining link, trainer, places, date and start time."""
    return _new_sessions(recurring=False)


@staff.route("/sessions/new-recurring", methods=["GET", "POST"])
@staff_required(*MANAGERS)
def new_sessions() -> BaseResponse | str:
    """Add a weekly series of sessions, all or nothing."""
    return _new_sessions(recurring=True)


def _session_or_404(slot_id: int) -> Slot:
    return db.session.scalar(db.select(Slot).filter_by(id=slot_id, service_key=SERVICE_KEY)) or abort(404)


def _register_page(slot: Slot, errors: dict[str, str] | None = None) -> str:
    details = session_details(slot)
    trainer_row = db.session.get(Trainer, details["trainer_id"]) if details["trainer_id"] else None
    return render_template(
        "speed_awareness/staff/register.html",
        slot=slot,
        details=details,
        trainer=trainer_row,
        lines=staff_register.register_lines(slot),
        problem=staff_register.register_problem(slot),
        errors=errors or {},
    )


@staff.get(f"/sessions/<{ID}:slot_id>/register")
@staff_required(*TRAINER_ROLES)
def register(slot_id: int) -> str:
    """The session's register: each driver booked, to mark attended or a no-show (made for a tablet)."""
    return _register_page(_session_or_404(slot_id))


@staff.post(f"/sessions/<{ID}:slot_id>/register/<{ID}:booking_id>")
@staff_required(*TRAINER_ROLES)
def mark(slot_id: int, booking_id: int) -> BaseResponse | str:
    """Mark one driver attended (the course is completed) or a no-show (the offer is withdrawn)."""
    slot = _session_or_404(slot_id)
    outcome = request.form.get("outcome", "")
    try:
        line = staff_register.mark(slot, booking_id, outcome, actor=_actor())
        db.session.commit()
    except TransitionRefused as refused:
        db.session.rollback()
        return _register_page(slot, {f"booking-{booking_id}": refused.message})
    if outcome == "attended":
        flash(_("%(name)s attended and completed the course.", name=line.driver_name), "success")
    else:
        flash(_("%(name)s did not attend: the offer is withdrawn.", name=line.driver_name), "success")
    return redirect(url_for(".register", slot_id=slot_id) + f"#booking-{booking_id}")


# -- reports ---------------------------------------------------------------------------------------


def _report_dates(errors: dict[str, str]) -> tuple[date, date]:
    """The report's first and last day from the query string (default: the last 28 days and the next 28)."""
    today = uk_today()
    start, end = today - timedelta(days=28), today + timedelta(days=28)
    if any(request.args.get(f"from-{p}") for p in ("day", "month", "year")):
        start = read_date(request.args, "from", errors, _("the first day"), future_only=False) or start
    if any(request.args.get(f"to-{p}") for p in ("day", "month", "year")):
        end = read_date(request.args, "to", errors, _("the last day"), future_only=False) or end
    if not errors and end < start:
        errors["to-day"] = _("The last day must be the same as or after the first day")
    elif not errors and (end - start).days > reports.MAX_DAYS:
        errors["to-day"] = _("Choose at most %(num)d days", num=reports.MAX_DAYS)
    if errors:
        return today - timedelta(days=28), today + timedelta(days=28)
    return start, end


@staff.get("/reports")
@staff_required(*OFFICE_ROLES)
def report() -> str:
    """Sessions in a date range with places, booked, attended, fill rate and income."""
    errors: dict[str, str] = {}
    start, end = _report_dates(errors)
    return render_template(
        "speed_awareness/staff/report.html",
        report=reports.session_report(start, end),
        errors=errors,
        args=request.args,
    )


@staff.get("/reports.csv")
@staff_required(*OFFICE_ROLES)
def report_csv() -> Response:
    """The same report as a CSV file."""
    errors: dict[str, str] = {}
    start, end = _report_dates(errors)
    body = reports.report_csv(reports.session_report(start, end))
    filename = f"speed-awareness-sessions-{start.isoformat()}-to-{end.isoformat()}.csv"
    return Response(
        "\ufeff" + body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
