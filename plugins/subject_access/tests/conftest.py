"""The platform's fixtures for the subject access plugin's tests, and two forces with the service on."""

from __future__ import annotations

import pytest
from frontcounter.testing import make_force


@pytest.fixture
def sar_forces(app):
    """Two forces, Alpha and Bravo, taking subject access requests."""
    with app.app_context():
        alpha = make_force("alpha", "ALP", {"subject_access": True})
        bravo = make_force("bravo", "BRV", {"subject_access": True})
    return alpha, bravo
