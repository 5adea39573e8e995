"""Hook implementations for the subject access request plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from frontcounter.plugins import Service, hookimpl
from frontcounter_subject_access import models  # noqa: F401 - registers the plugin's tables
from frontcounter_subject_access.settings import SubjectAccessSettings
from frontcounter_subject_access.views_public import bp as public_blueprint
from frontcounter_subject_access.views_staff import staff as staff_blueprint
from frontcounter_subject_access.workflow import SERVICE_KEY, WORKFLOW


@hookimpl
def register_services() -> list[Service]:
    """Ask the force for a copy of the personal data it holds about you."""
    return [
        Service(
            key=SERVICE_KEY,
            code="SR",
            billable="request",
            name=_l("Get a copy of your personal data"),
            summary=_l("Make a subject access request for the information the force holds about you."),
            settings_schema=SubjectAccessSettings,
            workflow=WORKFLOW,
            public_blueprint=public_blueprint,
            staff_blueprint=staff_blueprint,
            start_endpoint="subject_access.start",
            allows_guest=True,
        )
    ]


@hookimpl
def migration_dirs() -> list[str]:
    """The plugin's Alembic branch."""
    return [str(Path(__file__).parent / "migrations")]


@hookimpl
def register_api(api: Any) -> None:
    """POST /api/v1/subject-access/requests and GET .../requests/<reference>."""
    from frontcounter_subject_access.api import blp

    api.register_blueprint(blp)


@hookimpl
def staff_dashboard_links(tenant: Any) -> list[dict[str, Any]]:
    """The request queue, the overdue dashboard and the postal request form."""
    from flask import url_for
    from frontcounter.accounts.auth import has_role

    if not has_role("caseworker", "supervisor"):
        return []
    return [
        {"text": _l("Subject access: requests by days remaining"),
         "href": url_for("subject_access_staff.queue", force=tenant.slug),
         "hint": _l("Identity checks, searches, review and approval")},
        {"text": _l("Subject access: overdue dashboard"),
         "href": url_for("subject_access_staff.dashboard", force=tenant.slug),
         "hint": _l("Due this week, overdue, over three months, and monthly compliance")},
        {"text": _l("Subject access: enter a postal or emailed request"),
         "href": url_for("subject_access_staff.new", force=tenant.slug)},
    ]


@hookimpl
def case_transitioned(case: Any, transition: str, from_state: str | None) -> None:
    """Keep the request's clock and open flag in step with its case."""
    if case.service_key == SERVICE_KEY:
        from frontcounter_subject_access.requests import follow_case

        follow_case(case, transition)


@hookimpl
def periodic_tasks() -> list[Any]:
    """Identity reminders and cancellations; closing responses whose link expired."""
    from frontcounter_subject_access.jobs import periodic_tasks as tasks

    return tasks()


@hookimpl
def person_data(tenant: Any, person: Any) -> list[Any]:
    """The subject access requests the person made."""
    from frontcounter_subject_access.dataprotection import person_data as found

    return found(person)


@hookimpl
def erase_person(tenant: Any, person: Any, reason: str) -> Any:
    """Erase the person's subject access requests."""
    from frontcounter_subject_access.dataprotection import erase_person as erase

    return erase(person)


@hookimpl
def retention_policies(tenant: Any) -> list[Any]:
    """Closed requests are erased two years after closing."""
    from frontcounter_subject_access.dataprotection import policies

    return policies()


@hookimpl
def seed_demo_data(tenant: Any) -> list[str]:
    """Requests in every state, some overdue, some over three months old, with monthly responses."""
    from frontcounter_subject_access.demo import seed

    return seed(tenant)
