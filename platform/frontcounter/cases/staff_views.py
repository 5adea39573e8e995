"""Staff pages for cases: queues per service, a case with its history and actions, the diagram."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from frontcounter import counting
from frontcounter.accounts.auth import current_account, current_staff_member, has_role, staff_required
from frontcounter.accounts.models import StaffMember
from frontcounter.accounts.queries import staff_choices
from frontcounter.cases import engine
from frontcounter.cases.access import may_open_case, may_use_service
from frontcounter.cases.models import Case
from frontcounter.cases.queries import ALL_STATES, QueueFilter, open_state_counts, queue_page
from frontcounter.cases.staff_page import staff_case_context, staff_case_templates
from frontcounter.cases.workflow import Transition
from frontcounter.extensions import db
from frontcounter.plugins.manager import registry
from frontcounter.tenancy.services import is_enabled
from frontcounter.web.inputs import as_int32

bp = Blueprint("cases_staff", __name__, url_prefix="/<force>/staff/work")


@bp.before_request
@staff_required()
def _staff_only() -> None:
    return None


def _enabled_or_404(service_key: str):  # type: ignore[no-untyped-def]
    service = registry().services.get(service_key)
    if service is None or service.workflow is None or not is_enabled(service_key):
        abort(404)
    return service


def _service_or_404(service_key: str):  # type: ignore[no-untyped-def]
    service = _enabled_or_404(service_key)
    if not may_use_service(service_key):
        abort(403)
    return service


def _case_or_404(reference: str):  # type: ignore[no-untyped-def]
    case = engine.find_case(reference) or abort(404)
    _enabled_or_404(case.service_key)
    if not may_open_case(case):
        abort(403)
    return case


@bp.get("/<service_key>/")
def queue(service_key: str) -> str:
    """A service's work queue (open work unless state=all or a state is chosen); soonest deadline first."""
    service = _service_or_404(service_key)
    f = QueueFilter(
        service_key=service_key,
        state=request.args.get("state", ""),
        assignee=request.args.get("assignee", ""),
        overdue=request.args.get("overdue") == "yes",
        q=request.args.get("q", ""),
    )
    me = current_staff_member()
    page = queue_page(f, me.id if me else None, request.args.get("page", 1, type=int) or 1)
    return render_template(
        "cases/queue.html",
        service=service,
        filter=f,
        all_states=ALL_STATES,
        count_cap=f"{counting.COUNT_CAP:,}",
        page=page,
        counts=open_state_counts(service_key),
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
    # A plugin may give its own page, <service>/staff/case.html extending cases/case.html, and add variables
    # through its case_page_context hook.
    return render_template(staff_case_templates(found), **staff_case_context(found))


def _transition_or_none(case: Case, name: str) -> Transition | None:
    try:
        return engine.workflow_for(case.service_key).transition(name)
    except KeyError:
        return None


@bp.post("/case/<reference>/transition")
def transition(reference: str) -> Response | tuple[str, int]:
    """Fire one transition on a case (refused with a clear message when not allowed)."""
    found = _case_or_404(reference)
    account = current_account()
    name = request.form.get("transition", "")
    chosen = _transition_or_none(found, name)
    if chosen is not None and chosen.confirm and request.form.get("confirmed") != "yes":
        reason = engine.refusal(found, chosen) or (
            _("Enter a note to say why.") if chosen.needs_note and not request.form.get("note", "").strip() else None
        )
        if reason is None and engine.may_fire(found, chosen):  # ask first; refusals are shown as before
            return render_template(
                "cases/confirm.html",
                case=found,
                transition=chosen,
                note=request.form.get("note", ""),
                service=registry().services[found.service_key],
            ), 200
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
