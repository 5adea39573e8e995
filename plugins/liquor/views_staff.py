"""The licensing team's pages at /<force>/staff/liquor/: notices by objection deadline, the decision (with
the objection notice), the hearing, counter notices, and the applications on which the police are consulted."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from frontcounter.accounts.auth import current_account, staff_required
from frontcounter.calendar import uk_today
from frontcounter.cases import engine
from frontcounter.cases.engine import TransitionRefused
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter_liquor import queries
from frontcounter_liquor.applications import (
    KINDS,
    application_of,
    open_application,
    read_application,
    record_outcome,
    respond,
)
from frontcounter_liquor.authorities import SERVICE_KEY, authorities
from frontcounter_liquor.decisions import OBJECTIVES, DecisionRefused, arrange_hearing, check_decision, decide
from frontcounter_liquor.notice_input import ACTIVITIES, ALCOHOL_WHERE
from frontcounter_liquor.notices import notice_of
from frontcounter_liquor.timing import within_window
from frontcounter_liquor.workflow import LICENSING_ROLES, WORKFLOW

staff = Blueprint("liquor_staff", __name__, template_folder="templates")


def _actor() -> str:
    account = current_account()
    return account.email if account is not None else "staff"


def _case(reference: str) -> Case:
    case = engine.find_case(reference)
    if case is None or case.service_key != SERVICE_KEY:
        abort(404)
    return case


@staff.get("/")
def queue() -> str:
    """Notices awaiting a decision, soonest objection deadline first; applications in consultation."""
    page = request.args.get("page", "1")
    page_number = int(page) if page.isdigit() and int(page) > 0 else 1
    return render_template(
        "liquor/staff/queue.html", notices=queries.notices_awaiting_decision(page_number),
        applications=queries.applications_in_consultation(), decided=queries.recent_notices(), today=uk_today(),
        workflow=WORKFLOW, kinds=KINDS,
    )


def _render_case(case: Case, errors: dict[str, str] | None = None, values: dict | None = None, status: int = 200):
    notice = notice_of(case)
    application = None if notice else application_of(case)
    today = uk_today()
    return render_template(
        "liquor/staff/detail.html", case=case, notice=notice, application=application, state=WORKFLOW.state(case.state),
        objectives=OBJECTIVES, kinds=KINDS, activities=ACTIVITIES, alcohol_where=ALCOHOL_WHERE,
        errors=errors or {}, values=values or {}, today=today,
        open_window=bool(notice and within_window(today, notice.objection_due)),
    ), status


@staff.get("/cases/<reference>")
def case(reference: str):
    """A notice or application with what the police can do now."""
    return _render_case(_case(reference))


@staff.post("/cases/<reference>/decision")
@staff_required(*LICENSING_ROLES)
def decision(reference: str):
    """No objection, agree modifications, or object (the objection notice goes out at once)."""
    case = _case(reference)
    notice = notice_of(case) or abort(404)
    chosen = request.form.get("decision", "")
    objectives = request.form.getlist("objectives")
    reasons = request.form.get("reasons", "")
    values = {"decision": chosen, "objectives": objectives, "reasons": reasons}
    today = uk_today()
    errors = check_decision(notice, chosen, objectives, reasons, today)
    if not errors:
        try:
            decide(case, notice, chosen, objectives=objectives, reasons=reasons, actor=_actor(), today=today)
        except DecisionRefused as refused:
            db.session.rollback()
            errors = {"decision": refused.message}
        else:
            db.session.commit()
            flash(_("Decision recorded and sent."), "success")
            return redirect(url_for("liquor_staff.case", reference=reference))
    return _render_case(case, errors, values, 422)


@staff.post("/cases/<reference>/hearing")
@staff_required(*LICENSING_ROLES)
def hearing(reference: str):
    """Record the hearing date the licensing authority set."""
    case = _case(reference)
    notice = notice_of(case) or abort(404)
    day, time_text = request.form.get("hearing_date", ""), request.form.get("hearing_time", "")
    try:
        when = datetime.fromisoformat(f"{day}T{time_text}")
    except ValueError:
        errors = {"hearing_date": _("Enter the date and time of the hearing")}
        return _render_case(case, errors, dict(request.form), 422)
    try:
        arrange_hearing(case, notice, when, actor=_actor())
    except (DecisionRefused, TransitionRefused) as refused:
        db.session.rollback()
        return _render_case(case, {"hearing_date": refused.message}, dict(request.form), 422)
    db.session.commit()
    flash(_("Hearing recorded."), "success")
    return redirect(url_for("liquor_staff.case", reference=reference))


@staff.post("/cases/<reference>/record")
@staff_required(*LICENSING_ROLES)
def record(reference: str):
    """Record what the licensing authority did: a counter notice, the event allowed after a hearing."""
    case = _case(reference)
    action = request.form.get("action", "")
    note = request.form.get("note", "").strip()
    if action not in ("counter_notice", "hearing_allowed"):
        abort(400)
    try:
        engine.fire(case, action, actor=_actor(), as_system=True, note=note)
    except TransitionRefused as refused:
        db.session.rollback()
        return _render_case(case, {"record": refused.message}, {}, 422)
    notice = notice_of(case)
    if notice is not None and action == "counter_notice":
        case.deadline_at = None
    db.session.commit()
    flash(_("Recorded."), "success")
    return redirect(url_for("liquor_staff.case", reference=reference))


@staff.post("/cases/<reference>/response")
@staff_required(*LICENSING_ROLES)
def response(reference: str):
    """The police representation, or that there is none, on an application."""
    case = _case(reference)
    application = application_of(case) or abort(404)
    values = {"response": request.form.get("response", ""), "objectives": request.form.getlist("objectives"),
              "reasons": request.form.get("reasons", "")}
    try:
        respond(case, application, values["response"], objectives=values["objectives"], reasons=values["reasons"],
                actor=_actor(), today=uk_today())
    except DecisionRefused as refused:
        db.session.rollback()
        return _render_case(case, {"response": refused.message}, values, 422)
    db.session.commit()
    flash(_("Response recorded and sent to the licensing authority."), "success")
    return redirect(url_for("liquor_staff.case", reference=reference))


@staff.post("/cases/<reference>/outcome")
@staff_required(*LICENSING_ROLES)
def outcome(reference: str):
    """The licensing authority's decision on an application."""
    case = _case(reference)
    application = application_of(case) or abort(404)
    chosen = request.form.get("outcome", "")
    if chosen not in ("granted", "refused"):
        return _render_case(case, {"outcome": _("Select the licensing authority's decision")}, {}, 422)
    try:
        record_outcome(case, application, chosen, actor=_actor())
    except TransitionRefused as refused:
        db.session.rollback()
        return _render_case(case, {"outcome": refused.message}, {}, 422)
    db.session.commit()
    return redirect(url_for("liquor_staff.case", reference=reference))


@staff.route("/applications/new", methods=["GET", "POST"])
@staff_required(*LICENSING_ROLES)
def new_application():
    """Enter an application the licensing authority sent on paper or by email."""
    errors: dict[str, str] = {}
    values = dict(request.form.items()) if request.method == "POST" else {}
    if request.method == "POST":
        clean, errors = read_application(values, uk_today())
        if clean is not None:
            created = open_application(clean, source="staff", actor=_actor())
            db.session.commit()
            return redirect(url_for("liquor_staff.case", reference=created.reference))
    return render_template("liquor/staff/new_application.html", errors=errors, values=values, kinds=KINDS,
                           authorities=authorities()), (422 if errors else 200)
