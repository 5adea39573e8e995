"""The back-office API blueprint (/api/v1) with the routes of every endpoint module on it."""

from __future__ import annotations

# Importing each module adds its routes to blp (cases.py declares blp and the case endpoints).
from frontcounter.api import booking_endpoints, payment_endpoints  # noqa: F401
from frontcounter.api.cases import blp

__all__ = ["blp"]
