"""Test set-up for the platform's own tests. The backend, the app, clean tables and the helpers come from
the plugin SDK (`frontcounter.testing`, a pytest plugin installed with frontcounter); this file adds the
sample third-party plugin, two forces that run it, and the browser fixtures."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from frontcounter.testing import (  # noqa: F401 - re-exported for tests that import them from here
    PASSWORD,
    add_staff,
    base_config,
    csrf_token,
    link_in,
    mailbox,
    make_force,
    public_account,
    run_jobs,
    staff_sign_in,
    submit,
    totp_code_for,
)

ROOT = Path(__file__).resolve().parents[1]
# The sample plugin is "installed" by putting its dist-info on sys.path: found by entry point, as pip would.
sys.path.insert(0, str(ROOT / "tests" / "sample_plugins"))


@pytest.fixture
def forces(app):
    """Two forces, Alpha and Bravo, each with the sample service switched on."""
    with app.app_context():
        alpha = make_force("alpha", "ALP", {"sample": True}, postcode_areas=["AL"])
        bravo = make_force("bravo", "BRV", {"sample": True}, postcode_areas=["BR"])
    return alpha, bravo
