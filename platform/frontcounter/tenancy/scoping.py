"""Fail-closed tenant scoping for ORM queries and writes on TenantOwned models."""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from frontcounter.tenancy.context import TenantScopeError, current_tenant_id, platform_wide_reason
from frontcounter.tenancy.models import TenantOwned


def _touches_tenant_owned(state: ORMExecuteState) -> bool:
    return any(issubclass(mapper.class_, TenantOwned) for mapper in state.all_mappers)


def _scope_statement(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get("_frontcounter_scoped") or not _touches_tenant_owned(state):
        return
    if platform_wide_reason() is not None:
        return
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise TenantScopeError(
            "Query on tenant-owned data with no police force in scope. Enter tenant_context(...) "
            "or, for platform-wide work, platform_wide('why')."
        )
    state.statement = state.statement.options(
        with_loader_criteria(TenantOwned, lambda cls: cls.tenant_id == tenant_id, include_aliases=True)
    )


def _stamp_new(session: Session, obj: object) -> None:
    """On session.add: give a new tenant-owned row the current force, or refuse."""
    if not isinstance(obj, TenantOwned) or platform_wide_reason() is not None:
        return
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise TenantScopeError(f"Adding {type(obj).__name__} with no police force in scope.")
    if obj.tenant_id is None:
        obj.tenant_id = tenant_id
    elif obj.tenant_id != tenant_id:
        raise TenantScopeError(f"Adding {type(obj).__name__} for another police force is refused.")


def _refuse_moves(session: Session, flush_context: object, instances: object) -> None:
    """Before flush: a row may never be moved to another force (unless platform-wide)."""
    if platform_wide_reason() is not None:
        return
    for obj in session.dirty:
        if isinstance(obj, TenantOwned) and inspect(obj).attrs.tenant_id.history.deleted:
            raise TenantScopeError(f"Moving {type(obj).__name__} to another police force is refused.")


def install_scoping() -> None:
    """Attach the scoping listeners to every SQLAlchemy session (idempotent)."""
    if not event.contains(Session, "do_orm_execute", _scope_statement):
        event.listen(Session, "do_orm_execute", _scope_statement)
        event.listen(Session, "transient_to_pending", _stamp_new)
        event.listen(Session, "before_flush", _refuse_moves)
