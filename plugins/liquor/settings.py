"""Licensing settings per force, with the statutory periods as defaults."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate


class LiquorSettings(Schema):
    """Statutory objection windows (working or calendar days)."""

    ten_objection_working_days = fields.Integer(
        load_default=3,
        strict=True,
        validate=validate.Range(min=1, max=10),
        metadata={"label": _l("Working days to object to a temporary event notice")},
    )
    premises_representation_days = fields.Integer(
        load_default=28,
        strict=True,
        validate=validate.Range(min=1, max=60),
        metadata={"label": _l("Days to make representations on a premises licence")},
    )
    personal_licence_objection_days = fields.Integer(
        load_default=14,
        strict=True,
        validate=validate.Range(min=1, max=60),
        metadata={"label": _l("Days to object to a personal licence")},
    )
