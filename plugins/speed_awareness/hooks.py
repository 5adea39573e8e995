"""Hook implementations for the driver education courses plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from frontcounter.plugins import Service, hookimpl
from frontcounter_speed_awareness import jobs, models  # noqa: F401 - models: the plugin's tables
from frontcounter_speed_awareness.offers import SERVICE_KEY, follow_case
from frontcounter_speed_awareness.personal_data import (  # noqa: F401 - hookimpls
    speed_awareness_erase_person,
    speed_awareness_person_data,
    speed_awareness_retention_policies,
)
from frontcounter_speed_awareness.public_booking import speed_awareness_public_case_transitioned  # noqa: F401 - a hookimpl
from frontcounter_speed_awareness.sessions import booking_rules
from frontcounter_speed_awareness.settings import SpeedAwarenessSettings
from frontcounter_speed_awareness.views_public import bp as public_blueprint
from frontcounter_speed_awareness.views_staff import staff as staff_blueprint
from frontcounter_speed_awareness.workflow import WORKFLOW


@hookimpl
def register_services() -> list[Service]:
    """Book and pay for a speed awareness or other driver education course."""
    return [
        Service(
            key=SERVICE_KEY,
            code="SA",
            billable="booking",
            name=_l("Speed awareness and driver courses"),
            summary=_l("Book and pay for a course you have been offered instead of a fixed penalty."),
            settings_schema=SpeedAwarenessSettings,
            workflow=WORKFLOW,
            staff_roles=("caseworker", "supervisor"),  # trainers mark registers on the course pages
            booking_rules=booking_rules,
            public_blueprint=public_blueprint,
            staff_blueprint=staff_blueprint,
            start_endpoint="speed_awareness.start",
            asks_for_account=False,  # the driver's letter has a reference and PIN: no account needed
            kept_when_off=(
                "speed_awareness.manage",
                "speed_awareness.paid",
                "speed_awareness.pay_fee",
                "speed_awareness.cancel",
            ),
        )
    ]


@hookimpl
def periodic_tasks() -> list[Any]:
    """Withdraw offers past their deadlines (retention is declared in retention_policies)."""
    return jobs.periodic_tasks()


@hookimpl
def case_transitioned(case: Any, transition: str, from_state: str | None) -> None:
    """Keep the offer's status in step with its case."""
    if case.service_key == SERVICE_KEY:
        follow_case(case)


@hookimpl
def migration_dirs() -> list[str]:
    """The plugin's Alembic branch."""
    return [str(Path(__file__).parent / "migrations")]


# -- the staff side --------------------------------------------------------------------------------


@hookimpl
def register_api(api: Any) -> None:
    """POST /api/v1/speed-awareness/offers: a ticket office loads offers (all or none)."""
    from frontcounter_speed_awareness.api import blp

    api.register_blueprint(blp)


@hookimpl
def staff_dashboard_links(tenant: Any) -> list[dict[str, Any]]:
    """Offers, sessions and reports of the course service on the staff dashboard."""
    from flask import url_for

    return [
        {
            "text": _l("Speed awareness: offers"),
            "href": url_for("speed_awareness_staff.dashboard", force=tenant.slug),
            "hint": _l("Upload offers, see where each is, and the prosecution queue"),
        },
        {
            "text": _l("Speed awareness: sessions and registers"),
            "href": url_for("speed_awareness_staff.sessions", force=tenant.slug),
        },
        {"text": _l("Speed awareness: reports"), "href": url_for("speed_awareness_staff.report", force=tenant.slug)},
    ]


@hookimpl
def seed_demo_data(tenant: Any) -> list[str]:
    """Venues, a trainer, four weeks of sessions and six offers whose reference, PIN and licence are printed."""
    from frontcounter_speed_awareness.demo import seed

    return seed(tenant)
