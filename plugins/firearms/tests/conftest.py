"""The platform's test fixtures (app on the backend under test, clean tables) for the firearms plugin's tests."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import _clean_tables, _no_escaped_markup, _schema, app, backend_urls, ctx, make_force  # noqa: F401

TODAY = date(2026, 3, 15)


@pytest.fixture
def firearms_forces(app):  # noqa: F811 - the app fixture imported above
    """Two forces, Alpha and Bravo, with the firearms service switched on."""
    with app.app_context():
        alpha = make_force("alpha", "ALP", {"firearms": True})
        bravo = make_force("bravo", "BRV", {"firearms": True})
    return alpha, bravo
