"""Marshmallow schemas for the core API."""

from __future__ import annotations

from marshmallow import Schema, fields


class ForceSchema(Schema):
    """A police force on the platform."""

    slug = fields.String(required=True, metadata={"description": "URL identifier, e.g. dorset"})
    name = fields.String(required=True)
    code = fields.String(required=True, metadata={"description": "Three-letter code used in case references"})
    area = fields.String()
    postcode_areas = fields.List(fields.String())
    languages = fields.List(fields.String())
    url = fields.String(metadata={"description": "The force's home page on this platform"})


class ServiceSchema(Schema):
    """A service a force has switched on."""

    key = fields.String(required=True)
    name = fields.String(required=True)
    summary = fields.String()
    version = fields.String()
    settings = fields.Dict(metadata={"description": "The force's effective settings (defaults filled in)"})


class ForceQuerySchema(Schema):
    """Filters for the list of forces."""

    q = fields.String(metadata={"description": "Force name, area or postcode (e.g. BH1 1AA)"})
