"""Changing a force's stored settings the way an admin page does, for tests of the settings caches."""

from __future__ import annotations

import time
from typing import Any

from frontcounter.extensions import db
from frontcounter.tenancy import Tenant, TenantService, tenant_context


def set_sample_fee(app: Any, slug: str, pence: int) -> None:
    """Set the sample service's permit fee for force `slug` and commit."""
    with app.app_context():
        tenant = db.session.scalar(db.select(Tenant).filter_by(slug=slug))
        with tenant_context(tenant):
            row = db.session.scalar(db.select(TenantService).filter_by(service_key="sample"))
            row.settings = {"permit_fee_pence": pence}
            db.session.commit()


def heard(watch: Any, before: int, timeout: float = 5.0) -> bool:
    """Wait until the settings listener `watch` has heard a change since its serial was `before`."""
    deadline = time.monotonic() + timeout
    while watch.serial == before and time.monotonic() < deadline:
        time.sleep(0.005)
    return watch.serial != before
