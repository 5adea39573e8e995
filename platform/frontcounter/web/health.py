"""GET /healthz: the state of the database and the job queue, as JSON."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from sqlalchemy import text
from werkzeug.wrappers import Response

from frontcounter.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Report database and job-queue health; 503 when either is down."""
    from frontcounter.jobs import queue_health

    checks: dict[str, Any] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = {"ok": True, "backend": db.engine.dialect.name}
    except Exception as exc:  # noqa: BLE001 - health reports any failure
        db.session.rollback()
        checks["database"] = {"ok": False, "backend": db.engine.dialect.name, "error": type(exc).__name__}
    checks["jobs"] = queue_health()
    ok = all(c["ok"] for c in checks.values())
    return jsonify({"status": "ok" if ok else "unavailable", **checks}), 200 if ok else 503
