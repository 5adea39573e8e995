"""Subject access settings per force, with the statutory deadline as default."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class SubjectAccessSettings(Schema):
    """Response deadline and how long to wait for identity evidence."""

    deadline_days = fields.Integer(
        load_default=30,
        strict=True,
        validate=validate.Range(min=28, max=31),
        metadata={"label": "Days to respond", "hint": "One calendar month; 28 for a fixed clock"},
    )
    identity_wait_days = fields.Integer(
        load_default=28,
        strict=True,
        validate=validate.Range(min=7, max=90),
        metadata={"label": "Days to wait for identity evidence before closing"},
    )
