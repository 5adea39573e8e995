"""Course settings per force, with the national defaults."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from frontcounter.plugins.fields import Money
from marshmallow import Schema, ValidationError, fields, validate, validates_schema


class SpeedAwarenessSettings(Schema):
    """Course fee (pence, of which the central charge is national), places and change rules."""

    course_fee_pence = Money(
        load_default=8000,
        min_pence=4800,
        max_pence=20000,
        metadata={"label": _l("Course fee"), "hint": _l("Including the central cost-recovery charge")},
    )
    central_charge_pence = Money(
        load_default=4800,
        max_pence=20000,
        metadata={
            "label": _l("Central cost-recovery charge"),
            "hint": _l("The part of the course fee paid to the national scheme"),
        },
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
    late_change_fee_pence = Money(
        load_default=1000,
        max_pence=10000,
        metadata={"label": _l("Fee for a late change")},
    )
    max_reschedules = fields.Integer(
        load_default=2,
        strict=True,
        validate=validate.Range(min=0, max=10),
        metadata={"label": _l("Times a driver may change their booking online")},
    )

    @validates_schema
    def _charge_within_fee(self, data: dict[str, Any], **_kwargs: Any) -> None:
        fee = data.get("course_fee_pence", self.fields["course_fee_pence"].load_default)
        charge = data.get("central_charge_pence", self.fields["central_charge_pence"].load_default)
        if charge > fee:
            raise ValidationError(
                _("The central cost-recovery charge cannot be more than the course fee"), "central_charge_pence"
            )
