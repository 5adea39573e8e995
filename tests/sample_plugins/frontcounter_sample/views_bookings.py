"""The sample service's bookings pages (routes on the sample blueprints)."""

from __future__ import annotations

from frontcounter_sample.views import public, staff  # noqa: F401 - routes are added to these blueprints
