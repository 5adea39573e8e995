"""Fail-closed tenant scoping for ORM queries and writes on TenantOwned models."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql import Select, visitors
from sqlalchemy.sql.util import find_tables

from frontcounter.tenancy.context import TenantScopeError, current_tenant_id, platform_wide_reason
from frontcounter.tenancy.models import TenantOwned


def _touches_tenant_owned(state: ORMExecuteState) -> bool:
    return any(issubclass(mapper.class_, TenantOwned) for mapper in state.all_mappers)


# What _refuse_unscopable found for each statement shape (its SQLAlchemy cache key, which leaves out the bound
# values): None when it may run, else the refusal. A verdict depends only on the shape and the mapped models, so
# it is kept until a new model is mapped. Checking afresh costs a compilation of the statement per query.
_VERDICTS: dict[Any, str | None] = {}
_VERDICTS_MAX = 5000
_TENANT_TABLES: set[str] | None = None


def _forget_verdicts(*_args: object) -> None:
    """A model was mapped: the tenant-owned tables and so the verdicts may have changed."""
    global _TENANT_TABLES
    _TENANT_TABLES = None
    _VERDICTS.clear()


def _tenant_tables() -> set[str]:
    global _TENANT_TABLES
    if _TENANT_TABLES is None:
        _TENANT_TABLES = _find_tenant_tables()
    return _TENANT_TABLES


def _find_tenant_tables() -> set[str]:
    tables: set[str] = set()
    pending = list(TenantOwned.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        table = getattr(cls, "__table__", None)
        if table is not None:
            tables.add(table.name)
    return tables


def _tables_in(element: object) -> set[str]:
    return {t.name for t in find_tables(element, include_aliases=True) if hasattr(t, "name")}  # type: ignore[arg-type]


def _covered_tables(statement: object) -> set[str]:
    """Tables whose rows the ORM criteria will filter: selected entities, joined entities, DML targets."""
    covered: set[str] = set()
    for description in getattr(statement, "column_descriptions", None) or []:
        entity = description.get("entity") if isinstance(description, dict) else None
        if entity is not None and hasattr(entity, "__table__"):
            covered.add(entity.__table__.name)
    for join in getattr(statement, "_setup_joins", ()) or ():
        target = join[0]
        entity = getattr(target, "_annotations", {}).get("parententity")
        mapper = getattr(entity, "mapper", None) or getattr(inspect(target, raiseerr=False), "mapper", None)
        if mapper is not None:
            covered.add(mapper.local_table.name)
    entity = getattr(statement, "entity_description", None)
    if isinstance(entity, dict) and entity.get("entity") is not None:
        covered.add(entity["entity"].__table__.name)
    if covered and isinstance(statement, Select):
        # An ORM-enabled select: the criteria also reach ORM-mapped tables joined in its FROM clause.
        for from_ in statement.get_final_froms():
            for table in find_tables(from_, include_aliases=True):
                if getattr(table, "_annotations", {}).get("parententity") is not None:
                    covered.add(table.name)
    return covered


def _refuse_unscopable(statement: Any) -> None:
    """Fail closed on shapes the criteria cannot reach: tenant tables in subqueries or bare select_from."""
    cache_key = statement._generate_cache_key()
    if cache_key is None:  # a shape SQLAlchemy cannot key: judged every time
        refusal = _judge(statement)
    elif cache_key.key in _VERDICTS:
        refusal = _VERDICTS[cache_key.key]
    else:
        refusal = _judge(statement)
        if len(_VERDICTS) >= _VERDICTS_MAX:
            _VERDICTS.clear()
        _VERDICTS[cache_key.key] = refusal
    if refusal is not None:
        raise TenantScopeError(refusal)


def _judge(statement: object) -> str | None:
    """Why automatic scoping cannot filter `statement`, or None when it can."""
    tenant_tables = _tenant_tables()
    if not _tables_in(statement) & tenant_tables:
        return None
    for element in visitors.iterate(statement):  # type: ignore[arg-type]
        if element is not statement and isinstance(element, Select) and _tables_in(element) & tenant_tables:
            return (
                "A subquery reads tenant-owned tables, which automatic scoping cannot filter. "
                "Select the entity (or its columns) at the top level, or use frontcounter's db.paginate."
            )
    uncovered = (_tables_in(statement) & tenant_tables) - _covered_tables(statement)
    if uncovered:
        return (
            f"Tenant-owned table(s) {sorted(uncovered)} are read without selecting their entity, so scoping "
            "cannot filter them: select Model columns (e.g. func.count(Model.id)) instead of select_from(Model)."
        )
    return None


def _scope_statement(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get("_frontcounter_scoped"):
        return
    if platform_wide_reason() is not None:
        return
    if state.is_select and not state.is_relationship_load and not state.is_column_load:
        _refuse_unscopable(state.statement)
    if not _touches_tenant_owned(state):
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
    from frontcounter import appendonly

    appendonly.install()
    if not event.contains(Session, "do_orm_execute", _scope_statement):
        event.listen(Session, "do_orm_execute", _scope_statement)
        event.listen(Session, "transient_to_pending", _stamp_new)
        event.listen(Session, "before_flush", _refuse_moves)
        event.listen(Mapper, "instrument_class", _forget_verdicts)


def check_loaded(obj: object) -> object:
    """Filter a row returned by Session.get: another force's row (from the identity map) becomes None."""
    if obj is None or not isinstance(obj, TenantOwned) or platform_wide_reason() is not None:
        return obj
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise TenantScopeError(f"Loading {type(obj).__name__} with no police force in scope.")
    return obj if obj.tenant_id == tenant_id else None
