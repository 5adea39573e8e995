"""The offers API for a force's camera or ticket office: POST /api/v1/speed-awareness/offers.

The body is a JSON list of offers with the CSV's columns as keys (dates as YYYY-MM-DD or DD/MM/YYYY,
numbers and yes/no as JSON values or text). Each item is checked exactly as a CSV row is
(csv_import.check_rows); items are numbered from 1. All or nothing: any invalid item answers 422 with
every reason per item and creates nothing; otherwise 201 with the references created. Ineligible drivers
are never created and are listed in the 201 answer, as the CSV report lists them.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from frontcounter.api.problems import ApiProblem
from frontcounter.api.token_auth import TokenAuthBlueprint, current_api_client
from frontcounter.extensions import db
from frontcounter.tenancy.services import is_enabled
from frontcounter_speed_awareness.csv_import import INVALID, ImportReport, RejectedRow, check_rows
from frontcounter_speed_awareness.offer_rows import ALL_FIELDS
from frontcounter_speed_awareness.offers import (
    SERVICE_KEY,
    OffersNotImported,
    existing_references,
    import_offers,
    previous_course_dates,
)
from frontcounter_speed_awareness.rules import uk_today
from marshmallow import INCLUDE, Schema, fields

MAX_OFFERS = 1000
API_ROLES = frozenset({"caseworker", "supervisor", "force_admin"})

blp = TokenAuthBlueprint(
    "speed_awareness_api",
    __name__,
    service_key="speed_awareness",
    url_prefix="/api/v1/speed-awareness",
    description="Speed awareness: load course offers from a camera or ticket office",
)


class OfferInSchema(Schema):
    """One offer as the ticket office sends it (checked row by row after loading, like a CSV row)."""

    class Meta:
        unknown = INCLUDE

    reference = fields.Raw(metadata={"description": "Required. Up to 20 letters, digits and hyphens"})
    pin = fields.Raw(metadata={"description": "Required. 4 to 8 digits, given to the driver in the letter"})
    driver_name = fields.Raw(metadata={"description": "Required"})
    email = fields.Raw(metadata={"description": "Optional"})
    licence_number = fields.Raw(metadata={"description": "Required. GB (16 characters) or NI (8 digits)"})
    offence_date = fields.Raw(metadata={"description": "Required. YYYY-MM-DD or DD/MM/YYYY"})
    location = fields.Raw(metadata={"description": "Required"})
    limit_mph = fields.Raw(metadata={"description": "Required"})
    recorded_mph = fields.Raw(metadata={"description": "Required"})
    course_type = fields.Raw(metadata={"description": "Required. e.g. national_speed_awareness or NSAC"})
    admission_date = fields.Raw(metadata={"description": "Required"})
    book_by = fields.Raw(metadata={"description": "Required"})
    complete_by = fields.Raw(metadata={"description": "Required"})
    vehicle = fields.Raw(metadata={"description": "car, van, motorcycle, lorry, bus or other (default car)"})
    motorway = fields.Raw(metadata={"description": "yes or no (default no)"})
    last_course_date = fields.Raw(metadata={"description": "When the national record shows a previous course"})


class RowProblemSchema(Schema):
    """An item that was not created: its number in the list, reference, kind and every reason."""

    row = fields.Integer()
    reference = fields.String()
    kind = fields.String(metadata={"description": "invalid (fix and send again) or ineligible (prosecute)"})
    reasons = fields.List(fields.String())


class ImportResultSchema(Schema):
    """The offers created and the ineligible drivers not created."""

    created = fields.List(fields.String(), metadata={"description": "References of the offers created"})
    ineligible = fields.List(fields.Nested(RowProblemSchema))


class RowsRefusedSchema(Schema):
    """Nothing was created: every invalid item with its reasons."""

    code = fields.Integer()
    status = fields.String()
    message = fields.String()
    reason = fields.String(metadata={"description": "invalid_rows, or bad_count"})
    rows = fields.List(fields.Nested(RowProblemSchema))
    errors = fields.Dict(metadata={"description": "Why the body could not be read as a list of offers"})


def _rejected(row: RejectedRow) -> dict[str, Any]:
    return {"row": row.row_number, "reference": row.reference, "kind": row.kind, "reasons": list(row.reasons)}


def check_offers(items: list[dict[str, Any]]) -> ImportReport:
    """Check the posted offers as CSV rows (numbered from 1) for the force in scope; nothing is created.

    An item with keys that are not offer fields is invalid, with its other reasons too.
    """
    report = ImportReport()
    rows = [(n, {k: v for k, v in item.items() if k in ALL_FIELDS}) for n, item in enumerate(items, start=1)]
    check_rows(
        rows, report, today=uk_today(), existing_refs=existing_references, previous_courses=previous_course_dates
    )
    unknown = {n: sorted(k for k in item if k not in ALL_FIELDS) for n, item in enumerate(items, start=1)}
    unknown = {n: keys for n, keys in unknown.items() if keys}
    if not unknown:
        return report
    rejected = {r.row_number: r for r in report.rejected}
    for row in [r for r in report.accepted if r.row_number in unknown]:
        report.accepted.remove(row)
        rejected[row.row_number] = RejectedRow(row.row_number, row.reference, INVALID, ())
    for number, keys in unknown.items():
        found = rejected[number]
        why = _("fields not recognised: %(names)s", names=", ".join(keys))
        rejected[number] = RejectedRow(number, found.reference, INVALID, (*found.reasons, why))
    report.rejected = [rejected[n] for n in sorted(rejected)]
    return report


def _refuse_rows(report: ImportReport) -> ResponseReturnValue:
    body = {
        "code": 422,
        "status": "Unprocessable Entity",
        "message": _("Some offers have mistakes, so none were added. Correct them and send all the offers again."),
        "reason": "invalid_rows",
        "rows": [_rejected(r) for r in report.invalid],
    }
    return jsonify(RowsRefusedSchema().dump(body)), 422


@blp.post("/offers")
@blp.arguments(
    OfferInSchema(many=True),
    location="json",
    description="A list of offers; all are created or none",
)
@blp.doc(requestBody={"content": {"application/json": {"schema": {
    "type": "array", "minItems": 1, "maxItems": MAX_OFFERS, "items": OfferInSchema}}}})
@blp.response(201, ImportResultSchema)
@blp.alt_response(422, schema=RowsRefusedSchema, description="An offer has mistakes: none were created")
@blp.alt_response(403, schema="ApiError", description="The token's roles may not add offers")
def create_offers(items: list[dict[str, Any]]) -> ResponseReturnValue:
    """Add course offers (all or none); ineligible drivers are reported and not created."""
    client = current_api_client()
    if not is_enabled(SERVICE_KEY):
        raise ApiProblem(404, "not_found", _("This force does not offer driver courses."))
    if client.roles.isdisjoint(API_ROLES):
        raise ApiProblem(403, "forbidden", _("This API token may not add offers: it needs the caseworker role."))
    if not 1 <= len(items) <= MAX_OFFERS:
        raise ApiProblem(422, "bad_count", _("Send from 1 to %(max)d offers at a time.", max=MAX_OFFERS))
    report = check_offers(items)
    if report.invalid:
        return _refuse_rows(report)
    try:
        offers = import_offers(report, strict=True, source="api", actor=client.actor)
        db.session.commit()
    except OffersNotImported as refused:
        raise ApiProblem(409, "conflict", refused.message) from None
    return {"created": [o.reference for o in offers], "ineligible": [_rejected(r) for r in report.ineligible]}
