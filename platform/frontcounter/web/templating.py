"""Template globals: the current force, its services, the signed-in person, language links."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_babel import get_locale

from frontcounter.accounts.auth import current_account, current_staff_member, has_role
from frontcounter.tenancy.contact import contact_text
from frontcounter.tenancy.context import current_tenant_or_none
from frontcounter.web.i18n import LANGUAGES, offered_languages


def _language_links() -> list[dict[str, Any]]:
    current = str(get_locale() or "en")
    return [
        {
            "code": code,
            "name": LANGUAGES[code],
            "current": code == current,
            "href": f"/language/{code}?next={request.full_path.rstrip('?')}",
        }
        for code in offered_languages()
    ]


def _context() -> dict[str, Any]:
    from frontcounter.tenancy.services import enabled_services

    tenant = current_tenant_or_none()
    return {
        "tenant": tenant,
        "current_account": current_account,
        "current_staff_member": current_staff_member,
        "has_role": has_role,
        "enabled_services": enabled_services if tenant else (lambda: []),
        "language_links": _language_links,
        "html_lang": str(get_locale() or "en"),
        "contact_text": contact_text,
    }


def pence(value: int | None) -> str:
    """Format pence as pounds: 19800 -> '£198.00'."""
    if value is None:
        return ""
    return f"£{value / 100:,.2f}"


def init_app(app: Flask) -> None:
    """Register the template context and filters."""
    app.context_processor(_context)
    app.add_template_filter(pence, "pence")
    from frontcounter.web.i18n import bp

    app.register_blueprint(bp)
