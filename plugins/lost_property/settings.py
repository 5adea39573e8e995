"""Lost property settings per force, with the national defaults."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from frontcounter_lost_property.categories import ALL_KEYS, DEFAULT_ACCEPTED
from marshmallow import Schema, ValidationError, fields, validate


def _known_categories(value: str) -> None:
    parts = [p.strip() for p in value.split(",") if p.strip()]
    unknown = [p for p in parts if p not in ALL_KEYS]
    if not parts or unknown:
        raise ValidationError(f"Use one or more of: {', '.join(ALL_KEYS)}")


class LostPropertySettings(Schema):
    """Which items the force takes in, when a finder may claim one, and how long things are kept."""

    accepted_categories = fields.String(
        load_default=",".join(DEFAULT_ACCEPTED),
        validate=_known_categories,
        metadata={
            "label": _l("Kinds of found item the force takes in"),
            "hint": _l("Comma-separated: phone, cash, jewellery, id_documents, bank_cards, suspected_stolen, other"),
        },
    )
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
    lost_report_days = fields.Integer(
        load_default=60,
        strict=True,
        validate=validate.Range(min=7, max=365),
        metadata={"label": _l("Days a lost item report stays open")},
    )
    property_register = fields.String(
        load_default="demo",
        validate=validate.OneOf(["demo", "none"]),
        metadata={"label": _l("National property register to check serial numbers against"),
                  "hint": _l("demo or none")},
    )
