"""The sample plugin's hook implementations: nothing in the core names it."""

from __future__ import annotations

from pathlib import Path

from frontcounter.plugins import Service, hookimpl

from frontcounter_sample import views
from frontcounter_sample.settings import SampleSettings

CALLS: list[tuple[str, str]] = []


@hookimpl
def register_services() -> list[Service]:
    """One service: parking permits."""
    return [
        Service(
            key="sample",
            code="SM",
            name="Parking permits",
            summary="Apply for a parking permit.",
            settings_schema=SampleSettings,
            public_blueprint=views.public,
            staff_blueprint=views.staff,
            start_endpoint="sample.start",
            allows_guest=True,
        )
    ]


@hookimpl
def migration_dirs() -> list[str]:
    """The sample plugin's own Alembic branch."""
    return [str(Path(__file__).parent / "migrations")]


@hookimpl
def staff_dashboard_links(tenant):
    """A link to the permits list on the staff dashboard."""
    CALLS.append(("staff_dashboard_links", tenant.slug))
    return [{"text": "Parking permits", "href": f"/{tenant.slug}/staff/sample/"}]


@hookimpl
def seed_demo_data(tenant):
    """Record the call so a test can see which forces it ran for."""
    CALLS.append(("seed_demo_data", tenant.slug))
