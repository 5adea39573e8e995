"""Hook implementations for the alcohol licensing plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from frontcounter.plugins import Service, hookimpl
from frontcounter_liquor import jobs, models  # noqa: F401 - models: the plugin's tables
from frontcounter_liquor.authorities import SERVICE_KEY
from frontcounter_liquor.settings import LiquorSettings
from frontcounter_liquor.views_public import bp as public_blueprint
from frontcounter_liquor.views_staff import staff as staff_blueprint
from frontcounter_liquor.workflow import WORKFLOW


@hookimpl
def register_services() -> list[Service]:
    """Temporary event notices and licence applications needing police consultation."""
    return [
        Service(
            key=SERVICE_KEY,
            code="LQ",
            billable="paid_application",
            name=_l("Alcohol licensing"),
            summary=_l("Send the police a temporary event notice or a licence application."),
            settings_schema=LiquorSettings,
            workflow=WORKFLOW,
            public_blueprint=public_blueprint,
            staff_blueprint=staff_blueprint,
            start_endpoint="liquor.start",
            allows_guest=True,
        )
    ]


@hookimpl
def migration_dirs() -> list[str]:
    """The plugin's Alembic branch."""
    return [str(Path(__file__).parent / "migrations")]


@hookimpl
def periodic_tasks() -> list[Any]:
    """Close objection and representation windows that ended with no police decision."""
    return jobs.periodic_tasks()


@hookimpl
def register_api(api: Any) -> None:
    """/api/v1/liquor: licensing authorities send notices and applications and read the police response."""
    from frontcounter_liquor.api import blp

    api.register_blueprint(blp)


@hookimpl
def staff_dashboard_links(tenant: Any) -> list[dict[str, Any]]:
    """The licensing team's queue on the staff dashboard."""
    from flask import url_for

    return [{
        "text": _l("Alcohol licensing: notices and applications"),
        "href": url_for("liquor_staff.queue", force=tenant.slug),
        "hint": _l("Temporary event notices by objection deadline, and licence consultations"),
    }]


@hookimpl
def seed_demo_data(tenant: Any) -> list[str]:
    """Notices and applications in every state, for the force's licensing authorities."""
    from frontcounter_liquor.demo import seed

    return seed(tenant)


@hookimpl
def person_data(tenant: Any, person: Any) -> list[Any]:
    """Every notice and application about the person."""
    from frontcounter_liquor.dataprotection import person_data as find

    return find(person)


@hookimpl
def erase_person(tenant: Any, person: Any, reason: str) -> Any:
    """Anonymise the person on their notices and applications."""
    from frontcounter_liquor.dataprotection import erase_person as erase

    return erase(person)


@hookimpl
def retention_policies(tenant: Any) -> list[Any]:
    """Notices kept to the end of the second year after the event; applications 6 years."""
    from frontcounter_liquor.dataprotection import retention_policies as policies

    return policies()
