"""The back-office API: create a request that arrived elsewhere, and read a request's state and deadline.

    POST /api/v1/subject-access/requests          the answers (as the public pages take them), received_on
    GET  /api/v1/subject-access/requests/<ref>    state, regime, clock start and deadline, days remaining
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from frontcounter.api.problems import ApiProblem
from frontcounter.api.token_auth import TokenAuthBlueprint, current_api_client
from frontcounter.calendar import uk_today
from frontcounter.extensions import db
from frontcounter.tenancy.services import is_enabled
from frontcounter_subject_access import answers as questions
from frontcounter_subject_access import requests, rules
from frontcounter_subject_access.workflow import SERVICE_KEY, WORKFLOW
from marshmallow import INCLUDE, Schema, fields

API_ROLES = frozenset({"caseworker", "supervisor", "force_admin"})

blp = TokenAuthBlueprint("subject_access_api", __name__, url_prefix="/api/v1/subject-access",
                         description="Subject access requests: create one, read its state and deadline")


class RequestInSchema(Schema):
    """A request as received by post, email or another system (checked as the public pages check it)."""

    class Meta:
        unknown = INCLUDE

    for_whom = fields.Raw(metadata={"description": "self, or other (then requester_name and relationship)"})
    full_name = fields.Raw(metadata={"description": "Required"})
    previous_names = fields.Raw()
    date_of_birth = fields.Raw(metadata={"description": "Required. YYYY-MM-DD"})
    email = fields.Raw(metadata={"description": "Required"})
    phone = fields.Raw()
    address = fields.Raw(metadata={"description": "Required"})
    postcode = fields.Raw(metadata={"description": "Required"})
    previous_addresses = fields.Raw(metadata={"description": "Addresses in the last 10 years"})
    scope = fields.Raw(metadata={"description": "everything or specific (then details)"})
    details = fields.Raw()
    references = fields.Raw()
    delivery = fields.Raw(metadata={"description": "download or post"})
    received_on = fields.Raw(metadata={"description": "Required. YYYY-MM-DD, the day the request arrived"})
    regime = fields.Raw(metadata={"description": "uk_gdpr (default) or part3"})


class RequestOutSchema(Schema):
    """A request's state and clock."""

    reference = fields.String()
    state = fields.String()
    status = fields.String(metadata={"description": "What the requester sees"})
    regime = fields.String()
    received_on = fields.Date()
    identity = fields.String(metadata={"description": "awaiting, received, accepted or rejected"})
    clock_started_on = fields.Date(allow_none=True)
    deadline = fields.Date(allow_none=True, metadata={"description": "None until the clock starts"})
    extended = fields.Boolean()
    days_remaining = fields.Integer(allow_none=True)


def _guard() -> Any:
    client = current_api_client()
    if not is_enabled(SERVICE_KEY):
        raise ApiProblem(404, "not_found", _("This force does not take subject access requests online."))
    if client.roles.isdisjoint(API_ROLES):
        raise ApiProblem(403, "forbidden", _("This API token needs the caseworker role."))
    return client


def _out(case: Any, sar: Any) -> dict[str, Any]:
    return {"reference": case.reference, "state": case.state, "status": str(WORKFLOW.state(case.state).public_label),
            "regime": sar.regime, "received_on": sar.received_on, "identity": sar.identity_status,
            "clock_started_on": sar.clock_started_on, "deadline": sar.deadline,
            "extended": sar.extended_due_on is not None,
            "days_remaining": rules.days_remaining(sar.deadline, uk_today())}


@blp.post("/requests")
@blp.arguments(RequestInSchema, location="json")
@blp.response(201, RequestOutSchema)
@blp.alt_response(422, schema="ApiError", description="A field is missing or wrong: nothing was created")
def create_request(body: dict[str, Any]) -> dict[str, Any]:
    """Create a request received by post, email or another system; the requester is emailed."""
    client = _guard()
    body = {k: v for k, v in body.items() if v is not None}
    body.setdefault("for_whom", "self")
    body.setdefault("scope", "everything")
    body.setdefault("delivery", "download")
    cleaned, errors = questions.check_all(body)
    received, problem = questions.read_date(body, "received_on")
    if problem or received is None:
        errors["received_on"] = _("Enter the date the request was received as YYYY-MM-DD")
    elif received > uk_today():
        errors["received_on"] = _("The date received must be today or in the past")
    regime = str(body.get("regime") or rules.UK_GDPR)
    if regime not in rules.REGIMES:
        errors["regime"] = _("Use uk_gdpr or part3")
    if errors:
        problem_ = ApiProblem(422, "invalid", _("The request has mistakes, so it was not created."))
        raise _with_errors(problem_, errors)
    case, sar = requests.open_request(cleaned, received_on=received, channel="api", actor=client.actor,
                                      regime=regime)
    db.session.commit()
    return _out(case, sar)


def _with_errors(problem: ApiProblem, errors: dict[str, str]) -> ApiProblem:
    problem.message = f"{problem.message} " + "; ".join(f"{k}: {v}" for k, v in sorted(errors.items()))
    return problem


@blp.get("/requests/<reference>")
@blp.response(200, RequestOutSchema)
@blp.alt_response(404, schema="ApiError", description="No such request in this force")
def read_request(reference: str) -> dict[str, Any]:
    """A request's state, regime and deadline."""
    _guard()
    found = requests.find(reference)
    if found is None:
        raise ApiProblem(404, "not_found", _("There is no request with that reference."))
    return _out(*found)
