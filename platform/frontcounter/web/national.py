"""National pages: find your police force, accessibility statement."""

from __future__ import annotations

import re

from flask import Blueprint, render_template, request

from frontcounter.extensions import db
from frontcounter.tenancy.models import Tenant

bp = Blueprint("national", __name__)

_OUTWARD = re.compile(r"^([A-Z]{1,2})[0-9]")


def postcode_area(text: str) -> str | None:
    """Return the postcode area of a full or partial postcode ('bh1 1aa' -> 'BH'), or None."""
    cleaned = text.strip().upper().replace(" ", "")
    match = _OUTWARD.match(cleaned)
    if match:
        return match.group(1)
    return cleaned if cleaned.isalpha() and len(cleaned) <= 2 else None


def find_forces(query: str) -> list[Tenant]:
    """Return forces whose name or area matches `query`, or that cover its postcode area."""
    forces = list(db.session.scalars(db.select(Tenant).order_by(Tenant.name)))
    q = query.strip().lower()
    if not q:
        return forces
    area = postcode_area(query)
    by_postcode = [t for t in forces if area and area in (t.postcode_areas or [])]
    by_name = [
        t for t in forces
        if q == t.slug or any(q in (text or "").lower() for text in (t.name, t.area, t.name_cy, t.area_cy))
    ]
    return by_postcode + [t for t in by_name if t not in by_postcode]


@bp.get("/")
def landing() -> str:
    """The national landing page: find your force by name or postcode."""
    query = request.args.get("q", "")
    forces = find_forces(query) if query else find_forces("")
    return render_template("national/landing.html", forces=forces, query=query, searched=bool(query.strip()))


@bp.get("/accessibility")
def accessibility() -> str:
    """The accessibility statement."""
    return render_template("national/accessibility.html")
