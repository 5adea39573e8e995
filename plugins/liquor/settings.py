"""Licensing settings per force, with the statutory periods as defaults, and its local authorities."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

POSTCODE_PREFIX = r"^[A-Z]{1,2}[0-9]{0,2}[A-Z]?$"


class AuthoritySchema(Schema):
    """One licensing authority (a local council) in the force's area and the postcodes it covers."""

    key = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9-]{2,40}$"))
    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    email = fields.Email(required=True)
    postcodes = fields.List(
        fields.String(validate=validate.Regexp(POSTCODE_PREFIX)),
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": "Postcode areas (BH) or districts (BH23) it covers; the longest match wins"},
    )


class LiquorSettings(Schema):
    """Statutory objection windows (working or calendar days), who hears of notices, the fee, the authorities."""

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
    licensing_team_email = fields.String(
        load_default="",
        validate=validate.Regexp(
            r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$", error=_l("Enter an email address, like licensing@force.police.uk")
        ),
        metadata={"label": _l("Email address of the force's licensing team (gets a copy of every notice)")},
    )
    collect_fee = fields.Boolean(
        load_default=False,
        metadata={"label": _l("Collect the temporary event notice fee on the licensing authority's behalf")},
    )
    fee_pence = fields.Integer(
        load_default=2100,
        strict=True,
        validate=validate.Range(min=0, max=100000),
        metadata={"label": _l("Temporary event notice fee in pence")},
    )
    # Not on the settings form (a list): set in tenants/<force>.toml under [[services.liquor.settings.authorities]].
    authorities = fields.List(fields.Nested(AuthoritySchema), load_default=list)
