"""Append-only tables (audit log, case history): no update or delete through the app, except erasure."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

_erasing: ContextVar[str | None] = ContextVar("frontcounter_erasing", default=None)


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or delete an append-only row."""


class AppendOnly:
    """Mixin: rows are written once. Deletion is allowed only inside erasing('why')."""


@contextmanager
def erasing(reason: str) -> Iterator[None]:
    """Allow deleting append-only rows for data-protection erasure; `reason` says why (greppable)."""
    if not reason:
        raise ValueError("erasing() needs a reason")
    token = _erasing.set(reason)
    try:
        yield
    finally:
        _erasing.reset(token)


def _refuse_bulk(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    if any(issubclass(m.class_, AppendOnly) for m in state.all_mappers):
        if state.is_update or _erasing.get() is None:
            raise AppendOnlyError("Append-only rows cannot be changed or deleted.")


def _refuse_flush(session: Session, flush_context: object, instances: object) -> None:
    for obj in session.dirty:
        if isinstance(obj, AppendOnly) and session.is_modified(obj, include_collections=False):
            raise AppendOnlyError(f"{type(obj).__name__} rows cannot be changed.")
    if _erasing.get() is None:
        for obj in session.deleted:
            if isinstance(obj, AppendOnly):
                raise AppendOnlyError(f"{type(obj).__name__} rows cannot be deleted.")


def install() -> None:
    """Attach the listeners to every session (idempotent)."""
    if not event.contains(Session, "do_orm_execute", _refuse_bulk):
        event.listen(Session, "do_orm_execute", _refuse_bulk)
        event.listen(Session, "before_flush", _refuse_flush)
