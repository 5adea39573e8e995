"""Web pages for payments (public and staff)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("payments", __name__)

# The pages live in modules named for who uses them; each adds its routes to bp.
from frontcounter.payments import payer_views, staff_views, webhook_views  # noqa: E402, F401
