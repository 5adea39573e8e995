"""Web pages for bookings (public and staff)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("bookings", __name__)
