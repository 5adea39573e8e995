"""Force admins read (never edit) the audit log."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("audit", __name__)
