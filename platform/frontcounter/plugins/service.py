"""Service: what a plugin declares about one public-facing service."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Blueprint
from marshmallow import Schema, ValidationError

# What a service may declare as its billable transaction (Service.billable).
BILLABLE_KINDS = ("paid_application", "booking", "request")

if TYPE_CHECKING:
    from frontcounter.cases.workflow import Workflow  # the core's cases use plugins, not the other way round


@dataclass
class Service:
    """One public-facing service a force can switch on.

    `key` is the stable identifier and URL segment (/<force>/<key>/); `code` is the two-letter
    part of case references; `settings_schema` validates the force's settings and gives the
    statutory defaults; blueprints are mounted at /<force>/<key>/ and /<force>/staff/<key>/;
    `workflow` is the case type's state machine, which the core runs. `staff_roles` are the staff roles
    that may use the core's queue and case pages (and the case API) for it: others are refused, and a
    service that names none is for force admins only.
    `workflow` is the case type's state machine, which the core runs. A service without a
    `start_endpoint` has no public pages yet: force pages list it as coming soon, with no link.
    `pay_endpoint` is where an unpaid case (one in a source state of `payment_transition`) pays: the
    core's tracking page and its "pay later" email link there, with the case's tracking token.
    `kept_when_off` lists the public endpoints (tracking, paying, managing a booking) that keep working,
    with an explanation, for people who already have a case when a force switches the service off;
    every other page of the service then explains that it is not available online.
    `document_kinds` names the service's kinds of document in the page's language.
    `billable` says what the platform charges the force for, one transaction each (see docs/transactions.md):
    "paid_application" (a payment for a case succeeded), "booking" (a booking was confirmed), "request" (a case
    was opened, for a free service), or None (nothing is charged).
    `asks_for_account=False` means the service has its own way in (such as a reference and PIN
    from a letter), so force pages link straight to `start_endpoint` with no account choice.
    """

    key: str
    name: str
    summary: str
    code: str
    settings_schema: type[Schema] | None = None
    public_blueprint: Blueprint | None = None
    staff_blueprint: Blueprint | None = None
    start_endpoint: str | None = None
    allows_guest: bool = False
    asks_for_account: bool = True
    pay_endpoint: str | None = None  # public endpoint (taking `reference`) where an unpaid case pays what it owes
    payment_transition: str = "pay"  # the transition its payment fires: a case that can fire it is unpaid
    kept_when_off: tuple[str, ...] = ()  # public endpoints existing customers keep when the force switches it off
    document_kinds: dict[str, Any] = field(default_factory=dict)  # kind -> its name (lazy gettext), for pages
    workflow: Workflow | None = None
    staff_roles: tuple[str, ...] = ("caseworker", "supervisor")
    booking_rules: Any = None
    billable: str | None = None  # one of BILLABLE_KINDS: what counts as one charged transaction
    plugin_name: str = ""
    version: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.billable is not None and self.billable not in BILLABLE_KINDS:
            raise ValueError(f"Service {self.key!r}: billable must be one of {BILLABLE_KINDS} or None")

    @property
    def has_public_pages(self) -> bool:
        """True when the service has pages the public can start from."""
        return bool(self.start_endpoint)

    def default_settings(self) -> dict[str, Any]:
        """Return the settings with every statutory or national default filled in."""
        if self.settings_schema is None:
            return {}
        return self.settings_schema().load({})

    def validate_settings(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Load `raw` settings through the schema; raises marshmallow.ValidationError."""
        if self.settings_schema is None:
            if raw:
                raise ValidationError({"_schema": ["This service has no settings."]})
            return {}
        return self.settings_schema().load(raw)

    def settings_from_stored(self, stored: dict[str, Any] | None) -> dict[str, Any]:
        """Return effective settings: stored values over defaults, ignoring any now invalid."""
        try:
            return self.validate_settings(dict(stored or {}))
        except ValidationError as err:
            good = {k: v for k, v in (stored or {}).items() if k not in err.messages}
            return self.validate_settings(good)
