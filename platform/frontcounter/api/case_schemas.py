"""Marshmallow schemas for the back-office case endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class CaseQuerySchema(Schema):
    """Filters for the list of a force's cases."""

    service = fields.String(metadata={"description": "Only cases of this service (its key)"})
    state = fields.String(metadata={"description": "Only cases in this workflow state"})
    assignee = fields.String(
        validate=validate.Regexp(r"^(none|[0-9]{1,9})$", error="Give a staff member id, or none."),
        metadata={"description": "Only cases assigned to this staff member id, or `none` for unassigned cases"},
    )
    overdue = fields.Boolean(metadata={"description": "Only cases past their deadline (true) or not (false)"})


class AssigneeSchema(Schema):
    """The member of staff a case is assigned to."""

    id = fields.Integer(strict=True, required=True)
    name = fields.String(required=True)


class CaseSummarySchema(Schema):
    """A case as listed: where it is, whose it is and when it is due."""

    reference = fields.String(required=True, metadata={"description": "e.g. DOR-FA-26-000123"})
    service = fields.String(required=True, metadata={"description": "The service key"})
    state = fields.String(required=True, metadata={"description": "The workflow state"})
    state_label = fields.String(required=True, metadata={"description": "The state as the public sees it"})
    applicant_name = fields.String()
    applicant_email = fields.String()
    assignee = fields.Nested(AssigneeSchema, allow_none=True)
    deadline_at = fields.AwareDateTime(allow_none=True, metadata={"description": "When staff must act by (UTC)"})
    overdue = fields.Boolean(required=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class CaseEventSchema(Schema):
    """One entry in a case's append-only history."""

    at = fields.AwareDateTime(required=True)
    actor = fields.String(required=True)
    transition = fields.String(required=True)
    from_state = fields.String(allow_none=True)
    to_state = fields.String(required=True)
    note = fields.String()
    public = fields.Boolean(metadata={"description": "Whether the applicant sees this entry"})


class CaseActionSchema(Schema):
    """A transition the caller's token may fire from the case's current state."""

    transition = fields.String(required=True)
    label = fields.String(required=True)
    needs_note = fields.Boolean(required=True)
    refusal = fields.String(allow_none=True, metadata={"description": "Why it cannot happen now (a guard), or null"})


class CaseDetailSchema(CaseSummarySchema):
    """A case with its data, its history and the transitions the caller may fire."""

    data = fields.Dict(metadata={"description": "The service's own answers for this case"})
    history = fields.List(fields.Nested(CaseEventSchema), required=True)
    actions = fields.List(fields.Nested(CaseActionSchema), required=True)


class TransitionRequestSchema(Schema):
    """Fire one transition on a case."""

    transition = fields.String(
        required=True, validate=validate.Length(min=1, max=64), metadata={"description": "e.g. start_check"}
    )
    note = fields.String(
        load_default="",
        validate=validate.Length(max=10000),
        metadata={"description": "Why (required by some transitions, e.g. a refusal)"},
    )
