"""The transactional outbox: work that must follow a database change is written in the same
transaction and dispatched after commit; a relay re-dispatches anything not done."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, event, func
from sqlalchemy.orm import Mapped, Session, mapped_column

from frontcounter.extensions import db
from frontcounter.jobs.queue import _target, get_queue
from frontcounter.tenancy.context import current_tenant_id

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


class OutboxMessage(db.Model):
    """One piece of deferred work: which function, its arguments, its force, and whether it is done.

    Not TenantOwned: the relay reads every force's messages; the job re-enters tenant_id's scope.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_pending", "done_at", "available_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(200))
    args: Mapped[list[Any]] = mapped_column(JSON, default=list)
    kwargs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    available_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")


def _now() -> datetime:
    return datetime.now(UTC)


def defer(func: Callable[..., Any] | str, *args: Any, delay: timedelta | None = None, **kwargs: Any) -> OutboxMessage:
    """Add `func(*args, **kwargs)` to the outbox in the current transaction; it runs after commit."""
    now = _now()
    message = OutboxMessage(
        tenant_id=current_tenant_id(), target=_target(func), args=list(args), kwargs=kwargs,
        available_at=now + (delay or timedelta(0)),
        # Immediate work is dispatched after commit; the relay only retries it after a grace period.
        dispatched_at=None if delay else now,
    )
    db.session.add(message)
    return message


@event.listens_for(Session, "after_flush")
def _collect(session: Session, flush_context: object) -> None:
    new = [m for m in session.new if isinstance(m, OutboxMessage)]
    if new:
        pending = session.info.setdefault("frontcounter_outbox", [])
        pending.extend((m.id, m.tenant_id, m.available_at) for m in new)


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    pending = session.info.pop("frontcounter_outbox", [])
    now = _now()
    for message_id, tenant_id, available_at in pending:
        if available_at is not None and _aware(available_at) > now:
            continue  # scheduled for later: the relay sends it when due
        dispatch(message_id, tenant_id)


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    session.info.pop("frontcounter_outbox", None)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def dispatch(message_id: int, tenant_id: int | None) -> bool:
    """Queue the job for one outbox message; False (and it stays pending) when the queue is down."""
    try:
        get_queue().enqueue(
            "frontcounter.jobs.runner.run", tenant_id, "frontcounter.jobs.outbox:execute", [message_id], {},
            job_id=f"outbox-{message_id}", meta={"tenant_id": tenant_id, "outbox_id": message_id},
            failure_ttl=7 * 24 * 3600,
        )
        return True
    except Exception as exc:  # noqa: BLE001 - Redis down: the relay will send it later
        log.warning("Outbox message %s not dispatched (%s); the relay will retry", message_id, exc)
        return False


def execute(message_id: int) -> Any:
    """Run one outbox message once: skipped when already done, marked done in the same transaction."""
    from frontcounter.jobs.runner import resolve

    message = db.session.get(OutboxMessage, message_id, with_for_update=True)
    if message is None or message.done_at is not None:
        return None
    try:
        result = resolve(message.target)(*message.args, **message.kwargs)
    except Exception as exc:
        db.session.rollback()
        failed = db.session.get(OutboxMessage, message_id)
        if failed is not None:
            failed.attempts += 1
            failed.last_error = f"{type(exc).__name__}: {exc}"[:4000]
            failed.available_at = _now() + timedelta(minutes=2 ** min(failed.attempts, 10))
            failed.dispatched_at = None
            db.session.commit()
        raise
    message.attempts += 1
    message.done_at = _now()
    return result


def relay(grace: timedelta = timedelta(seconds=60), limit: int = 500) -> int:
    """Re-dispatch messages that are due and not done (queue was down, or a worker died); return how many."""
    now = _now()
    rows = db.session.execute(
        db.select(OutboxMessage.id, OutboxMessage.tenant_id)
        .where(OutboxMessage.done_at.is_(None), OutboxMessage.available_at <= now,
               OutboxMessage.attempts < MAX_ATTEMPTS,
               (OutboxMessage.dispatched_at.is_(None)) | (OutboxMessage.dispatched_at <= now - grace))
        .order_by(OutboxMessage.id).limit(limit)
    ).all()
    sent = [row.id for row in rows if dispatch(row.id, row.tenant_id)]
    if sent:
        db.session.execute(db.update(OutboxMessage).where(OutboxMessage.id.in_(sent)).values(dispatched_at=now))
        db.session.commit()
    return len(sent)
