"""A force's contact details in words, for every "contact us" message."""

from __future__ import annotations

from flask_babel import gettext as _

from frontcounter.tenancy.context import TenantRef, current_tenant_or_none


def contact_text(tenant: TenantRef | None = None) -> str:
    """How to reach the force, from its contact details: "Dorset Police on 101 or at help@dorset.example"."""
    tenant = tenant or current_tenant_or_none()
    if tenant is None:
        return _("your police force on 101")
    contact = tenant.contact or {}
    phone, email, website = contact.get("phone"), contact.get("email"), contact.get("website")
    name = tenant.display_name if hasattr(tenant, "display_name") else tenant.name
    if phone and email:
        return _("%(force)s on %(phone)s or at %(email)s", force=name, phone=phone, email=email)
    if phone:
        return _("%(force)s on %(phone)s", force=name, phone=phone)
    if email or website:
        return _("%(force)s at %(where)s", force=name, where=email or website)
    return name
