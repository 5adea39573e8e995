"""Every hook a plugin may implement. Each hookspec is documented in docs/plugin-hooks.md."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    from flask_smorest import Api

    from frontcounter.accounts.overview import AccountDraft
    from frontcounter.dataprotection import ErasureResult, PersonQuery, PersonRecord, RetentionPolicy
    from frontcounter.integrations.records.adapter import RecordsAdapter
    from frontcounter.integrations.webhooks.events import EventType as WebhookEventType
    from frontcounter.payments.providers.base import PaymentProvider
    from frontcounter.plugins.service import Service
    from frontcounter.tenancy.context import TenantRef

hookspec = pluggy.HookspecMarker("frontcounter")
hookimpl = pluggy.HookimplMarker("frontcounter")


@hookspec
def register_services() -> list[Service]:
    """Return the services this plugin provides (key, name, settings schema, blueprints)."""


@hookspec
def register_api(api: Api) -> None:
    """Register flask-smorest blueprints on the platform's API (documented in /api/openapi.json)."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add click commands or groups to the `frontcounter` command line."""


@hookspec
def migration_dirs() -> list[str]:
    """Return folders of Alembic revisions this plugin ships (branches that depend on the core)."""


@hookspec
def staff_dashboard_links(tenant: TenantRef) -> list[dict[str, Any]]:
    """Return links for the force's staff dashboard: dicts with text, href and optional hint."""


@hookspec
def seed_demo_data(tenant: TenantRef) -> list[str] | None:
    """Create demonstration data for `tenant` (called by `frontcounter demo seed` inside its scope).

    May return lines to print after the force's sign-ins (e.g. demo references to try); None prints nothing.
    """


@hookspec
def tenant_settings_changed(tenant: TenantRef, service_key: str, settings: dict[str, Any]) -> None:
    """React after a force admin changed a service's settings or switched it on or off."""


@hookspec
def case_transitioned(case: Any, transition: str, from_state: str | None) -> None:
    """React after a case of this plugin's own service moved state (same transaction; defer slow work)."""


@hookspec
def case_page_context(case: Any) -> dict[str, Any]:
    """Return extra variables for the staff case page of this plugin's own service (names the core does not use)."""


@hookspec
def periodic_tasks() -> list[Any]:
    """Return PeriodicTask objects that `frontcounter sweep` runs on their interval."""


@hookspec
def person_checks(tenant: TenantRef) -> list[Any]:
    """Return adapters that check a person against the force's intelligence systems (see frontcounter.checks)."""


@hookspec
def person_data(tenant: TenantRef, person: PersonQuery) -> list[PersonRecord]:
    """Return every record this plugin holds in `tenant` about `person` (a request for their data; per tenant)."""


@hookspec
def erase_person(tenant: TenantRef, person: PersonQuery, reason: str) -> ErasureResult | None:
    """Erase or anonymise what this plugin holds in `tenant` about `person`; return what was done."""


@hookspec
def retention_policies(tenant: TenantRef) -> list[RetentionPolicy]:
    """Return this plugin's retention periods for `tenant`; the sweeper applies them daily."""


@hookspec
def register_payment_providers() -> list[type[PaymentProvider]]:
    """Return payment provider classes (subclasses of PaymentProvider, each with a unique `name`)."""


@hookspec
def account_drafts(account_id: int) -> list[AccountDraft]:
    """Return the unfinished applications of this public account, in every force (for its account page)."""


@hookspec
def webhook_event_types() -> list[WebhookEventType]:
    """Return the webhook event types this plugin publishes (EventType: a dotted name, a label, a description)."""


@hookspec
def register_records_adapters() -> list[type[RecordsAdapter]]:
    """Return records adapter classes (subclasses of RecordsAdapter, each with a unique `name`)."""
