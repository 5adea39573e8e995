"""API: police forces and the services each has switched on."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_smorest import Blueprint, abort

from frontcounter.api.schemas import ForceQuerySchema, ForceSchema, ServiceSchema
from frontcounter.extensions import db
from frontcounter.tenancy.context import tenant_context
from frontcounter.tenancy.models import Tenant
from frontcounter.tenancy.services import enabled_services, service_settings
from frontcounter.web.national import find_forces

blp = Blueprint("forces", __name__, url_prefix="/api/forces", description="Police forces and their services")


def _force(t: Tenant) -> dict[str, Any]:
    return {
        "slug": t.slug,
        "name": t.name,
        "code": t.code,
        "area": t.area,
        "postcode_areas": t.postcode_areas,
        "languages": t.languages,
        "url": url_for("force.home", force=t.slug, _external=True),
    }


def _get(slug: str) -> Tenant:
    tenant = db.session.scalar(db.select(Tenant).filter_by(slug=slug))
    if tenant is None:
        abort(404, message=_("No police force called %(slug)s.", slug=repr(slug)))
    return tenant


@blp.get("/")
@blp.arguments(ForceQuerySchema, location="query")
@blp.response(200, ForceSchema(many=True))
def list_forces(args: dict[str, Any]) -> list[dict[str, Any]]:
    """List police forces, optionally filtered by name, area or postcode."""
    return [_force(t) for t in find_forces(args.get("q", ""))]


@blp.get("/<slug>")
@blp.response(200, ForceSchema)
def get_force(slug: str) -> dict[str, Any]:
    """One police force."""
    return _force(_get(slug))


@blp.get("/<slug>/services")
@blp.response(200, ServiceSchema(many=True))
def force_services(slug: str) -> list[dict[str, Any]]:
    """The services a force has switched on, with its settings for each."""
    with tenant_context(_get(slug)):
        return [
            {
                "key": s.key,
                "name": str(s.name),
                "summary": str(s.summary),
                "version": s.version,
                "settings": service_settings(s.key),
            }
            for s in enabled_services()
        ]
