"""Web pages for payments (public and staff)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("payments", __name__)
