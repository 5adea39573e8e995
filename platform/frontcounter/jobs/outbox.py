"""The transactional outbox: work that must follow a database change is written in the same
transaction and dispatched after commit; a relay re-dispatches anything not done."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, event, func
from sqlalchemy.orm import Mapped, Session, mapped_column

from frontcounter.extensions import db
from frontcounter.jobs.queue import _target, get_queue
from frontcounter.observability.requestid import current_request_id, reset_request_id, set_request_id
from frontcounter.tenancy.context import current_tenant_id

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
BATCH_SIZE = 100  # messages of a batchable target run together by one call of its batch function
DRAIN_SECONDS = 5.0  # a drain job re-queues itself after this long, leaving the worker to other jobs
DRAIN_FLAG_SECONDS = 120  # a drain flagged as pending this long is presumed lost; the next dispatch queues another
# Targets whose messages may run together: target -> a function taking a list of outbox message ids.
_BATCH_TARGETS: dict[str, str] = {}


def register_batch(target: Callable[..., Any] | str, batch: Callable[..., Any] | str) -> None:
    """Let messages for `target` run as jobs of `batch(outbox_ids)`, those due together in one job.

    `batch` must honour execute()'s rules for each message: skip done ones, run each once, mark done
    or reschedule each, and leave a message it did not finish pending (the relay sends it again).
    """
    _BATCH_TARGETS[_target(target)] = _target(batch)


class RetryLater(Exception):
    """Raised by outbox work that failed but recorded why: its changes are kept and it runs again after back-off."""


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
    request_id: Mapped[str | None] = mapped_column(String(128))  # the request that deferred it, for the logs


def _now() -> datetime:
    return datetime.now(UTC)


def defer(func: Callable[..., Any] | str, *args: Any, delay: timedelta | None = None, **kwargs: Any) -> OutboxMessage:
    """Add `func(*args, **kwargs)` to the outbox in the current transaction; it runs after commit."""
    now = _now()
    message = OutboxMessage(
        tenant_id=current_tenant_id(),
        target=_target(func),
        args=list(args),
        kwargs=kwargs,
        available_at=now + (delay or timedelta(0)),
        request_id=current_request_id(),
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
        pending.extend((m.id, m.tenant_id, m.available_at, m.target) for m in new)


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint ended: wait for the real commit
    pending = session.info.pop("frontcounter_outbox", [])
    now = _now()
    # Work deferred with a delay is left for the relay, which sends it when due.
    due = [
        (message_id, tenant_id, target)
        for message_id, tenant_id, available_at, target in pending
        if available_at is None or _aware(available_at) <= now
    ]
    sent = _dispatch_all(due)
    if len(sent) < len(due):
        _mark_undispatched(session, [message_id for message_id, _, _ in due if message_id not in sent])


def _groups(messages: list[tuple[int, int | None, str]]) -> list[tuple[list[int], int | None, str | None]]:
    """Runs of messages of one force and one batchable target (up to BATCH_SIZE), else single messages."""
    groups: list[tuple[list[int], int | None, str | None]] = []
    for message_id, tenant_id, target in messages:
        batch = _BATCH_TARGETS.get(target)
        last = groups[-1] if groups else None
        if (batch is not None and last is not None and last[2] == batch and last[1] == tenant_id
                and len(last[0]) < BATCH_SIZE):
            last[0].append(message_id)
        else:
            groups.append(([message_id], tenant_id, batch))
    return groups


def _dispatch_all(messages: list[tuple[int, int | None, str]]) -> set[int]:
    """Dispatch in order, stopping at the first failure (a queue that is down would only time out again).

    With several batches (an email and other batched work in one commit) every batch's ids and drain flag
    go to Redis in one pipeline first; each batch then only queues its drain where none was pending.
    """
    groups = _groups(messages)
    flagged = _add_to_batches(groups)
    sent: set[int] = set()
    for index, (message_ids, tenant_id, batch) in enumerate(groups):
        if batch is None:
            ok = dispatch(message_ids[0], tenant_id)
        elif flagged is None:
            ok = dispatch_batch(message_ids, tenant_id, batch)
        else:
            ok = index in flagged and dispatch_batch(message_ids, tenant_id, batch, flagged=flagged[index])
        if not ok:
            break
        sent.update(message_ids)
    return sent


def _add_to_batches(groups: list[tuple[list[int], int | None, str | None]]) -> dict[int, bool] | None:
    """When two or more groups are batches: add their ids to their sets and try their drain flags in one
    pipeline; returns each flag's outcome by group index ({} when Redis failed), else None."""
    batches = [(index, ids, tenant_id, batch) for index, (ids, tenant_id, batch) in enumerate(groups)
               if batch is not None]
    if len(batches) < 2:
        return None
    try:
        pipe = get_queue().connection.pipeline(transaction=False)
        for _index, message_ids, tenant_id, batch in batches:
            members, flag = _coalesce_keys(batch, tenant_id)
            pipe.sadd(members, *message_ids)
            pipe.set(flag, "1", nx=True, ex=DRAIN_FLAG_SECONDS)
        replies = pipe.execute()
    except Exception as exc:  # noqa: BLE001 - Redis down: the relay will send them later
        log.warning("Outbox batches not dispatched (%s); the relay will retry", exc)
        return {}
    return {index: bool(replies[2 * n + 1]) for n, (index, _ids, _t, _b) in enumerate(batches)}


def _mark_undispatched(session: Session, message_ids: list[int]) -> None:
    """The queue was down at commit: clear dispatched_at so the next relay sends them without waiting."""
    try:
        with session.get_bind().begin() as connection:
            connection.execute(
                db.update(OutboxMessage).where(OutboxMessage.id.in_(message_ids)).values(dispatched_at=None)
            )
    except Exception:
        log.exception("Could not mark outbox messages %s for the relay", message_ids)


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint rolled back: work deferred earlier in the transaction still stands
    session.info.pop("frontcounter_outbox", None)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _job_id(message_id: int) -> str:
    return f"outbox-{message_id}"


def dispatch(message_id: int, tenant_id: int | None) -> bool:
    """Queue the job for one outbox message; False (and it stays pending) when the queue is down."""
    try:
        get_queue().enqueue(
            "frontcounter.jobs.runner.run",
            tenant_id,
            "frontcounter.jobs.outbox:execute",
            [message_id],
            {},
            job_id=_job_id(message_id),
            # The request id of the request being handled (the deferring one, at commit); execute() also
            # restores the message's own request_id, so a relayed job logs the original request.
            meta={"tenant_id": tenant_id, "outbox_id": message_id, "request_id": current_request_id()},
            failure_ttl=7 * 24 * 3600,
        )
        return True
    except Exception as exc:  # noqa: BLE001 - Redis down: the relay will send it later
        log.warning("Outbox message %s not dispatched (%s); the relay will retry", message_id, exc)
        return False


def _coalesce_keys(batch: str, tenant_id: int | None) -> tuple[str, str]:
    """The Redis set of message ids waiting for `batch` in force `tenant_id`, and its drain-pending flag."""
    base = f"frontcounter:outbox:coalesce:{batch}:{tenant_id if tenant_id is not None else '-'}"
    return base, base + ":drain"


def _enqueue_drain(batch: str, tenant_id: int | None, flagged: bool | None = None) -> None:
    """Queue a drain job for (batch, force) unless one is already pending (the flag expires, so a lost drain
    never blocks the next). `flagged` is the outcome of setting the flag when the caller already tried."""
    queue = get_queue()
    members, flag = _coalesce_keys(batch, tenant_id)
    if flagged is None:
        flagged = bool(queue.connection.set(flag, "1", nx=True, ex=DRAIN_FLAG_SECONDS))
    if not flagged:
        return
    try:
        queue.enqueue(
            "frontcounter.jobs.runner.run",
            tenant_id,
            "frontcounter.jobs.outbox:drain",
            [batch],
            {},
            meta={"tenant_id": tenant_id, "outbox_drain": members},
            failure_ttl=7 * 24 * 3600,
        )
    except Exception:
        queue.connection.delete(flag)
        raise


def dispatch_batch(message_ids: list[int], tenant_id: int | None, batch: str, *, flagged: bool | None = None) -> bool:
    """Add the messages to their (batch, force) set and queue a drain job if none is pending; False (and
    they stay pending for the relay) when the queue is down. `flagged`: the ids were added already, and
    this is whether the drain's flag was set then."""
    try:
        connection = get_queue().connection
        members, flag = _coalesce_keys(batch, tenant_id)
        if flagged is None:
            # One round trip: add the ids, then try to flag a drain as pending (in that order, as drain() expects).
            pipe = connection.pipeline(transaction=False)
            pipe.sadd(members, *message_ids)
            pipe.set(flag, "1", nx=True, ex=DRAIN_FLAG_SECONDS)
            _added, flagged = pipe.execute()
        try:
            _enqueue_drain(batch, tenant_id, flagged=bool(flagged))
        except Exception:
            connection.srem(members, *message_ids)
            raise
        return True
    except Exception as exc:  # noqa: BLE001 - Redis down: the relay will send them later
        log.warning("Outbox messages %s not dispatched (%s); the relay will retry", message_ids, exc)
        return False


def drain(batch: str) -> int:
    """Drain job: run `batch` on the force's waiting message ids, BATCH_SIZE at a time, until none wait.

    The pending flag is cleared before the first pop, so a message added meanwhile either is popped here or
    queues a new drain. Popped ids are gone from Redis but their rows stay pending until `batch` marks them
    done: a drain killed mid-way loses nothing, the relay sends them again after its grace period. After
    DRAIN_SECONDS it re-queues itself for what is left, so one force cannot hold a worker for ever.
    """
    from frontcounter.jobs.runner import resolve

    tenant_id = current_tenant_id()
    connection = get_queue().connection
    members, flag = _coalesce_keys(batch, tenant_id)
    connection.delete(flag)
    function = resolve(batch)
    started, ran = time.monotonic(), 0
    try:
        while time.monotonic() - started < DRAIN_SECONDS:
            popped = connection.spop(members, BATCH_SIZE)
            if not popped:
                return ran
            ids = sorted(int(i) for i in popped)
            function(ids)
            db.session.commit()
            ran += len(ids)
    finally:
        try:
            if connection.scard(members):
                _enqueue_drain(batch, tenant_id)
        except Exception:  # noqa: BLE001 - Redis gone: the relay sends what was left
            log.warning("No drain queued for what is left of %s; the relay will send it", members)
    return ran


def execute(message_id: int) -> Any:
    """Run one outbox message once: skipped when already done, marked done in the same transaction.

    The row is locked while the work runs, so a duplicate dispatch waits and then finds it done. On
    RetryLater the work's own changes are kept and the message is rescheduled; on any other error
    everything is rolled back, the failure is counted and the error re-raised (rq records it).
    """
    from frontcounter.jobs.runner import resolve

    message = db.session.get(OutboxMessage, message_id, with_for_update=True)
    if message is None or message.done_at is not None:
        return None
    if message.tenant_id != current_tenant_id():
        log.error(
            "Outbox message %s is force %s's; a job for another force must not run it", message_id, message.tenant_id
        )
        return None
    request_token = set_request_id(message.request_id or current_request_id())  # the deferring request's id
    try:
        result = resolve(message.target)(*message.args, **message.kwargs)
    except RetryLater as exc:
        _reschedule(message, exc)
        log.warning("Outbox message %s will be retried: %s", message_id, exc)
        return None
    except Exception as exc:
        db.session.rollback()
        failed = db.session.get(OutboxMessage, message_id)
        if failed is not None:
            _reschedule(failed, exc)
            db.session.commit()
        raise
    finally:
        reset_request_id(request_token)
    message.attempts += 1
    message.done_at = _now()
    return result


def _reschedule(message: OutboxMessage, exc: Exception) -> None:
    message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:4000]
    message.available_at = _now() + timedelta(minutes=2 ** min(message.attempts, 10))
    message.dispatched_at = None


def finish_batch(done: list[int], retry: dict[int, str]) -> None:
    """For a batch job: mark `done` messages done and reschedule those in `retry` (id -> why) with back-off."""
    now = _now()
    if done:
        db.session.execute(
            db.update(OutboxMessage)
            .where(OutboxMessage.id.in_(done), OutboxMessage.done_at.is_(None))
            .values(done_at=now, attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False)
        )
    for message_id, why in retry.items():
        message = db.session.get(OutboxMessage, message_id)
        if message is not None and message.done_at is None:
            _reschedule(message, RetryLater(why))
            log.warning("Outbox message %s will be retried: %s", message_id, why)


def _waiting_in_queue(message_id: int, tenant_id: int | None = None, target: str | None = None) -> bool:
    """True when the message's job is still queued (not lost, not started), or the message waits in its
    batch's set with a drain pending: re-sending it would only repeat it."""
    from rq.job import Job, JobStatus

    try:
        queue = get_queue()
        batch = _BATCH_TARGETS.get(target) if target is not None else None
        if batch is not None:
            members, flag = _coalesce_keys(batch, tenant_id)
            return bool(queue.connection.sismember(members, message_id)) and bool(queue.connection.exists(flag))
        return Job.fetch(_job_id(message_id), connection=queue.connection).get_status() == JobStatus.QUEUED
    except Exception:  # noqa: BLE001 - no such job, or Redis down: dispatch decides
        return False


def relay(grace: timedelta | None = None, limit: int = 500, now: datetime | None = None) -> int:
    """Re-dispatch messages that are due and not done (queue was down, or a worker died); return how many.

    A message dispatched less than `grace` ago (default OUTBOX_RELAY_GRACE_SECONDS) is left alone (its
    job is probably still running).
    """
    from flask import current_app

    if grace is None:
        grace = timedelta(seconds=current_app.config.get("OUTBOX_RELAY_GRACE_SECONDS", 60))
    now = now or _now()
    rows = db.session.execute(
        db.select(OutboxMessage.id, OutboxMessage.tenant_id, OutboxMessage.dispatched_at, OutboxMessage.target)
        .where(
            OutboxMessage.done_at.is_(None),
            OutboxMessage.available_at <= now,
            OutboxMessage.attempts < MAX_ATTEMPTS,
            (OutboxMessage.dispatched_at.is_(None)) | (OutboxMessage.dispatched_at <= now - grace),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    due = [(row.id, row.tenant_id, row.target) for row in rows
           if row.dispatched_at is None or not _waiting_in_queue(row.id, row.tenant_id, row.target)]
    sent = _dispatch_all(due)
    if sent:
        db.session.execute(
            db.update(OutboxMessage)
            .where(OutboxMessage.id.in_(sent), OutboxMessage.done_at.is_(None))
            .values(dispatched_at=now)
        )
        db.session.commit()
    return len(sent)
