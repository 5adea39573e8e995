"""Service: what a plugin declares about one public-facing service."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Blueprint
from marshmallow import Schema, ValidationError

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
    workflow: Workflow | None = None
    staff_roles: tuple[str, ...] = ("caseworker", "supervisor")
    booking_rules: Any = None
    plugin_name: str = ""
    version: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

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
