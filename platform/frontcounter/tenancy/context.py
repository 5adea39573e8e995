"""The current tenant, carried in a context variable through requests, CLI commands and jobs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol


class _HasSnapshot(Protocol):
    def snapshot(self) -> TenantRef: ...


@dataclass(frozen=True)
class TenantRef:
    """An immutable snapshot of a force, safe to keep after its database session has gone."""

    id: int
    slug: str
    name: str
    code: str
    languages: tuple[str, ...] = ("en",)
    branding: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    contact: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    area: str = ""
    name_cy: str = ""
    area_cy: str = ""
    nation: str = "england-and-wales"
    closure_days: tuple[str, ...] = ()
    payments: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    tracking_link_days: int = 90

    @property
    def colour(self) -> str:
        """The force's brand colour for the header."""
        return str(self.branding.get("colour") or "#1d3c6e")

    @property
    def logo_text(self) -> str:
        """The text shown in the force's header (its Welsh name on Welsh pages when the logo is its name)."""
        text = str(self.branding.get("logo_text") or self.name)
        return self.display_name if text == self.name else text

    @property
    def display_name(self) -> str:
        """The force's name in the page's language."""
        return localised(self.name, self.name_cy)

    @property
    def display_area(self) -> str:
        """The force's area in the page's language."""
        return localised(self.area, self.area_cy)


def localised(english: str, welsh: str) -> str:
    """`welsh` when the current language is Welsh and there is one, else `english`."""
    if welsh:
        from flask_babel import get_locale

        locale = get_locale()  # None outside an app or request: the English
        if locale is not None and locale.language == "cy":
            return welsh
    return english


class TenantScopeError(RuntimeError):
    """Raised when tenant-owned data is touched with no tenant in scope, or across tenants."""


_current: ContextVar[TenantRef | None] = ContextVar("frontcounter_tenant", default=None)
_platform_wide: ContextVar[str | None] = ContextVar("frontcounter_platform_wide", default=None)


def current_tenant() -> TenantRef:
    """Return the tenant in scope, or raise TenantScopeError when there is none."""
    tenant = _current.get()
    if tenant is None:
        raise TenantScopeError("No police force is in scope.")
    return tenant


def current_tenant_or_none() -> TenantRef | None:
    """Return the tenant in scope, or None."""
    return _current.get()


def current_tenant_id() -> int | None:
    """Return the id of the tenant in scope, or None."""
    tenant = _current.get()
    return tenant.id if tenant is not None else None


def platform_wide_reason() -> str | None:
    """Return why tenant scoping is switched off right now, or None when it is on."""
    return _platform_wide.get()


@contextmanager
def tenant_context(tenant: TenantRef | _HasSnapshot) -> Iterator[TenantRef]:
    """Run the enclosed block with `tenant` (a Tenant row or TenantRef) as the current tenant."""
    ref = tenant if isinstance(tenant, TenantRef) else tenant.snapshot()
    token = _current.set(ref)
    reason = _platform_wide.set(None)
    try:
        yield ref
    finally:
        _platform_wide.reset(reason)
        _current.reset(token)


@contextmanager
def platform_wide(reason: str) -> Iterator[None]:
    """Switch tenant scoping off for platform-wide work; `reason` says why (greppable opt-out)."""
    if not reason:
        raise ValueError("platform_wide() needs a reason")
    token = _platform_wide.set(reason)
    try:
        yield
    finally:
        _platform_wide.reset(token)


def set_request_tenant(tenant: TenantRef | None) -> object:
    """Set the tenant for the rest of a request; returns a token for reset_request_tenant."""
    return _current.set(tenant)


def reset_request_tenant(token: object) -> None:
    """Undo set_request_tenant at the end of a request."""
    _current.reset(token)  # type: ignore[arg-type]
