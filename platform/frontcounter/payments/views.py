"""Web pages for payments (public and staff): the blueprint with every page module's routes on it."""

from __future__ import annotations

# The pages live in modules named for who uses them; importing them adds their routes to bp.
from frontcounter.payments import payer_views, staff_views, webhook_views  # noqa: F401
from frontcounter.payments.blueprint import bp

__all__ = ["bp"]
