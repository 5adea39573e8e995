"""API for force systems: cases, transitions, payments, refunds and bookings (token authentication)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, nulls_last, or_
from sqlalchemy.orm.exc import StaleDataError

from frontcounter.api.case_schemas import CaseDetailSchema, CaseQuerySchema, CaseSummarySchema, TransitionRequestSchema
from frontcounter.api.paging import paged
from frontcounter.api.problems import ApiErrorSchema, ApiProblem
from frontcounter.api.token_auth import TokenAuthBlueprint, current_api_client
from frontcounter.cases import engine
from frontcounter.cases.access import may_use_service
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.plugins.manager import registry
from frontcounter.tenancy.services import enabled_service_keys

blp = TokenAuthBlueprint("backoffice", __name__, url_prefix="/api/v1", description="Back-office API for force systems")

# TransitionRefused.code -> HTTP status.
REFUSAL_STATUS = {
    "wrong_state": 409,
    "guard_failed": 409,
    "forbidden": 403,
    "note_required": 422,
    "unknown_transition": 422,
}


def utc(value: datetime | None) -> datetime | None:
    """Return a stored time as an aware UTC datetime (SQLite hands back naive UTC)."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def case_services() -> set[str]:
    """Keys of the force's switched-on services that have cases and whose staff_roles the token holds."""
    services = registry().services
    client = current_api_client()
    return {
        key for key in enabled_service_keys()
        if services[key].workflow is not None and client.allows(key) and may_use_service(key, roles=client.roles)
    }


def _summary(case: Case, now: datetime) -> dict[str, Any]:
    deadline = utc(case.deadline_at)
    workflow = engine.workflow_for(case.service_key)
    return {
        "reference": case.reference,
        "service": case.service_key,
        "state": case.state,
        "state_label": workflow.state(case.state).public_label,
        "applicant_name": case.applicant_name,
        "applicant_email": case.applicant_email,
        "assignee": {"id": case.assignee.id, "name": case.assignee.account.full_name} if case.assignee else None,
        "deadline_at": deadline,
        "overdue": deadline is not None and deadline < now,
        "created_at": utc(case.created_at),
        "updated_at": utc(case.updated_at),
    }


def _detail(case: Case) -> dict[str, Any]:
    roles = current_api_client().roles
    workflow = engine.workflow_for(case.service_key)
    actions = [
        {"transition": t.name, "label": t.label, "needs_note": t.needs_note, "refusal": engine.refusal(case, t)}
        for t in workflow.transitions_from(case.state)
        if engine.may_fire(case, t, roles=roles)
    ]
    history = [
        {
            "at": utc(e.at),
            "actor": e.actor,
            "transition": e.transition,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "note": e.note,
            "public": e.public,
        }
        for e in case.events
    ]
    return {**_summary(case, datetime.now(UTC)), "data": case.data or {}, "history": history, "actions": actions}


def case_or_404(reference: str) -> Case:
    """Return the token's force's case with this reference, or answer 404 (also for a switched-off service)."""
    case = engine.find_case(reference)
    if case is None or case.service_key not in case_services():
        raise ApiProblem(404, "not_found", _("There is no case %(reference)s.", reference=reference))
    return case


def requested_services(requested: str | None, offered: set[str]) -> list[str]:
    """The services a list is limited to: the one asked for (422 unless the force offers it), else all `offered`."""
    if requested is None:
        return sorted(offered)
    if requested not in offered:
        raise ApiProblem(422, "unknown_service", _("This force has no service %(service)s.", service=requested))
    return [requested]


def _filters(args: dict[str, Any]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        Case.service_key.in_(requested_services(args.get("service"), case_services()))
    ]
    if args.get("state"):
        conditions.append(Case.state == args["state"])
    if args.get("assignee") == "none":
        conditions.append(Case.assignee_id.is_(None))
    elif args.get("assignee"):
        conditions.append(Case.assignee_id == int(args["assignee"]))
    if "overdue" in args:
        now = datetime.now(UTC)
        late = Case.deadline_at.is_not(None) & (Case.deadline_at < now)
        conditions.append(late if args["overdue"] else or_(Case.deadline_at.is_(None), Case.deadline_at >= now))
    return conditions


@blp.get("/cases")
@blp.arguments(CaseQuerySchema, location="query")
@blp.response(200, CaseSummarySchema(many=True))
@blp.alt_response(422, schema=ApiErrorSchema, description="A filter is not valid (e.g. a service the force lacks)")
@blp.paginate()
def list_cases(args: dict[str, Any], pagination_parameters: Any) -> list[dict[str, Any]]:
    """List the force's cases, soonest deadline first (no deadline last); paginated (X-Pagination header)."""
    query = db.select(Case).where(*_filters(args)).order_by(nulls_last(Case.deadline_at.asc()), Case.id)
    now = datetime.now(UTC)
    return [_summary(case, now) for case in paged(query, Case.id, pagination_parameters).scalars()]


@blp.get("/cases/<reference>")
@blp.response(200, CaseDetailSchema)
@blp.alt_response(404, schema=ApiErrorSchema, description="No such case in the token's force")
def get_case(reference: str) -> dict[str, Any]:
    """One case with its data, its full history and the transitions the token may fire now."""
    return _detail(case_or_404(reference))


@blp.post("/cases/<reference>/transitions")
@blp.arguments(TransitionRequestSchema)
@blp.response(200, CaseDetailSchema, description="The transition happened: the case as it is now")
@blp.alt_response(403, schema=ApiErrorSchema, description="The token's roles may not fire it (reason: forbidden)")
@blp.alt_response(404, schema=ApiErrorSchema, description="No such case in the token's force")
@blp.alt_response(
    409,
    schema=ApiErrorSchema,
    description="Not now: the case is in another state (wrong_state), a condition is not met (guard_failed), "
    "or the case changed meanwhile (conflict)",
)
@blp.alt_response(
    422,
    schema=ApiErrorSchema,
    description="No such transition (unknown_transition), a note is needed (note_required), or a bad body",
)
def fire_transition(body: dict[str, Any], reference: str) -> dict[str, Any]:
    """Fire a workflow transition on a case with the token's roles; it is recorded in the history and audit log."""
    case = case_or_404(reference)
    client = current_api_client()
    try:
        engine.fire(case, body["transition"], actor=client.actor, note=body["note"], roles=client.roles)
        db.session.commit()
    except engine.TransitionRefused as refused:
        raise ApiProblem(REFUSAL_STATUS.get(refused.code, 409), refused.code, refused.message) from None
    except StaleDataError:
        raise ApiProblem(
            409, "conflict", _("Someone else changed case %(reference)s. Fetch it and try again.", reference=reference)
        ) from None
    return _detail(case)
