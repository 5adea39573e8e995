"""Hook implementations for the lost and found property plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from frontcounter.plugins import Service, hookimpl
from frontcounter_lost_property import jobs, models  # noqa: F401 - models: the plugin's tables
from frontcounter_lost_property.booking_rules import RULES
from frontcounter_lost_property.settings import LostPropertySettings
from frontcounter_lost_property.views_public import bp as public_blueprint
from frontcounter_lost_property.views_staff import staff as staff_blueprint
from frontcounter_lost_property.workflow import SERVICE_KEY, WORKFLOW


@hookimpl
def register_services() -> list[Service]:
    """Report found property and claim items handed in to the police."""
    return [
        Service(
            key=SERVICE_KEY,
            code="LP",
            billable="request",
            name=_l("Lost and found property"),
            summary=_l("Report an item you found or claim one handed in to the police."),
            settings_schema=LostPropertySettings,
            workflow=WORKFLOW,
            booking_rules=RULES,
            public_blueprint=public_blueprint,
            staff_blueprint=staff_blueprint,
            start_endpoint="lost_property.start",
            allows_guest=True,
        )
    ]


@hookimpl
def case_transitioned(case: Any, transition: str, from_state: str | None) -> None:
    """An accepted claim lapses when staff put the uncollected item back in store."""
    if case.service_key == SERVICE_KEY and transition == "claim_lapsed":
        from frontcounter_lost_property.claims import claim_lapsed

        claim_lapsed(case)


@hookimpl
def migration_dirs() -> list[str]:
    """The plugin's Alembic branch."""
    return [str(Path(__file__).parent / "migrations")]


@hookimpl
def periodic_tasks() -> list[Any]:
    """Expire lost reports; tell finders when they may claim."""
    return jobs.periodic_tasks()


@hookimpl
def register_api(api: Any) -> None:
    """/api/v1/lost-property: list and update items, read matches."""
    from frontcounter_lost_property.api import blp

    api.register_blueprint(blp)


@hookimpl
def staff_dashboard_links(tenant: Any) -> list[dict[str, Any]]:
    """The lost property register and queues on the staff dashboard."""
    from flask import url_for

    return [{
        "text": _l("Lost and found property"),
        "href": url_for("lost_property_staff.dashboard", force=tenant.slug),
        "hint": _l("Items in store, matches, claims, disposals and the Police Property Act Fund"),
    }]


@hookimpl
def seed_demo_data(tenant: Any) -> list[str]:
    """Stations with hand-in and collection times, items of every kind and age, and lost reports matching some."""
    from frontcounter_lost_property.demo import seed

    return seed(tenant)


@hookimpl
def person_data(tenant: Any, person: Any) -> list[Any]:
    """Found items the person handed in, lost reports they made and claims they sent."""
    from frontcounter_lost_property.privacy import person_data as find

    return find(person)


@hookimpl
def erase_person(tenant: Any, person: Any, reason: str) -> Any:
    """Anonymise the person in finders, lost reports and claims (the property record stays for the register)."""
    from frontcounter_lost_property.privacy import erase_person as erase

    return erase(person, reason)


@hookimpl
def retention_policies(tenant: Any) -> list[Any]:
    """Personal details of finished items and closed reports are anonymised after the service's period."""
    from frontcounter_lost_property.privacy import retention_policies as policies

    return policies()
