"""Counts that stop at a cap, so lists over a force's whole history cost the same at any size."""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select, func
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import InstrumentedAttribute

from frontcounter.tenancy.context import TenantScopeError, current_tenant_id, platform_wide_reason
from frontcounter.tenancy.models import TenantOwned

# Lists count at most this many rows; beyond it they say "more than 10,000" and page on without a total.
COUNT_CAP = 10_000


def capped_count(session: Any, query: Select, key: InstrumentedAttribute[Any], cap: int | None = None) -> int:
    """Count the rows of `query` up to cap + 1 (a result above `cap` means "more than cap").

    The count reads a LIMIT cap + 1 subquery, which automatic scoping cannot filter, so the force is
    added here explicitly (a tenant-owned entity with no force in scope is refused, as scoping would).
    """
    cap = COUNT_CAP if cap is None else cap
    entity = key.class_
    inner = query.with_only_columns(key).order_by(None).limit(cap + 1)
    if issubclass(entity, TenantOwned) and platform_wide_reason() is None:
        tenant_id = current_tenant_id()
        if tenant_id is None:
            raise TenantScopeError(f"Counting {entity.__name__} with no police force in scope.")
        inner = inner.where(entity.tenant_id == tenant_id)
    count = Select(func.count()).select_from(inner.subquery())
    return int(session.execute(count, execution_options={"_frontcounter_scoped": True}).scalar() or 0)


class CappedPagination(SelectPagination):
    """A page whose total is counted up to COUNT_CAP + 1; `over_cap` says the true total is larger."""

    def _query_count(self) -> int:
        select = self._query_args["select"]
        entity = select.column_descriptions[0]["entity"]
        mapper = sa_inspect(entity)
        key = getattr(entity, mapper.get_property_by_column(mapper.primary_key[0]).key)
        return capped_count(self._query_args["session"], select, key)

    @property
    def over_cap(self) -> bool:
        """True when there are more than COUNT_CAP rows (the total shown is then "more than")."""
        return bool(self.total and self.total > COUNT_CAP)

    @property
    def has_next(self) -> bool:
        """Past the cap a next page exists while this one is full (the last one may then be empty)."""
        if self.over_cap and self.page * self.per_page >= COUNT_CAP:
            return len(self.items) == self.per_page
        return super().has_next

    @property
    def next_num(self) -> int | None:
        """The next page's number, or None on the last page."""
        return self.page + 1 if self.has_next else None
