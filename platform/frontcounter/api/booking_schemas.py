"""Marshmallow schemas for the back-office slot and booking endpoints."""

from __future__ import annotations

from datetime import UTC

from marshmallow import Schema, fields, validate

from frontcounter.bookings.models import BookingState


class StartWindowSchema(Schema):
    """Filters on when a slot starts."""

    starts_from = fields.AwareDateTime(
        data_key="from", default_timezone=UTC, metadata={"description": "Starting at or after (UTC if no zone given)"}
    )
    starts_before = fields.AwareDateTime(
        data_key="to", default_timezone=UTC, metadata={"description": "Starting before (UTC if no zone given)"}
    )


class SlotQuerySchema(StartWindowSchema):
    """Filters for the list of a force's slots."""

    service = fields.String(metadata={"description": "Only slots of this service (its key)"})
    kind = fields.String(metadata={"description": "Only slots of this kind, e.g. appointment"})
    available = fields.Boolean(metadata={"description": "Only slots with a place left and not cancelled (true)"})


class BookingQuerySchema(StartWindowSchema):
    """Filters for the list of a force's bookings."""

    service = fields.String(metadata={"description": "Only bookings of this service (its key)"})
    case = fields.String(metadata={"description": "Only bookings for this case reference"})
    # Query strings are text: a strict Integer would refuse every value, so this one converts.
    slot = fields.Integer(validate=validate.Range(min=1), metadata={"description": "Only bookings on this slot id"})
    state = fields.String(validate=validate.OneOf([s.value for s in BookingState]))


class SlotSchema(Schema):
    """A time a force offers places in."""

    id = fields.Integer(strict=True, required=True)
    service = fields.String(required=True)
    kind = fields.String(required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    location = fields.String()
    capacity = fields.Integer(strict=True, required=True)
    taken = fields.Integer(strict=True, required=True, metadata={"description": "Places held or booked"})
    places_left = fields.Integer(strict=True, required=True)
    cancelled_at = fields.AwareDateTime(allow_none=True)
    cancel_reason = fields.String()


class BookingSchema(Schema):
    """One person's hold or booking of a place on a slot."""

    id = fields.Integer(strict=True, required=True)
    state = fields.String(required=True, metadata={"description": "held, confirmed, cancelled, expired or rescheduled"})
    case = fields.String(allow_none=True, metadata={"description": "The case reference, if any"})
    email = fields.String()
    slot = fields.Nested(SlotSchema, required=True)
    hold_expires_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()
    confirmed_at = fields.AwareDateTime(allow_none=True)
    ended_at = fields.AwareDateTime(allow_none=True)
    ended_by = fields.String()
    end_reason = fields.String()
    reschedules = fields.Integer(strict=True)
    rescheduled_from = fields.Integer(strict=True, allow_none=True, metadata={"description": "The booking it replaced"})
