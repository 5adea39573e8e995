"""Tenancy: police forces as tenants, the current-tenant context and fail-closed query scoping."""

from frontcounter.tenancy.context import (
    TenantRef,
    TenantScopeError,
    current_tenant,
    current_tenant_id,
    platform_wide,
    tenant_context,
)
from frontcounter.tenancy.models import Tenant, TenantOwned, TenantService

__all__ = [
    "Tenant",
    "TenantOwned",
    "TenantRef",
    "TenantScopeError",
    "TenantService",
    "current_tenant",
    "current_tenant_id",
    "platform_wide",
    "tenant_context",
]
