"""The sample plugin's hook implementations: nothing in the core names it."""

from __future__ import annotations

from pathlib import Path

from frontcounter.plugins import Service, hookimpl

from frontcounter_sample import views, views_bookings, views_documents, views_payments  # noqa: F401
from frontcounter_sample.settings import SampleSettings
from frontcounter_sample.workflow import WORKFLOW

CALLS: list[tuple[str, str]] = []


@hookimpl
def register_services() -> list[Service]:
    """One service: parking permits."""
    return [
        Service(
            key="sample",
            code="SM",
            billable="paid_application",
            name="Parking permits",
            summary="Apply for a parking permit.",
            settings_schema=SampleSettings,
            workflow=WORKFLOW,
            booking_rules=views_bookings.RULES,
            public_blueprint=views.public,
            staff_blueprint=views.staff,
            start_endpoint="sample.start",
            allows_guest=True,
            pay_endpoint="sample.pay",
            kept_when_off=("sample.pay",),
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


@hookimpl
def case_transitioned(case, transition, from_state):
    """Record transitions of this service's cases."""
    if case.service_key == "sample":
        CALLS.append(("case_transitioned", f"{case.reference}:{transition}"))


@hookimpl
def tenant_settings_changed(tenant, service_key, settings):
    """Record which force changed which service's settings."""
    CALLS.append(("tenant_settings_changed", f"{tenant.slug}:{service_key}"))


@hookimpl
def register_commands(cli):
    """A `frontcounter sample permits FORCE` command that counts a force's permits."""
    from frontcounter_sample.commands import sample

    cli.add_command(sample)


@hookimpl
def register_api(api):
    """A small JSON endpoint: GET /api/v1/sample/permits (the force's permit count)."""
    from frontcounter_sample.api import blp

    api.register_blueprint(blp)


class NameCheck:
    """A demonstration adapter: flags anyone called "Flagged"."""

    name = "sample-register"

    def check(self, person):
        from frontcounter.checks import CheckResult, CheckStatus

        flagged = "flagged" in str(person.get("surname", "")).lower()
        return CheckResult(CheckStatus.FLAGGED if flagged else CheckStatus.CLEAR)


@hookimpl
def person_checks(tenant):
    """The sample register, for forces that run the sample service."""
    return [NameCheck()]


@hookimpl
def case_page_context(case):
    """What the sample's own staff case page adds to the core's (a holder line for sample/staff/case.html)."""
    return {"sample_holder": f"Permit holder: {case.applicant_name}"}


@hookimpl
def webhook_event_types():
    """A permit printed: the sample's own webhook event type."""
    from frontcounter.integrations.webhooks.events import EventType

    return [EventType("sample.permit_printed", "Parking permit printed", "A permit was printed.")]


PUSHED: list[dict] = []


@hookimpl
def register_records_adapters():
    """A records adapter kept in memory, as a third party's would be registered."""
    from frontcounter.integrations.records.adapter import RecordsAdapter

    class MemoryRecords(RecordsAdapter):
        name = "sample_memory"

        def push_case(self, document):
            PUSHED.append({**document, "pushed_for": self.tenant.slug, "options": self.options})
            return f"memory:{document['case']['reference']}"

    return [MemoryRecords]
