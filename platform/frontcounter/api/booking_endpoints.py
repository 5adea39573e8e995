"""Back-office API: the force's slots and bookings (read-only), on the back-office blueprint."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import contains_eager

from frontcounter.api.booking_schemas import BookingQuerySchema, BookingSchema, SlotQuerySchema, SlotSchema
from frontcounter.api.cases import blp, requested_services, utc
from frontcounter.api.paging import paged
from frontcounter.api.problems import ApiErrorSchema
from frontcounter.api.token_auth import current_api_client
from frontcounter.bookings.models import Booking, Slot
from frontcounter.cases.access import may_use_service
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.tenancy.services import enabled_service_keys


def _slot(slot: Slot) -> dict[str, Any]:
    return {
        "id": slot.id,
        "service": slot.service_key,
        "kind": slot.kind,
        "starts_at": utc(slot.starts_at),
        "ends_at": utc(slot.ends_at),
        "location": slot.location,
        "capacity": slot.capacity,
        "taken": slot.taken,
        "places_left": slot.places_left,
        "cancelled_at": utc(slot.cancelled_at),
        "cancel_reason": slot.cancel_reason,
    }


def _booking(booking: Booking, reference: str | None) -> dict[str, Any]:
    return {
        "id": booking.id,
        "state": booking.state,
        "case": reference,
        "email": booking.email,
        "slot": _slot(booking.slot),
        "hold_expires_at": utc(booking.hold_expires_at),
        "created_at": utc(booking.created_at),
        "confirmed_at": utc(booking.confirmed_at),
        "ended_at": utc(booking.ended_at),
        "ended_by": booking.ended_by,
        "end_reason": booking.end_reason,
        "reschedules": booking.reschedules,
        "rescheduled_from": booking.rescheduled_from_id,
    }


def _slot_filters(args: dict[str, Any]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        Slot.service_key.in_(requested_services(
            args.get("service"), {k for k in enabled_service_keys() if current_api_client().allows(k)}
        ))
    ]
    if "starts_from" in args:
        conditions.append(Slot.starts_at >= args["starts_from"])
    if "starts_before" in args:
        conditions.append(Slot.starts_at < args["starts_before"])
    return conditions


@blp.get("/slots")
@blp.arguments(SlotQuerySchema, location="query")
@blp.response(200, SlotSchema(many=True))
@blp.alt_response(422, schema=ApiErrorSchema, description="A filter is not valid (e.g. a service the force lacks)")
@blp.paginate()
def list_slots(args: dict[str, Any], pagination_parameters: Any) -> list[dict[str, Any]]:
    """List the force's slots (cancelled ones too, unless available=true), soonest first; paginated."""
    conditions = _slot_filters(args)
    if args.get("kind"):
        conditions.append(Slot.kind == args["kind"])
    if args.get("available"):
        conditions += [Slot.cancelled_at.is_(None), Slot.taken < Slot.capacity]
    elif args.get("available") is False:
        conditions.append(Slot.cancelled_at.is_not(None) | (Slot.taken >= Slot.capacity))
    query = db.select(Slot).where(*conditions).order_by(Slot.starts_at, Slot.id)
    return [_slot(slot) for slot in paged(query, Slot.id, pagination_parameters).scalars()]


@blp.get("/bookings")
@blp.arguments(BookingQuerySchema, location="query")
@blp.response(200, BookingSchema(many=True))
@blp.alt_response(422, schema=ApiErrorSchema, description="A filter is not valid (e.g. a service the force lacks)")
@blp.paginate()
def list_bookings(args: dict[str, Any], pagination_parameters: Any) -> list[dict[str, Any]]:
    """List the force's bookings with their slots, by slot start (soonest first); paginated."""
    conditions = _slot_filters(args)
    client = current_api_client()  # bookings carry people's details: only services the token may work
    conditions.append(Slot.service_key.in_(
        [k for k in enabled_service_keys() if client.allows(k) and may_use_service(k, roles=client.roles)]
    ))
    if "slot" in args:
        conditions.append(Booking.slot_id == args["slot"])
    if "state" in args:
        conditions.append(Booking.state == args["state"])
    if "case" in args:
        conditions.append(Case.reference == args["case"])
    query = (
        db.select(Booking, Case.reference)
        .join(Slot, Slot.id == Booking.slot_id)
        .outerjoin(Case, Case.id == Booking.case_id)
        .options(contains_eager(Booking.slot))
        .where(*conditions)
        .order_by(Slot.starts_at, Booking.id)
    )
    return [_booking(booking, reference) for booking, reference in paged(query, Booking.id, pagination_parameters)]
