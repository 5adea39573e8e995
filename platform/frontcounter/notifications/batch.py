"""Emails due together are handed over in one job: claimed in one statement, sent over one connection,
their outcomes committed a few at a time, with the same guarantees as one email's job (send.deliver)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from frontcounter.extensions import db
from frontcounter.jobs.outbox import OutboxMessage, finish_batch
from frontcounter.notifications.models import EmailMessage
from frontcounter.notifications.send import ATTEMPT_WINDOW, HAND_OVER_LOCK, RETRYABLE_STATUSES
from frontcounter.notifications.transports import PermanentFailure, configured_transport
from frontcounter.observability.requestid import current_request_id, reset_request_id, set_request_id
from frontcounter.tenancy.context import current_tenant_id

log = logging.getLogger(__name__)
# Outcomes are committed after this many hand-overs: a worker killed mid-batch resends at most these.
COMMIT_EVERY = 20


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _pending(outbox_ids: list[int]) -> tuple[dict[int, int], dict[int, str | None]]:
    """The batch's outbox messages still to do in this job's force, locked: email id -> outbox id, and
    email id -> the id of the request that sent it (for the logs)."""
    tenant_id = current_tenant_id()
    rows = db.session.execute(
        db.select(OutboxMessage.id, OutboxMessage.args, OutboxMessage.request_id)
        .where(
            OutboxMessage.id.in_(outbox_ids),
            OutboxMessage.done_at.is_(None),
            OutboxMessage.tenant_id == tenant_id if tenant_id is not None else OutboxMessage.tenant_id.is_(None),
        )
        .with_for_update(skip_locked=True)  # a message another worker is running is left to it
    ).all()
    return ({int(args[0]): outbox_id for outbox_id, args, _r in rows if args},
            {int(args[0]): request_id for _o, args, request_id in rows if args})


_LOCK = text("SELECT id FROM unnest(CAST(:ids AS integer[])) AS id "
             "WHERE pg_try_advisory_lock(CAST(:kind AS integer), CAST(id % 2147483648 AS integer))")
_UNLOCK = text("SELECT pg_advisory_unlock(CAST(:kind AS integer), CAST(id % 2147483648 AS integer)) "
               "FROM unnest(CAST(:ids AS integer[])) AS id")


@contextmanager
def hand_over_locks(email_ids: list[int]) -> Iterator[set[int] | None]:
    """Hold the hand-over locks (send.hand_over_lock's) of those emails that are free, for the block.

    Yields the ids locked, or None where the database has no advisory locks (SQLite).
    """
    if db.engine.dialect.name != "postgresql" or not email_ids:
        yield None
        return
    with db.engine.connect() as connection:  # a connection of its own: the session commits meanwhile
        held = set(connection.scalars(_LOCK, {"ids": email_ids, "kind": HAND_OVER_LOCK}))
        connection.commit()
        try:
            yield held
        finally:
            if held:
                connection.execute(_UNLOCK, {"ids": sorted(held), "kind": HAND_OVER_LOCK})
                connection.commit()


def _claim(email_ids: list[int], now: datetime, locked: set[int] | None) -> set[int]:
    """Record (in one statement) that these emails' hand-overs start now; returns the ids claimed.

    With advisory locks (`locked`), only the emails whose lock this job holds are claimed, and an earlier
    claim on one of them is a dead worker's; without, a claim younger than ATTEMPT_WINDOW is respected.
    """
    if locked is not None:
        email_ids = [e for e in email_ids if e in locked]
        if not email_ids:
            return set()
    earlier = db.session.execute(
        db.select(EmailMessage.id, EmailMessage.attempt_started_at)
        .where(EmailMessage.id.in_(email_ids), EmailMessage.attempt_started_at.is_not(None))
    ).all()
    for email_id, started in earlier:
        log.warning("Email %s: an earlier hand-over (%s) never recorded its outcome", email_id, started)
    return set(db.session.scalars(
        db.update(EmailMessage)
        .where(
            EmailMessage.id.in_(email_ids),
            EmailMessage.status.in_(RETRYABLE_STATUSES),
            *(() if locked is not None else (
                EmailMessage.attempt_started_at.is_(None) | (EmailMessage.attempt_started_at < now - ATTEMPT_WINDOW),
            )),
        )
        .values(attempt_started_at=now, attempts=EmailMessage.attempts + 1)
        .returning(EmailMessage.id)
        .execution_options(synchronize_session=False)
    ))


def _settle_unclaimed(pending: dict[int, int], claimed: set[int]) -> None:
    """Emails not claimed are either finished (their messages are done) or being sent elsewhere (retry later)."""
    unclaimed = [email_id for email_id in pending if email_id not in claimed]
    if not unclaimed:
        return
    statuses = dict(db.session.execute(
        db.select(EmailMessage.id, EmailMessage.status).where(EmailMessage.id.in_(unclaimed))
    ).all())
    done = [pending[e] for e in unclaimed if statuses.get(e) not in RETRYABLE_STATUSES]
    retry = {pending[e]: f"email {e} is being handed over by another worker"
             for e in unclaimed if statuses.get(e) in RETRYABLE_STATUSES}
    finish_batch(done, retry)


def deliver_outbox_batch(outbox_ids: list[int]) -> dict[str, int]:
    """Outbox batch job: hand many recorded emails of one force to the transport, each at most once at a time.

    As in send.deliver, the claims are committed before anything is sent and the outcomes soon after
    (every COMMIT_EVERY emails), each email's outbox message done with its outcome; a technical failure
    reschedules only that email's message, and a message this job never finished stays pending.
    """
    now = datetime.now(UTC)
    pending, request_ids = _pending(outbox_ids)
    with hand_over_locks(list(pending)) as locked:
        claimed = _claim(list(pending), now, locked) if pending else set()
        _settle_unclaimed(pending, claimed)
        db.session.commit()  # the claims (and the settled messages) before any hand-over
        return _send_claimed(sorted(claimed), pending, request_ids)


def _send_claimed(order: list[int], pending: dict[int, int], request_ids: dict[int, str | None]) -> dict[str, int]:
    transport = configured_transport()
    counts: dict[str, int] = {}
    for start in range(0, len(order), COMMIT_EVERY):
        chunk = order[start : start + COMMIT_EVERY]
        messages = db.session.scalars(db.select(EmailMessage).where(EmailMessage.id.in_(chunk))).all()
        done: list[int] = []
        retry: dict[int, str] = {}
        for message in messages:
            token = set_request_id(request_ids.get(message.id) or current_request_id())
            try:
                status, error = _hand_over(transport, message)
            finally:
                reset_request_id(token)
            message.transport = transport.name
            message.record_status(status, error)
            message.attempt_started_at = None
            counts[status] = counts.get(status, 0) + 1
            if status == "technical-failure":
                retry[pending[message.id]] = error
            else:
                done.append(pending[message.id])
        finish_batch(done, retry)
        db.session.commit()
    return counts


def _hand_over(transport: Any, message: EmailMessage) -> tuple[str, str]:
    try:
        return transport.deliver(message), ""
    except PermanentFailure as exc:
        return "permanent-failure", _describe(exc)
    except Exception as exc:  # noqa: BLE001 - any failure of one hand-over is that email's technical failure
        log.warning("Email %s: hand-over failed (%s); it will be retried", message.id, _describe(exc))
        return "technical-failure", _describe(exc)
