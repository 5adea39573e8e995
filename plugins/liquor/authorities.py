"""The licensing authorities (local councils) in the force's area, from its settings, and postcodes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from frontcounter.tenancy.context import current_tenant
from frontcounter.tenancy.services import service_settings

SERVICE_KEY = "liquor"
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


@dataclass(frozen=True)
class Authority:
    """A licensing authority: key, name, email and the postcode areas or districts it covers."""

    key: str
    name: str
    email: str
    postcodes: tuple[str, ...]


def normalise_postcode(text: str) -> str | None:
    """A UK postcode in capitals with one space (e.g. 'BH23 1AA'), or None when it is not one."""
    compact = re.sub(r"\s+", "", text or "").upper()
    match = _POSTCODE.match(f"{compact[:-3]} {compact[-3:]}") if len(compact) >= 5 else None
    return f"{match.group(1)} {match.group(2)}" if match else None


def outward(postcode: str) -> str:
    """The outward code (district) of a normalised postcode: 'BH23 1AA' -> 'BH23'."""
    return postcode.split(" ")[0]


def area(postcode: str) -> str:
    """The postcode area: 'BH23 1AA' -> 'BH'."""
    return re.match(r"[A-Z]+", postcode).group(0)  # type: ignore[union-attr]


def force_areas() -> list[str]:
    """The postcode areas of the force in scope (from its tenants/ file)."""
    from frontcounter.extensions import db
    from frontcounter.tenancy.models import Tenant

    return list(db.session.scalar(db.select(Tenant.postcode_areas).where(Tenant.id == current_tenant().id)) or [])


def authorities(settings: dict[str, Any] | None = None) -> list[Authority]:
    """The force's licensing authorities, from its settings for this service."""
    rows = (settings if settings is not None else service_settings(SERVICE_KEY)).get("authorities") or []
    return [Authority(r["key"], r["name"], r["email"], tuple(p.upper() for p in r["postcodes"])) for r in rows]


def authority_by_key(key: str, settings: dict[str, Any] | None = None) -> Authority | None:
    """The authority with this key, or None."""
    return next((a for a in authorities(settings) if a.key == key), None)


def authority_for(postcode: str, settings: dict[str, Any] | None = None) -> Authority | None:
    """The authority whose listed district or area matches the postcode most closely, or None."""
    district, best, best_len = outward(postcode), None, 0
    for authority in authorities(settings):
        for prefix in authority.postcodes:
            matches = district == prefix if any(c.isdigit() for c in prefix) else area(postcode) == prefix
            if matches and len(prefix) > best_len:
                best, best_len = authority, len(prefix)
    return best
