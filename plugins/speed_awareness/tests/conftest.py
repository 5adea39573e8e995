"""The platform's test fixtures (tests/conftest.py) for the course service's own tests, plus two forces
with the service switched on and the service's declarations in place."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import frontcounter_speed_awareness.models  # noqa: E402, F401  (the tables exist before the schema is built)

from tests.conftest import _clean_tables, _no_escaped_markup, _schema, app, backend_urls, ctx, make_force  # noqa: E402, F401


@pytest.fixture
def forces(app):  # noqa: F811 - the app fixture imported above
    """Two forces, Alpha and Bravo, each with the course service switched on."""
    with app.app_context():
        alpha = make_force("alpha", "ALP", {"speed_awareness": True}, postcode_areas=["AL"])
        bravo = make_force("bravo", "BRV", {"speed_awareness": True}, postcode_areas=["BR"])
    return alpha, bravo


@pytest.fixture
def service(app, monkeypatch):  # noqa: F811 - the app fixture imported above
    """The registered service, with its workflow and booking rules (declared here until hooks.py does)."""
    from frontcounter_speed_awareness.sessions import booking_rules
    from frontcounter_speed_awareness.workflow import WORKFLOW

    declared = app.extensions["frontcounter.plugins"].services["speed_awareness"]
    if declared.workflow is None:
        monkeypatch.setattr(declared, "workflow", WORKFLOW)
    if "booking_rules" not in declared.extra:
        monkeypatch.setitem(declared.extra, "booking_rules", booking_rules)
    return declared
