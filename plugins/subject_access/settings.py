"""Subject access settings per force, with the statutory deadline as default."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate


class SubjectAccessSettings(Schema):
    """Response deadline and how long to wait for identity evidence."""

    deadline_days = fields.Integer(
        load_default=30,
        strict=True,
        validate=validate.Range(min=28, max=31),
        metadata={"label": _l("Days to respond"), "hint": _l("One calendar month; 28 for a fixed clock")},
    )
    identity_wait_days = fields.Integer(
        load_default=28,
        strict=True,
        validate=validate.Range(min=7, max=90),
        metadata={"label": _l("Days to wait for identity evidence before closing")},
    )
