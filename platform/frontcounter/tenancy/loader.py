"""Apply the tenants/ folder (one TOML file per force) to the database, idempotently."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from frontcounter.extensions import db
from frontcounter.plugins.manager import PluginRegistry
from frontcounter.tenancy.context import tenant_context
from frontcounter.tenancy.models import Tenant, TenantService

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


class _ServiceSchema(Schema):
    enabled = fields.Boolean(load_default=False)
    settings = fields.Dict(load_default=dict)


class _PaymentsSchema(Schema):
    provider = fields.String(validate=validate.Regexp(r"^[a-z][a-z0-9_]{1,31}$"))
    expiry_minutes = fields.Integer(validate=validate.Range(min=5, max=7 * 24 * 60))


class _RecordsSchema(Schema):
    adapter = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{1,63}$"))
    options = fields.Dict(keys=fields.String(), load_default=dict)


class TenantFileSchema(Schema):
    """The shape of one tenants/<slug>.toml file."""

    class Meta:
        unknown = EXCLUDE

    slug = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$"))
    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{3}$"))
    area = fields.String(load_default="")
    name_cy = fields.String(load_default="", validate=validate.Length(max=200))
    area_cy = fields.String(load_default="", validate=validate.Length(max=500))
    postcode_areas = fields.List(fields.String(validate=validate.Regexp(r"^[A-Z]{1,2}$")), load_default=list)
    languages = fields.List(fields.String(validate=validate.OneOf(["en", "cy"])), load_default=lambda: ["en"])
    hostnames = fields.List(fields.String(), load_default=list)
    branding = fields.Dict(load_default=dict)
    contact = fields.Dict(load_default=dict)
    nation = fields.String(
        load_default="england-and-wales", validate=validate.OneOf(["england-and-wales", "scotland", "northern-ireland"])
    )
    closure_days = fields.List(fields.Date(), load_default=list)
    tracking_link_days = fields.Integer(strict=True, load_default=90, validate=validate.Range(min=1, max=3650))
    services = fields.Dict(keys=fields.String(), values=fields.Nested(_ServiceSchema), load_default=dict)
    payments = fields.Nested(_PaymentsSchema, load_default=dict)
    records = fields.Nested(_RecordsSchema, load_default=None, allow_none=True)


@dataclass
class ApplyReport:
    """What `tenants apply` changed, and anything it could not apply."""

    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when anything in the database changed."""
        return bool(self.changes)


def read_tenant_files(folder: Path) -> list[dict[str, Any]]:
    """Read and validate every *.toml file in `folder`; raises ValueError naming the bad file."""
    out = []
    for path in sorted(folder.glob("*.toml")):
        try:
            data = TenantFileSchema().load(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, ValidationError) as exc:
            raise ValueError(f"{path.name}: {exc}") from exc
        if data["slug"] != path.stem:
            raise ValueError(f"{path.name}: slug {data['slug']!r} does not match the file name")
        colour = data["branding"].get("colour", "#1d3c6e")
        if not _HEX.match(str(colour)):
            raise ValueError(f"{path.name}: branding.colour must be a hex colour like #1d3c6e")
        out.append(data)
    return out


def _set(obj: Any, attr: str, value: Any, label: str, report: ApplyReport) -> None:
    if getattr(obj, attr) != value:
        report.changes.append(f"{label}: {attr} {getattr(obj, attr)!r} -> {value!r}")
        setattr(obj, attr, value)


def apply_tenants(folder: Path, plugins: PluginRegistry) -> ApplyReport:
    """Create or update each force and its services from `folder`; commit; report what changed."""
    report = ApplyReport()
    for data in read_tenant_files(folder):
        tenant = db.session.scalar(db.select(Tenant).filter_by(slug=data["slug"]))
        if tenant is None:
            tenant = Tenant(slug=data["slug"], name=data["name"], code=data["code"])
            db.session.add(tenant)
            db.session.flush()
            report.changes.append(f"{data['slug']}: created")
        data["closure_days"] = [day.isoformat() for day in data["closure_days"]]
        provider = data["payments"].get("provider")
        if provider and provider not in plugins.payment_providers():
            report.warnings.append(f"{data['slug']}: payment provider {provider!r} is not installed")
        for attr in (
            "name", "code", "area", "name_cy", "area_cy", "postcode_areas", "languages", "hostnames", "branding",
            "contact", "nation", "closure_days", "payments", "tracking_link_days",
        ):
            _set(tenant, attr, data[attr], data["slug"], report)
        db.session.flush()
        with tenant_context(tenant):
            _apply_services(data["slug"], data["services"], plugins, report)
            _apply_records(data["slug"], data["records"], plugins, report)
    db.session.commit()
    return report


def _apply_services(slug: str, services: dict[str, Any], plugins: PluginRegistry, report: ApplyReport) -> None:
    rows = {r.service_key: r for r in db.session.scalars(db.select(TenantService))}
    for key, spec in services.items():
        service = plugins.services.get(key)
        settings = spec["settings"]
        if service is None:
            report.warnings.append(f"{slug}: service {key!r} is not installed; stored, takes effect once it is")
        else:
            try:
                settings = service.validate_settings(settings)
                settings = {k: v for k, v in settings.items() if k in spec["settings"]}
            except ValidationError as exc:
                raise ValueError(f"{slug}: settings for {key}: {exc.messages}") from exc
        row = rows.get(key)
        if row is None:
            row = TenantService(service_key=key, enabled=spec["enabled"], settings=settings)
            db.session.add(row)
            report.changes.append(f"{slug}: service {key} added ({'on' if spec['enabled'] else 'off'})")
            continue
        _set(row, "enabled", spec["enabled"], f"{slug}: service {key}", report)
        _set(row, "settings", settings, f"{slug}: service {key}", report)


def _apply_records(slug: str, spec: dict[str, Any] | None, plugins: PluginRegistry, report: ApplyReport) -> None:
    """Set (or clear) the force's records adapter from its `[records]` table."""
    from frontcounter.integrations.records.models import RecordsSetting

    row = db.session.scalar(db.select(RecordsSetting))
    if spec is None:
        if row is not None:
            db.session.delete(row)
            report.changes.append(f"{slug}: records adapter {row.adapter} removed")
        return
    adapters = {name for group in plugins.hook.register_records_adapters() for name in (a.name for a in group or [])}
    if spec["adapter"] not in adapters:
        report.warnings.append(f"{slug}: records adapter {spec['adapter']!r} is not installed")
    if row is None:
        db.session.add(RecordsSetting(adapter=spec["adapter"], options=spec["options"]))
        report.changes.append(f"{slug}: records adapter {spec['adapter']} chosen")
        return
    _set(row, "adapter", spec["adapter"], f"{slug}: records", report)
    _set(row, "options", spec["options"], f"{slug}: records", report)
