"""Hook implementations for the firearms licensing plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from frontcounter.plugins import Service, hookimpl
from frontcounter_firearms import drafts, models, public_case_views, public_referee_views  # noqa: F401 - registers the plugin's tables  # noqa: F401 - their routes, on bp
from frontcounter_firearms.personal_data import (  # noqa: F401 - hookimpls
    firearms_erase_person,
    firearms_person_data,
    firearms_retention_policies,
)
from frontcounter_firearms.public_hooks import firearms_public_case_transitioned  # noqa: F401 - a hookimpl
from frontcounter_firearms.public_visits import VISIT_RULES
from frontcounter_firearms.settings import FirearmsSettings
from frontcounter_firearms.staff_case import firearms_case_page_context  # noqa: F401 - a hookimpl
from frontcounter_firearms.views_public import bp as public_blueprint
from frontcounter_firearms.views_staff import staff as staff_blueprint
from frontcounter_firearms.workflow import WORKFLOW


@hookimpl
def register_services() -> list[Service]:
    """Firearm and shotgun certificates: grant, renewal, variation."""
    return [
        Service(
            key="firearms",
            code="FA",
            billable="paid_application",
            name=_l("Firearm and shotgun certificates"),
            summary=_l("Apply for, renew or vary a firearm or shotgun certificate."),
            settings_schema=FirearmsSettings,
            workflow=WORKFLOW,
            staff_roles=("caseworker", "supervisor"),  # field officers work their visits on the firearms pages
            public_blueprint=public_blueprint,
            staff_blueprint=staff_blueprint,
            start_endpoint="firearms.start",
            pay_endpoint="firearms.pay",
            allows_guest=True,
            booking_rules=VISIT_RULES,
            kept_when_off=(
                "firearms.case", "firearms.pay", "firearms.referee", "firearms.visit", "firearms.visit_confirm",
            ),
            extra={"platform_charge_pence": 198},
            document_kinds={
                "gp-information": _l("Medical information from your GP"),
                "refusal-letter": _l("Refusal letter"),
                "visit-photo": _l("Home visit photo"),
            },
        )
    ]


@hookimpl
def migration_dirs() -> list[str]:
    """The firearms plugin's Alembic branch."""
    return [str(Path(__file__).parent / "migrations")]


# -- the staff side --------------------------------------------------------------------------------


@hookimpl
def staff_dashboard_links(tenant: Any) -> list[dict[str, Any]]:
    """The firearms licensing queues and today's home visits on the staff dashboard."""
    from flask import url_for
    from flask_babel import ngettext
    from frontcounter_firearms.visit_times import waiting_cases

    waiting = len(waiting_cases())
    hint = _l("New applications, checks, visits, decisions and appeals")
    if waiting:
        hint = ngettext(
            "%(num)d applicant is waiting for home visit times.",
            "%(num)d applicants are waiting for home visit times.",
            waiting,
        )
    return [
        {
            "text": _l("Firearms licensing queues"),
            "href": url_for("firearms_staff.queues", force=tenant.slug),
            "hint": hint,
        },
        {"text": _l("Home visits today"), "href": url_for("firearms_staff.visits_today", force=tenant.slug)},
    ]


@hookimpl
def case_transitioned(case: Any, transition: str, from_state: str | None) -> None:
    """Queue background checks, issue certificates on a grant, record a refusal (letter, refund, appeal window)."""
    from frontcounter_firearms.staff_events import react

    react(case, transition, from_state)


@hookimpl
def webhook_event_types() -> list[Any]:
    """Certificates issued on a grant, for a force's records system."""
    from frontcounter.integrations.webhooks.events import EventType
    from frontcounter_firearms.decisions import CERTIFICATES_ISSUED

    return [
        EventType(CERTIFICATES_ISSUED, _l("Firearms certificates issued"),
                  _l("A grant issued firearm or shotgun certificates (their numbers and expiry dates)."))
    ]


@hookimpl
def person_checks(tenant: Any) -> list[Any]:
    """The demonstration intelligence system, in demo mode and tests only (real forces install their own)."""
    from frontcounter_firearms.checks import DemoIntelligenceCheck

    if current_app.config.get("DEMO_MODE") or current_app.config.get("TESTING"):
        return [DemoIntelligenceCheck()]
    return []


@hookimpl
def periodic_tasks() -> list[Any]:
    """Renewal reminders, 14 weeks (the force's setting) before a certificate expires."""
    from frontcounter_firearms.jobs import periodic_tasks as tasks

    return tasks()


@hookimpl
def seed_demo_data(tenant: Any) -> None:
    """A dozen firearms cases at every stage, with referees, checks, visits and certificates."""
    from frontcounter_firearms.demo import seed

    seed(tenant)


@hookimpl
def account_drafts(account_id: int) -> list[Any]:
    """The account's unsent firearms applications in every force, for its account page."""
    from flask import url_for
    from frontcounter.accounts.overview import AccountDraft
    from frontcounter.extensions import db
    from frontcounter.tenancy import platform_wide
    from frontcounter.tenancy.models import Tenant
    from frontcounter_firearms.drafts import Draft

    with platform_wide("a person's own unsent applications, for their account page"):
        rows = db.session.execute(
            db.select(Draft.tenant_id, Tenant.slug, Draft.updated_at)
            .join(Tenant, Tenant.id == Draft.tenant_id)
            .where(Draft.account_id == account_id, Draft.case_id.is_(None))
            .order_by(Draft.id.desc())
            .limit(50)
        ).all()
    return [
        AccountDraft(tenant_id, "firearms", url_for("firearms.apply", force=slug), updated_at)
        for tenant_id, slug, updated_at in rows
    ]
