"""The platform's fixtures for the subject access plugin's tests, and two forces with the service on."""

from __future__ import annotations

import pytest

from tests.conftest import (  # noqa: F401
    _clean_tables,
    _schema,
    app,
    backend_urls,
    client,
    ctx,
    live_url,
    make_force,
    page,
)


@pytest.fixture
def sar_forces(app):  # noqa: F811 - the app fixture imported above
    """Two forces, Alpha and Bravo, taking subject access requests."""
    with app.app_context():
        alpha = make_force("alpha", "ALP", {"subject_access": True})
        bravo = make_force("bravo", "BRV", {"subject_access": True})
    return alpha, bravo
