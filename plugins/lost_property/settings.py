"""Lost property settings per force, with the national defaults."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate


class LostPropertySettings(Schema):
    """When a finder may claim an item, and how long unclaimed items are kept."""

    finder_claim_days = fields.Integer(
        load_default=28,
        strict=True,
        validate=validate.Range(min=1, max=365),
        metadata={"label": _l("Days before a finder may claim an item")},
    )
    retention_days = fields.Integer(
        load_default=90,
        strict=True,
        validate=validate.Range(min=28, max=730),
        metadata={"label": _l("Days unclaimed items are kept before disposal")},
    )
