"""The payments pages' blueprint: payer_views, staff_views and webhook_views add their routes to it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("payments", __name__)
