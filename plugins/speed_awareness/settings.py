"""Course settings per force, with the national defaults."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate


class SpeedAwarenessSettings(Schema):
    """Course fee (pence, of which the central charge is national), places and change rules."""

    course_fee_pence = fields.Integer(
        load_default=8000,
        strict=True,
        validate=validate.Range(min=4800, max=20000),
        metadata={"label": _l("Course fee"), "hint": _l("In pence, including the 48.00 central charge")},
    )
    central_charge_pence = fields.Integer(
        load_default=4800,
        strict=True,
        validate=validate.Range(min=0, max=20000),
        metadata={"label": _l("Central cost-recovery charge"), "hint": _l("In pence")},
    )
    venue_places = fields.Integer(
        load_default=24,
        strict=True,
        validate=validate.Range(min=1, max=200),
        metadata={"label": _l("Places per venue session")},
    )
    change_cutoff_hours = fields.Integer(
        load_default=72,
        strict=True,
        validate=validate.Range(min=0, max=720),
        metadata={"label": _l("Hours before a session when changes stop")},
    )
    late_change_fee_pence = fields.Integer(
        load_default=1000,
        strict=True,
        validate=validate.Range(min=0, max=10000),
        metadata={"label": _l("Fee for a late change"), "hint": _l("In pence")},
    )
    max_reschedules = fields.Integer(
        load_default=2,
        strict=True,
        validate=validate.Range(min=0, max=10),
        metadata={"label": _l("Times a driver may change their booking online")},
    )
