"""API for force systems: cases, transitions, payments, refunds and bookings (token authentication)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("backoffice", __name__, url_prefix="/api/v1", description="Back-office API for force systems")
