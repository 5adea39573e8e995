"""Staff pages for cases: queues per service, a case with its history and actions, the diagram."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from frontcounter.accounts.auth import current_account, current_staff_member, has_role, staff_required
from frontcounter.accounts.models import StaffMember
from frontcounter.accounts.queries import staff_choices
from frontcounter.cases import engine
from frontcounter.cases.queries import QueueFilter, queue_query, state_counts
from frontcounter.extensions import db
from frontcounter.plugins.manager import registry
from frontcounter.tenancy.services import is_enabled
from frontcounter.web.inputs import as_int32

bp = Blueprint("cases_staff", __name__, url_prefix="/<force>/staff/work")


@bp.before_request
@staff_required()
def _staff_only() -> None:
    return None


def _service_or_404(service_key: str):  # type: ignore[no-untyped-def]
    service = registry().services.get(service_key)
    if service is None or service.workflow is None or not is_enabled(service_key):
        abort(404)
    return service


def _case_or_404(reference: str):  # type: ignore[no-untyped-def]
    case = engine.find_case(reference) or abort(404)
    _service_or_404(case.service_key)
    return case


@bp.get("/<service_key>/")
def queue(service_key: str) -> str:
    """A service's work queue: filter by state, assignee and overdue; soonest deadline first."""
    service = _service_or_404(service_key)
    f = QueueFilter(
        service_key=service_key,
        state=request.args.get("state", ""),
        assignee=request.args.get("assignee", ""),
        overdue=request.args.get("overdue") == "yes",
        q=request.args.get("q", ""),
    )
    me = current_staff_member()
    page = db.paginate(
        queue_query(f, me.id if me else None), page=request.args.get("page", 1, type=int), per_page=25, error_out=False
    )
    return render_template(
        "cases/queue.html",
        service=service,
        filter=f,
        page=page,
        counts=state_counts(service_key),
        staff=staff_choices(),
        now=datetime.now(UTC),
    )


@bp.get("/<service_key>/workflow")
def workflow(service_key: str) -> str:
    """The service's workflow as a diagram (Mermaid text) and a table of transitions."""
    service = _service_or_404(service_key)
    return render_template("cases/workflow.html", service=service, workflow=service.workflow)


@bp.get("/case/<reference>")
def case(reference: str) -> str:
    """One case: details, history, deadline, and the actions this member of staff may take."""
    found = _case_or_404(reference)
    workflow = engine.workflow_for(found.service_key)
    actions = [
        {"transition": t, "refusal": engine.refusal(found, t)}
        for t in workflow.transitions_from(found.state)
        if engine.may_fire(found, t)
    ]
    # A plugin may give its own case page, <service>/staff/case.html, extending cases/case.html.
    return render_template(
        [f"{found.service_key}/staff/case.html", "cases/case.html"],
        case=found,
        workflow=workflow,
        actions=actions,
        service=registry().services[found.service_key],
        staff=staff_choices(),
        state=workflow.state(found.state),
        now=datetime.now(UTC),
    )


@bp.post("/case/<reference>/transition")
def transition(reference: str) -> Response | tuple[str, int]:
    """Fire one transition on a case (refused with a clear message when not allowed)."""
    found = _case_or_404(reference)
    account = current_account()
    try:
        engine.fire(
            found,
            request.form.get("transition", ""),
            actor=account.email if account else "staff",
            note=request.form.get("note", ""),
        )
        db.session.commit()
    except engine.TransitionRefused as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return redirect(url_for("cases_staff.case", reference=reference))
    flash(_("Case %(reference)s updated.", reference=reference), "success")
    return redirect(url_for("cases_staff.case", reference=reference))


@bp.post("/case/<reference>/assign")
def assign(reference: str) -> Response:
    """Assign a case to yourself, someone else, or nobody (supervisors assign to others)."""
    found = _case_or_404(reference)
    me = current_staff_member()
    choice = request.form.get("assignee", "")
    if choice == "me":
        target = me.id if me else None
    elif choice.isdigit():
        if not has_role("supervisor") and (me is None or int(choice) != me.id):
            abort(403)
        target = as_int32(choice)
        if target is None or db.session.get(StaffMember, target) is None:
            abort(404)
    else:
        target = None
    account = current_account()
    engine.assign(found, target, actor=account.email if account else "staff")
    db.session.commit()
    flash(_("Case %(reference)s assigned.", reference=reference), "success")
    return redirect(request.form.get("back") or url_for("cases_staff.case", reference=reference))
