"""The lost property API for force systems (property store and crime systems), under /api/v1/lost-property:
list and read found items, update where an item is kept and its condition, read its proposed matches.
Tokens are the force's API tokens; errors are ApiError JSON with a stable `reason`."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from frontcounter.api.paging import paged
from frontcounter.api.problems import ApiErrorSchema, ApiProblem
from frontcounter.api.token_auth import TokenAuthBlueprint, current_api_client
from frontcounter.audit import record as audit
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.tenancy.services import is_enabled
from frontcounter_lost_property.categories import ALL_KEYS
from frontcounter_lost_property.matching import matches_of_item
from frontcounter_lost_property.models import FoundItem
from frontcounter_lost_property.staff_queries import item_by_reference
from frontcounter_lost_property.workflow import SERVICE_KEY, WORKFLOW
from marshmallow import Schema, fields, validate

WRITE_ROLES = frozenset({"caseworker", "supervisor", "force_admin"})

blp = TokenAuthBlueprint(
    "lost_property_api", __name__, url_prefix="/api/v1/lost-property", service_key="lost_property",
    description="Lost property: found items in store, their matches to lost reports",
)


class ItemQuerySchema(Schema):
    """Filters for the list of items."""

    station = fields.String(validate=validate.Length(max=300))
    category = fields.String(validate=validate.OneOf(ALL_KEYS))
    state = fields.String(validate=validate.OneOf([s.name for s in WORKFLOW.states]))


class ItemSchema(Schema):
    """One found item."""

    reference = fields.String()
    state = fields.String()
    category = fields.String()
    description = fields.String()
    serial = fields.String()
    found_on = fields.Date()
    found_where = fields.String()
    found_district = fields.String()
    station = fields.String()
    property_reference = fields.String()
    storage_location = fields.String()
    condition = fields.String()
    received_on = fields.Date(allow_none=True)
    register_result = fields.String()


class ItemUpdateSchema(Schema):
    """What a property system may change: where the item is kept and its condition."""

    station = fields.String(validate=validate.Length(min=1, max=300))
    storage_location = fields.String(validate=validate.Length(min=1, max=200))
    condition = fields.String(validate=validate.Length(max=1000))
    property_reference = fields.String(validate=validate.Regexp(r"^[A-Za-z0-9/ -]{1,40}$"))


class MatchSchema(Schema):
    """A proposed, confirmed or dismissed match to a lost report."""

    report_reference = fields.String()
    score = fields.Float()
    serial_match = fields.Boolean()
    status = fields.String()
    category = fields.String()
    description = fields.String()
    lost_from = fields.Date()
    lost_to = fields.Date()


def _guard() -> None:
    if not is_enabled(SERVICE_KEY):
        raise ApiProblem(404, "not_found", _("This force does not offer lost property."))


def _item(reference: str) -> FoundItem:
    _guard()
    found = item_by_reference(reference)
    if found is None:
        raise ApiProblem(404, "not_found", _("There is no found item %(reference)s.", reference=reference))
    return found


def _dump(item: FoundItem) -> dict[str, Any]:
    return {"reference": item.case.reference, "state": item.case.state, **{
        k: getattr(item, k) for k in ("category", "description", "serial", "found_on", "found_where",
                                      "found_district", "station", "property_reference", "storage_location",
                                      "condition", "received_on", "register_result")}}


@blp.get("/items")
@blp.arguments(ItemQuerySchema, location="query")
@blp.response(200, ItemSchema(many=True))
@blp.alt_response(404, schema=ApiErrorSchema, description="The force does not offer lost property")
@blp.paginate()
def list_items(args: dict[str, Any], pagination_parameters: Any) -> list[dict[str, Any]]:
    """The force's found items, oldest first; paginated (X-Pagination header)."""
    _guard()
    query = db.select(FoundItem).join(Case, Case.id == FoundItem.case_id)
    if args.get("station"):
        query = query.where(FoundItem.station == args["station"])
    if args.get("category"):
        query = query.where(FoundItem.category == args["category"])
    if args.get("state"):
        query = query.where(Case.state == args["state"])
    rows = paged(query.order_by(FoundItem.id), FoundItem.id, pagination_parameters).scalars()
    return [_dump(item) for item in rows]


@blp.get("/items/<reference>")
@blp.response(200, ItemSchema)
@blp.alt_response(404, schema=ApiErrorSchema, description="No such item in the token's force")
def get_item(reference: str) -> dict[str, Any]:
    """One found item."""
    return _dump(_item(reference))


@blp.patch("/items/<reference>")
@blp.arguments(ItemUpdateSchema, location="json")
@blp.response(200, ItemSchema)
@blp.alt_response(403, schema=ApiErrorSchema, description="The token's roles may not change items")
@blp.alt_response(404, schema=ApiErrorSchema, description="No such item in the token's force")
@blp.alt_response(409, schema=ApiErrorSchema, description="The item is not in store")
def update_item(changes: dict[str, Any], reference: str) -> dict[str, Any]:
    """Change where an item in store is kept, its property reference or its condition (audited)."""
    client = current_api_client()
    item = _item(reference)
    if client.roles.isdisjoint(WRITE_ROLES):
        raise ApiProblem(403, "forbidden", _("This API token may not change items: it needs the caseworker role."))
    if not changes:
        raise ApiProblem(422, "nothing_to_change", _("Send at least one of station, storage_location, condition, "
                                                     "property_reference."))
    if item.case.state not in ("received", "awaiting_collection"):
        raise ApiProblem(409, "not_in_store", _("Only an item in store can be changed."))
    before = {k: getattr(item, k) for k in changes}
    for key, value in changes.items():
        setattr(item, key, value.strip())
    audit("lost_property.item_updated", target=f"case:{item.case.reference}", actor=client.actor,
          before=before, after=changes)
    db.session.commit()
    return _dump(item)


@blp.get("/items/<reference>/matches")
@blp.response(200, MatchSchema(many=True))
@blp.alt_response(404, schema=ApiErrorSchema, description="No such item in the token's force")
def item_matches(reference: str) -> list[dict[str, Any]]:
    """The lost reports that may be this item's, best first (serial matches first)."""
    return [{"report_reference": m.report.reference, "score": m.score, "serial_match": m.serial_match,
             "status": m.status, "category": m.report.category, "description": m.report.description,
             "lost_from": m.report.lost_from, "lost_to": m.report.lost_to} for m in matches_of_item(_item(reference))]
