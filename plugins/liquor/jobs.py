"""Periodic work: windows that ended with no police decision become "no objection" / "no representation"."""

from __future__ import annotations

from datetime import timedelta

from frontcounter.calendar import uk_today
from frontcounter.extensions import db
from frontcounter.jobs.schedule import PeriodicTask
from frontcounter.tenancy import Tenant, platform_wide, tenant_context
from frontcounter.tenancy.services import is_enabled


def close_windows() -> int:
    """In every force with the service on, close the windows that ended before today; return how many."""
    from frontcounter_liquor.applications import close_consultation
    from frontcounter_liquor.authorities import SERVICE_KEY
    from frontcounter_liquor.decisions import close_window
    from frontcounter_liquor.queries import applications_past_window, notices_past_window

    with platform_wide("the licensing windows of every force"):
        tenants = db.session.scalars(db.select(Tenant)).all()
    closed = 0
    for tenant in tenants:
        with tenant_context(tenant):
            if not is_enabled(SERVICE_KEY):
                continue
            today = uk_today()
            for notice, case in notices_past_window(today):
                close_window(case, notice)
                closed += 1
            for application, case in applications_past_window(today):
                close_consultation(case, application)
                closed += 1
            db.session.commit()
    return closed


def periodic_tasks() -> list[PeriodicTask]:
    """The licensing windows task, every 15 minutes."""
    return [PeriodicTask("liquor-windows", close_windows, timedelta(minutes=15))]
