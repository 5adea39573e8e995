"""API errors with a machine-readable reason, in flask-smorest's JSON format plus a `reason` field."""

from __future__ import annotations

from flask import Response, jsonify
from marshmallow import Schema, fields
from werkzeug.http import HTTP_STATUS_CODES

from frontcounter.extensions import db


class ApiErrorSchema(Schema):
    """An API error: the HTTP status (`code`, `status`), a message safe to show, and a stable `reason`."""

    code = fields.Integer(strict=True, required=True, metadata={"description": "The HTTP status code"})
    status = fields.String(required=True, metadata={"description": "The HTTP status name"})
    message = fields.String(metadata={"description": "What went wrong, safe to show to a person"})
    reason = fields.String(
        metadata={
            "description": "Stable machine-readable reason, e.g. token_missing, token_invalid, token_revoked, "
            "wrong_state, guard_failed, forbidden, note_required, unknown_transition, conflict"
        }
    )
    errors = fields.Dict(metadata={"description": "Field errors, when the request did not validate"})


class ApiProblem(Exception):
    """Raise in an API view (or its before_request) to answer with an ApiErrorSchema body."""

    def __init__(self, status: int, reason: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message
        self.headers = headers or {}


def problem_response(problem: ApiProblem) -> Response:
    """Turn an ApiProblem into its JSON response (rolling back anything half-written)."""
    db.session.rollback()
    body = {
        "code": problem.status,
        "status": HTTP_STATUS_CODES.get(problem.status, "Error"),
        "message": problem.message,
        "reason": problem.reason,
    }
    response = jsonify(ApiErrorSchema().dump(body))
    response.status_code = problem.status
    response.headers.update(problem.headers)
    return response
