"""GET /api/docs: the OpenAPI document rendered as an accessible GOV.UK page (no outside scripts)."""

from __future__ import annotations

from flask import Blueprint, render_template

from frontcounter.extensions import api

bp = Blueprint("api_docs", __name__)


@bp.get("/api/docs")
def docs() -> str:
    """Render every API path, method, parameter and response from the OpenAPI document."""
    spec = api.spec.to_dict()
    return render_template("api/docs.html", spec=spec)
