"""The platform's test fixtures (tests/conftest.py) for the licensing plugin, and two forces with the service on
and their licensing authorities in the settings."""

from __future__ import annotations

import frontcounter_liquor.models  # noqa: F401  (the tables exist before the schema is built)
import pytest
from frontcounter.testing import make_force

ALPHA_AUTHORITIES = [
    {"key": "harbour", "name": "Harbour Council", "email": "licensing@harbour.example", "postcodes": ["BH15", "BH14"]},
    {"key": "county", "name": "County Council", "email": "licensing@county.example", "postcodes": ["DT", "BH20"]},
]
BRAVO_AUTHORITIES = [
    {"key": "city", "name": "City Council", "email": "licensing@city.example", "postcodes": ["SO"]},
]
TEAM = "licensing@alpha.police.example"


def set_settings(force, **settings) -> None:
    """Store settings for the liquor service of `force`."""
    from frontcounter.extensions import db
    from frontcounter.tenancy import TenantService, tenant_context

    with tenant_context(force):
        row = db.session.scalar(db.select(TenantService).filter_by(service_key="liquor"))
        row.settings = {**row.settings, **settings}
        db.session.commit()


@pytest.fixture
def forces(app):
    """Alpha (BH and DT, two authorities) and Bravo (SO, one), each with the licensing service on."""
    with app.app_context():
        alpha = make_force("alpha", "ALP", {"liquor": True}, postcode_areas=["BH", "DT"])
        bravo = make_force("bravo", "BRV", {"liquor": True}, postcode_areas=["SO"])
        set_settings(alpha, authorities=ALPHA_AUTHORITIES, licensing_team_email=TEAM)
        set_settings(bravo, authorities=BRAVO_AUTHORITIES)
    return alpha, bravo
