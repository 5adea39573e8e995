"""API: a force's statements (GET /api/v1/statements, /api/v1/statements/<YYYY-MM>) for its API tokens."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from flask_babel import gettext as _
from marshmallow import Schema, fields

from frontcounter.api.paging import paged
from frontcounter.api.problems import ApiErrorSchema, ApiProblem
from frontcounter.api.token_auth import TokenAuthBlueprint
from frontcounter.billing import statements
from frontcounter.billing.labels import line_label
from frontcounter.billing.models import Statement
from frontcounter.billing.months import parse_month

blp = TokenAuthBlueprint("statements", __name__, url_prefix="/api/v1",
                         description="The force's monthly statements from the platform (amounts in pence)")


class StatementLineSchema(Schema):
    """One line of a statement, as issued."""

    kind = fields.String(required=True, metadata={"description": "transaction, refund, joining_fee or credit"})
    service = fields.String(metadata={"description": "The service key (empty for the joining fee and credits)"})
    description = fields.String(required=True)
    quantity = fields.Integer(strict=True, required=True)
    unit_pence = fields.Integer(strict=True, required=True)
    net_pence = fields.Integer(strict=True, required=True)
    vat_rate_percent = fields.Float(required=True)
    vat_pence = fields.Integer(strict=True, required=True)
    total_pence = fields.Integer(strict=True, required=True)


class StatementSummarySchema(Schema):
    """A statement's totals."""

    month = fields.String(required=True, metadata={"description": "YYYY-MM (a calendar month in Europe/London)"})
    number = fields.String(required=True)
    transactions = fields.Integer(strict=True, required=True)
    net_pence = fields.Integer(strict=True, required=True)
    vat_pence = fields.Integer(strict=True, required=True)
    total_pence = fields.Integer(strict=True, required=True)
    issued_at = fields.AwareDateTime(required=True)


class StatementSchema(StatementSummarySchema):
    """A statement with its lines."""

    lines = fields.List(fields.Nested(StatementLineSchema), required=True)


def _summary(row: Statement) -> dict[str, Any]:
    issued = row.issued_at if row.issued_at.tzinfo else row.issued_at.replace(tzinfo=UTC)
    return {"month": row.month, "number": row.number, "transactions": row.transactions, "net_pence": row.net_pence,
            "vat_pence": row.vat_pence, "total_pence": row.total_pence, "issued_at": issued}


@blp.get("/statements")
@blp.response(200, StatementSummarySchema(many=True))
@blp.paginate()
def list_statements(pagination_parameters: Any) -> list[dict[str, Any]]:
    """The force's issued statements, newest first; paginated (X-Pagination header)."""
    rows = paged(statements.statements_query(), Statement.id, pagination_parameters).scalars()
    return [_summary(row) for row in rows]


@blp.get("/statements/<month>")
@blp.response(200, StatementSchema)
@blp.alt_response(404, schema=ApiErrorSchema, description="No statement for that month (reason: not_found), "
                  "or the month is not YYYY-MM (reason: bad_month)")
def get_statement(month: str) -> dict[str, Any]:
    """One statement with its lines, as issued (it never changes)."""
    first = parse_month(month)
    if first is None:
        raise ApiProblem(404, "bad_month", _("Give the month as YYYY-MM, for example 2026-11."))
    row = statements.statement_for(first)
    if row is None:
        raise ApiProblem(404, "not_found", _("There is no statement for %(month)s.", month=month))
    lines = [
        {"kind": line.kind, "service": line.service_key, "description": line_label(line),
         "quantity": line.quantity, "unit_pence": line.unit_pence, "net_pence": line.net_pence,
         "vat_rate_percent": line.vat_basis_points / 100, "vat_pence": line.vat_pence,
         "total_pence": line.total_pence}
        for line in row.lines
    ]
    return {**_summary(row), "lines": lines}


