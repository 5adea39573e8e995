"""The sample service's settings schema."""

from frontcounter.plugins.fields import Money
from marshmallow import Schema, fields, validate


class SampleSettings(Schema):
    """A fee and a cap, with defaults."""

    permit_fee_pence = Money(load_default=2500, max_pence=10000, metadata={"label": "Permit fee"})
    max_permits = fields.Integer(
        load_default=3,
        strict=True,
        validate=validate.Range(min=1, max=10),
        metadata={"label": "Most permits per person"},
    )
