"""The sample service's settings schema."""

from marshmallow import Schema, fields, validate


class SampleSettings(Schema):
    """A fee and a cap, with defaults."""

    permit_fee_pence = fields.Integer(
        load_default=2500,
        strict=True,
        validate=validate.Range(min=0, max=10000),
        metadata={"label": "Permit fee", "hint": "In pence"},
    )
    max_permits = fields.Integer(
        load_default=3,
        strict=True,
        validate=validate.Range(min=1, max=10),
        metadata={"label": "Most permits per person"},
    )
