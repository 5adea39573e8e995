"""Tell every app process which cases a transaction changed (PostgreSQL NOTIFY frontcounter_cases).

A page kept for one case (the tracking page, web/frontcache.py) stays good only until its case changes.
Every row of the case table, and of any table with a `case_id` column (history, timers, payments,
bookings, documents, each service's own tables), belongs to a case. In the transaction that changes such
rows the platform sends `NOTIFY frontcounter_cases` with the cases' ids; PostgreSQL delivers it on
commit and never for a rollback, and each process's listener (tenancy/watch.py) then counts those cases
as changed. Rows changed through the ORM name their case; an UPDATE or DELETE statement names its cases
when its WHERE clause says `case_id = <value>` (or, on the case table, `id = <value>`), and otherwise
announces "*" (any case). Changes made by hand in SQL are not announced: kept pages then last at most
PAGE_CACHE_SECONDS, as everywhere.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import Table, event, text
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression, BindParameter, BooleanClauseList, ColumnElement

from frontcounter.tenancy.watch import ANY_CASE, CASES_CHANNEL

_SENT = "frontcounter_cases_announced"  # session.info: ids (or ANY_CASE) announced in this transaction
_MAX_PAYLOAD = 7000  # PostgreSQL's limit is 8000 bytes; past this, announce "*"


def _case_id_of(thing: Any) -> int | None:
    from frontcounter.cases.models import Case

    if isinstance(thing, Case):
        return thing.id
    value = getattr(thing, "case_id", None)
    return value if isinstance(value, int) else None


def _is_case_table(table: Any) -> bool:
    return isinstance(table, Table) and (table.name == "case" or "case_id" in table.c)


def _ids_in_where(table: Table, where: ColumnElement[Any] | None) -> set[int] | None:
    """The case ids a WHERE clause is limited to, or None when it does not say (so: any case)."""
    column = "id" if table.name == "case" else "case_id"
    criteria = list(where.clauses) if isinstance(where, BooleanClauseList) and where.operator is operators.and_ \
        else [where] if where is not None else []
    for criterion in criteria:
        left_table = getattr(getattr(criterion, "left", None), "table", None)
        if isinstance(criterion, BinaryExpression) and getattr(criterion.left, "name", None) == column \
                and getattr(left_table, "name", None) == table.name and isinstance(criterion.right, BindParameter):
            value = criterion.right.effective_value
            if criterion.operator is operators.eq and isinstance(value, int):
                return {value}
            if criterion.operator is operators.in_op and isinstance(value, list | tuple) \
                    and all(isinstance(v, int) for v in value):
                return set(value)
    return None


def _announce(session: Session, ids: set[int] | None) -> None:
    """Send the notification for `ids` (None: any case) unless this transaction already did."""
    if session.get_bind().dialect.name != "postgresql":
        return
    sent: set[Any] = session.info.setdefault(_SENT, set())
    if ANY_CASE in sent:
        return
    new = {ANY_CASE} if ids is None else ids - sent
    if not new:
        return
    payload = ANY_CASE if ids is None else ",".join(str(i) for i in sorted(new))
    if len(payload) > _MAX_PAYLOAD:
        payload, new = ANY_CASE, {ANY_CASE}
    session.connection().execute(text("SELECT pg_notify(:channel, :payload)"),
                                 {"channel": CASES_CHANNEL, "payload": payload})
    sent.update(new)


def _after_flush(session: Session, _context: Any) -> None:
    from frontcounter.cases.models import Case

    new_cases = {thing.id for thing in session.new if isinstance(thing, Case)}  # nothing kept for them yet
    ids = {found for thing in (*session.new, *session.dirty, *session.deleted)
           if (found := _case_id_of(thing)) is not None} - new_cases
    if ids:
        _announce(session, ids)


def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return  # rows inserted by statement (not the ORM) into case tables are announced as they change
    table = getattr(state.statement, "table", None)
    if _is_case_table(table):
        _announce(state.session, _ids_in_where(table, state.statement.whereclause))


def _after_commit(session: Session) -> None:
    sent = session.info.pop(_SENT, None)
    if sent and has_app_context():
        watch = current_app.extensions.get("frontcounter.settings_watch")
        if watch is not None:  # this process need not wait for its own notification
            watch.cases_changed(ANY_CASE if ANY_CASE in sent else ",".join(str(i) for i in sent))


def _after_rollback(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_SENT, None)


def install() -> None:
    """Announce case changes from every session (idempotent)."""
    for name, handler in (("after_flush", _after_flush), ("do_orm_execute", _on_execute),
                          ("after_commit", _after_commit), ("after_rollback", _after_rollback)):
        if not event.contains(Session, name, handler):
            event.listen(Session, name, handler)
