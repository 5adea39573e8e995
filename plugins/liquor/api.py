"""The API for licensing authorities: /api/v1/liquor/...

- POST notices: a copy of a temporary event notice (201 with its reference, kind and the police's deadline);
- POST applications: a premises licence application or variation, or a personal licence application;
- GET cases/<reference>: the police response (decision, objectives, reasons, hearing, objection notice);
- POST cases/<reference>/outcome: the authority's decision on an application.

Force API tokens with a licensing role (caseworker, supervisor or force_admin). Errors are JSON with `code`,
`status`, `message`, `reason` and, for input that does not check, `errors` by field. Nothing is half-written.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from frontcounter.api.problems import ApiProblem
from frontcounter.api.token_auth import TokenAuthBlueprint, current_api_client
from frontcounter.calendar import uk_today
from frontcounter.cases.engine import TransitionRefused, find_case
from frontcounter.extensions import db
from frontcounter.tenancy.services import is_enabled
from frontcounter_liquor.applications import application_of, open_application, read_application, record_outcome
from frontcounter_liquor.authorities import SERVICE_KEY
from frontcounter_liquor.notice_input import read_notice
from frontcounter_liquor.notices import NoticeRefused, give_notice, notice_of, preview
from frontcounter_liquor.queries import case_files
from marshmallow import INCLUDE, Schema, fields, validate

API_ROLES = frozenset({"caseworker", "supervisor", "force_admin"})

blp = TokenAuthBlueprint(
    "liquor_api", __name__, url_prefix="/api/v1/liquor", service_key="liquor",
    description="Alcohol licensing: licensing authorities send notices and applications and read the police response",
)


class NoticeInSchema(Schema):
    """A temporary event notice as the premises user gave it."""

    class Meta:
        unknown = INCLUDE

    user_name = fields.Raw(metadata={"description": "Required"})
    user_dob = fields.Raw(metadata={"description": "Required, YYYY-MM-DD; 18 or over"})
    user_email = fields.Raw(metadata={"description": "Required"})
    user_address = fields.Raw(metadata={"description": "Required"})
    personal_licence = fields.Raw(metadata={"description": "true or false"})
    licence_number = fields.Raw(metadata={"description": "When personal_licence"})
    licence_authority = fields.Raw(metadata={"description": "When personal_licence"})
    premises_address = fields.Raw(metadata={"description": "The address, or open_land"})
    open_land = fields.Raw(metadata={"description": "A description of open land with no address"})
    premises_postcode = fields.Raw(metadata={"description": "Required (the nearest one for open land)"})
    start_date = fields.Raw(metadata={"description": "YYYY-MM-DD"})
    start_time = fields.Raw(metadata={"description": "HH:MM"})
    end_date = fields.Raw(metadata={"description": "YYYY-MM-DD"})
    end_time = fields.Raw(metadata={"description": "HH:MM"})
    people = fields.Raw(metadata={"description": "1 to 499"})
    activities = fields.Raw(metadata={"description": "Any of entertainment, late_night_refreshment, club_supply"})
    alcohol = fields.Raw(metadata={"description": "true or false"})
    alcohol_where = fields.Raw(metadata={"description": "on, off or both"})
    authority_reference = fields.Raw(metadata={"description": "The authority's own reference"})


class ApplicationInSchema(Schema):
    """A licence application on which the police are consulted."""

    class Meta:
        unknown = INCLUDE

    kind = fields.Raw(metadata={"description": "premises_new, premises_variation or personal"})
    applicant_name = fields.Raw()
    applicant_email = fields.Raw()
    premises_name = fields.Raw()
    premises_address = fields.Raw()
    premises_postcode = fields.Raw()
    authority = fields.Raw(metadata={"description": "The authority's key in the force's list (else from the postcode)"})
    authority_reference = fields.Raw()
    received_on = fields.Raw(metadata={"description": "YYYY-MM-DD, default today"})
    unspent_convictions = fields.Raw(metadata={"description": "Personal licence: true when the applicant has some"})
    summary = fields.Raw()


class BreachSchema(Schema):
    """A limit the notice exceeds."""

    code = fields.String()
    message = fields.String()


class ResponseSchema(Schema):
    """Where a notice or application stands and what the police said."""

    reference = fields.String()
    type = fields.String(metadata={"description": "ten or application"})
    kind = fields.String(metadata={"description": "standard or late; premises_new, premises_variation or personal"})
    state = fields.String()
    received_on = fields.Date()
    respond_by = fields.Date(metadata={"description": "The last day of the police's window"})
    working_days = fields.Integer(allow_none=True)
    counter_notice_required = fields.Boolean()
    breaches = fields.List(fields.Nested(BreachSchema))
    decision = fields.String(metadata={"description": "no_objection, modifications, objection, representation, none"})
    objectives = fields.List(fields.String())
    reasons = fields.String()
    hearing_on = fields.DateTime(allow_none=True)
    documents = fields.List(
        fields.String(), metadata={"description": "The police's documents on the case: kind and file name"}
    )


class OutcomeSchema(Schema):
    """The licensing authority's decision on an application."""

    outcome = fields.String(required=True, validate=validate.OneOf(["granted", "refused"]))


def _allowed() -> None:
    if not is_enabled(SERVICE_KEY):
        raise ApiProblem(404, "not_found", _("This force does not offer alcohol licensing."))
    if current_api_client().roles.isdisjoint(API_ROLES):
        message = _("This API token may not use alcohol licensing: it needs a licensing role.")
        raise ApiProblem(403, "forbidden", message)


def _invalid(errors: dict[str, str]) -> ResponseReturnValue:
    db.session.rollback()
    body = {"code": 422, "status": "Unprocessable Entity", "reason": "invalid",
            "message": _("The request has mistakes, so nothing was created."), "errors": errors}
    return jsonify(body), 422


def _response(case: Any) -> dict[str, Any]:
    notice = notice_of(case)
    documents = [f"{d.kind}: {d.filename}" for d in case_files(case)]
    if notice is not None:
        return {"reference": case.reference, "type": "ten", "kind": notice.kind, "state": case.state,
                "received_on": notice.received_on, "respond_by": notice.objection_due,
                "working_days": notice.working_days, "counter_notice_required": bool(notice.breaches),
                "breaches": notice.breaches, "decision": notice.decision, "objectives": notice.objectives,
                "reasons": notice.reasons, "hearing_on": notice.hearing_on, "documents": documents}
    application = application_of(case)
    assert application is not None
    return {"reference": case.reference, "type": "application", "kind": application.kind, "state": case.state,
            "received_on": application.received_on, "respond_by": application.respond_by, "working_days": None,
            "counter_notice_required": False, "breaches": [], "decision": application.response,
            "objectives": application.objectives, "reasons": application.reasons, "hearing_on": None,
            "documents": documents}


@blp.post("/notices")
@blp.arguments(NoticeInSchema, location="json")
@blp.response(201, ResponseSchema)
@blp.alt_response(422, schema="ApiError", description="The notice has mistakes or is out of time: nothing was created")
def create_notice(raw: dict[str, Any]) -> ResponseReturnValue:
    """Send a copy of a temporary event notice; received today (UK date)."""
    _allowed()
    today = uk_today()
    notice, errors = read_notice(raw, today)
    if notice is None:
        return _invalid(errors)
    try:
        case = give_notice(notice, today, source="api", actor=current_api_client().actor)
    except NoticeRefused as refused:
        raise ApiProblem(422, refused.code, refused.message) from None
    db.session.commit()
    return _response(case), 201


@blp.post("/notices/check")
@blp.arguments(NoticeInSchema, location="json")
@blp.response(200, ResponseSchema)
def check_notice(raw: dict[str, Any]) -> ResponseReturnValue:
    """Work out, without creating anything, whether a notice would be standard, late or out of time."""
    _allowed()
    today = uk_today()
    notice, errors = read_notice(raw, today)
    if notice is None:
        return _invalid(errors)
    seen = preview(notice, today)
    return {"kind": seen.timing.kind.value, "working_days": seen.timing.working_days, "received_on": today,
            "respond_by": seen.objection_due, "counter_notice_required": bool(seen.breaches),
            "breaches": [{"code": b.code, "message": b.message} for b in seen.breaches], "state": "",
            "reference": "", "type": "ten"}


@blp.post("/applications")
@blp.arguments(ApplicationInSchema, location="json")
@blp.response(201, ResponseSchema)
@blp.alt_response(422, schema="ApiError", description="The application has mistakes: nothing was created")
def create_application(raw: dict[str, Any]) -> ResponseReturnValue:
    """Send a premises or personal licence application on which the police are consulted."""
    _allowed()
    values, errors = read_application(raw, uk_today())
    if values is None:
        return _invalid(errors)
    case = open_application(values, source="api", actor=current_api_client().actor)
    db.session.commit()
    return _response(case), 201


def _case(reference: str) -> Any:
    case = find_case(reference)
    if case is None or case.service_key != SERVICE_KEY:
        raise ApiProblem(404, "not_found", _("There is no licensing case with that reference."))
    return case


@blp.get("/cases/<reference>")
@blp.response(200, ResponseSchema)
def read_response(reference: str) -> dict[str, Any]:
    """The police response to a notice or application."""
    _allowed()
    return _response(_case(reference))


@blp.post("/cases/<reference>/outcome")
@blp.arguments(OutcomeSchema, location="json")
@blp.response(200, ResponseSchema)
def report_outcome(body: dict[str, Any], reference: str) -> dict[str, Any]:
    """Report the licensing authority's decision on an application."""
    _allowed()
    case = _case(reference)
    application = application_of(case)
    if application is None:
        raise ApiProblem(409, "not_an_application", _("Outcomes are reported for applications only."))
    client = current_api_client()
    try:
        record_outcome(case, application, body["outcome"], actor=client.actor, roles=client.roles)
    except TransitionRefused as refused:
        raise ApiProblem(409, refused.code, refused.message) from None
    db.session.commit()
    return _response(case)
