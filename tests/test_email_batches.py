"""Emails due together go out in one job (one claim, one SMTP connection) with every guarantee of one
email's job: each sent once, nothing lost when the server fails mid-batch, no duplicate on a retry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from frontcounter.extensions import db
from frontcounter.jobs.outbox import OutboxMessage, _groups, defer, relay
from frontcounter.notifications import transports
from frontcounter.notifications.batch import deliver_outbox_batch
from frontcounter.notifications.models import EmailMessage
from frontcounter.notifications.send import deliver, hand_over_lock
from frontcounter.tenancy import tenant_context

from tests.conftest import run_jobs
from tests.test_notifications import emails, mail_app, smtp, transport  # noqa: F401 - fixtures

DELIVER = "frontcounter.notifications.send:deliver"
BATCH = "frontcounter.notifications.batch:deliver_outbox_batch"


@pytest.fixture(autouse=True)
def _fresh_connections():
    transports.close_kept_connections()
    yield
    transports.close_kept_connections()


def _record(app, force, count: int, *, later: bool = False) -> list[tuple[int, int]]:
    """Record `count` emails in one transaction; returns (email id, outbox id) pairs.

    With later=True their outbox messages wait (an hour's delay, then made due) so the test plays the worker.
    """
    with app.app_context(), tenant_context(force):
        pairs = []
        for i in range(count):
            message = EmailMessage(tenant_id=force.id, to=f"person{i}@example.com", subject=f"Email {i}",
                                   text_body=f"Body {i}", html_body=f"<p>Body {i}</p>", transport="smtp",
                                   status="queued")
            db.session.add(message)
            db.session.flush()
            outbox = defer(deliver, message.id, delay=timedelta(hours=1) if later else None)
            db.session.flush()
            pairs.append((message.id, outbox.id))
        db.session.commit()
        if later:
            db.session.execute(db.update(OutboxMessage).where(OutboxMessage.id.in_([o for _, o in pairs]))
                               .values(available_at=datetime.now(UTC) - timedelta(seconds=1)))
            db.session.commit()
        return pairs


def _batch(app, force, outbox_ids: list[int]) -> dict[str, int]:
    with app.app_context(), tenant_context(force):
        try:
            result = deliver_outbox_batch(outbox_ids)
            db.session.commit()
            return result
        finally:
            db.session.rollback()


def _outbox(app, ids: list[int]) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                  .order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return rows


def _statuses(app, ids: list[int]) -> list[str]:
    return [e.status for e in emails(app) if e.id in ids]


def test_emails_committed_together_are_dispatched_as_one_job_and_each_is_sent_once(
    mail_app, forces, smtp, transport  # noqa: F811
):
    transport(smtp.config())
    pairs = _record(mail_app, forces[0], 5)
    run_jobs(mail_app)  # embedded: they ran at commit
    assert _statuses(mail_app, [e for e, _ in pairs]) == ["sent"] * 5
    assert sorted(m["To"] for m in smtp.received) == sorted(f"person{i}@example.com" for i in range(5))
    assert all(row.done_at is not None and row.attempts == 1 for row in _outbox(mail_app, [o for _, o in pairs]))


def test_dispatch_groups_runs_of_one_force_and_batchable_target():
    messages = [(1, 7, DELIVER), (2, 7, DELIVER), (3, 8, DELIVER), (4, 8, "x:y"), (5, 8, DELIVER), (6, 8, DELIVER)]
    assert _groups(messages) == [([1, 2], 7, BATCH), ([3], 8, BATCH), ([4], 8, None), ([5, 6], 8, BATCH)]


def test_an_smtp_failure_mid_batch_loses_nothing_and_the_retry_sends_only_what_failed(
    mail_app, forces, smtp, transport, monkeypatch  # noqa: F811
):
    transport(smtp.config())
    pairs = _record(mail_app, forces[0], 4, later=True)
    real = transports.SmtpTransport._send

    def failing_for_the_third(self, connection, message):
        if message.to == "person2@example.com":
            raise ConnectionResetError("the server went away")
        return real(self, connection, message)

    with monkeypatch.context() as patch:
        patch.setattr(transports.SmtpTransport, "_send", failing_for_the_third)
        assert _batch(mail_app, forces[0], [o for _, o in pairs]) == {"sent": 3, "technical-failure": 1}
    assert _statuses(mail_app, [e for e, _ in pairs]) == ["sent", "sent", "technical-failure", "sent"]
    rows = _outbox(mail_app, [o for _, o in pairs])
    assert [r.done_at is not None for r in rows] == [True, True, False, True]
    assert rows[2].dispatched_at is None and rows[2].attempts == 1 and "went away" in rows[2].last_error
    # The relay sends the failed one again once it is due; nothing else goes twice.
    with mail_app.app_context():
        assert relay(now=datetime.now(UTC) + timedelta(hours=1)) == 1
    run_jobs(mail_app)
    assert _statuses(mail_app, [e for e, _ in pairs]) == ["sent"] * 4
    assert sorted(m["To"] for m in smtp.received) == sorted(f"person{i}@example.com" for i in range(4))


def test_a_batch_run_twice_sends_nothing_twice(mail_app, forces, smtp, transport):  # noqa: F811
    transport(smtp.config())
    pairs = _record(mail_app, forces[0], 3, later=True)
    outbox_ids = [o for _, o in pairs]
    assert _batch(mail_app, forces[0], outbox_ids) == {"sent": 3}
    assert _batch(mail_app, forces[0], outbox_ids) == {}  # as a relay that thought the job lost would
    assert len(smtp.received) == 3


def test_an_email_another_worker_is_sending_is_left_to_it_and_retried_later(
    mail_app, forces, smtp, transport  # noqa: F811
):
    transport(smtp.config())
    pairs = _record(mail_app, forces[0], 3, later=True)
    with mail_app.app_context():
        db.session.get(EmailMessage, pairs[1][0]).attempt_started_at = datetime.now(UTC)
        db.session.commit()
        with hand_over_lock(pairs[1][0]) as held:  # PostgreSQL: the other worker holds its hand-over lock
            assert held is not False
            assert _batch(mail_app, forces[0], [o for _, o in pairs]) == {"sent": 2}
    assert len(smtp.received) == 2
    rows = _outbox(mail_app, [o for _, o in pairs])
    assert [r.done_at is not None for r in rows] == [True, False, True] and rows[1].dispatched_at is None


@pytest.mark.postgres_only
def test_a_dead_workers_claim_is_sent_at_once_when_its_hand_over_lock_is_free(mail_app, forces, smtp, transport):  # noqa: F811
    transport(smtp.config())
    pairs = _record(mail_app, forces[0], 2, later=True)
    with mail_app.app_context():
        db.session.get(EmailMessage, pairs[0][0]).attempt_started_at = datetime.now(UTC)  # the dead worker's
        db.session.commit()
    assert _batch(mail_app, forces[0], [o for _, o in pairs]) == {"sent": 2}
    assert [e.attempts for e in emails(mail_app) if e.id in [p[0] for p in pairs]] == [1, 1]


def test_a_batch_for_another_force_runs_none_of_its_messages(mail_app, forces, smtp, transport):  # noqa: F811
    transport(smtp.config())
    pairs = _record(mail_app, forces[0], 2, later=True)
    assert _batch(mail_app, forces[1], [o for _, o in pairs]) == {}
    assert smtp.received == [] and _statuses(mail_app, [e for e, _ in pairs]) == ["queued", "queued"]


def _record_one_a_transaction(app, force, count: int) -> list[tuple[int, int]]:
    """Record `count` emails, each in its own transaction (as web requests do); (email id, outbox id) pairs."""
    pairs = []
    for i in range(count):
        with app.app_context(), tenant_context(force):
            message = EmailMessage(tenant_id=force.id, to=f"single{i}@example.com", subject=f"Email {i}",
                                   text_body=f"Body {i}", html_body=f"<p>Body {i}</p>", transport="smtp",
                                   status="queued")
            db.session.add(message)
            db.session.flush()
            outbox = defer(deliver, message.id)
            db.session.flush()
            pairs.append((message.id, outbox.id))
            db.session.commit()
    return pairs


def _queued_jobs(app) -> int:
    from frontcounter.jobs import get_queue

    with app.app_context():
        return get_queue().count


def _each_sent_once(app, pairs, server) -> None:
    """Every email of `pairs` is marked sent and reached the SMTP server exactly once."""
    assert _statuses(app, [e for e, _ in pairs]) == ["sent"] * len(pairs)
    assert sorted(m["To"] for m in server.received) == sorted(f"single{i}@example.com" for i in range(len(pairs)))


@pytest.mark.postgres_only
def test_emails_of_separate_transactions_wait_together_for_one_drain_job(mail_app, forces, smtp, transport):  # noqa: F811
    transport(smtp.config())
    pairs = _record_one_a_transaction(mail_app, forces[0], 7)
    assert _queued_jobs(mail_app) == 1  # one drain job, not one job per email
    run_jobs(mail_app)
    _each_sent_once(mail_app, pairs, smtp)
    assert _queued_jobs(mail_app) == 0
    # The next request's email queues a new drain: the first one cleared its flag.
    [(email_id, _)] = _record_one_a_transaction(mail_app, forces[0], 1)
    assert _queued_jobs(mail_app) == 1
    run_jobs(mail_app)
    assert _statuses(mail_app, [email_id]) == ["sent"]


@pytest.mark.postgres_only
def test_a_drain_killed_after_taking_emails_loses_none_and_the_relay_sends_each_once(
    mail_app, forces, smtp, transport, monkeypatch  # noqa: F811
):
    from frontcounter.jobs import get_queue, outbox

    transport(smtp.config())
    monkeypatch.setattr(outbox, "BATCH_SIZE", 5)
    pairs = _record_one_a_transaction(mail_app, forces[0], 12)
    members, _flag = outbox._coalesce_keys(BATCH, forces[0].id)
    with mail_app.app_context():
        # A drain takes 5 ids from the set and its worker is killed before it sends them.
        taken = sorted(int(i) for i in get_queue().connection.spop(members, 5))
        assert relay(now=datetime.now(UTC) + timedelta(hours=1)) == 5  # the 7 still waiting are not re-sent
    run_jobs(mail_app)  # the pending drain (7 waiting) and the relay's (the 5 taken)
    _each_sent_once(mail_app, pairs, smtp)
    assert all(row.done_at is not None and row.attempts == 1 for row in _outbox(mail_app, taken))
    with mail_app.app_context():
        assert relay(now=datetime.now(UTC) + timedelta(hours=1)) == 0


@pytest.mark.postgres_only
def test_a_drain_that_fails_mid_way_leaves_the_rest_to_the_next_drain_and_the_relay(
    mail_app, forces, smtp, transport, monkeypatch  # noqa: F811
):
    from frontcounter.jobs import outbox
    from frontcounter.notifications import batch

    transport(smtp.config())
    monkeypatch.setattr(outbox, "BATCH_SIZE", 5)
    pairs = _record_one_a_transaction(mail_app, forces[0], 12)
    real, calls = batch.deliver_outbox_batch, []

    def dies_on_the_second_batch(outbox_ids):
        calls.append(outbox_ids)
        if len(calls) == 2:
            raise RuntimeError("worker lost its database")
        return real(outbox_ids)

    monkeypatch.setattr(batch, "deliver_outbox_batch", dies_on_the_second_batch)
    run_jobs(mail_app)  # the first drain fails on its second batch and queues another for what is left
    monkeypatch.setattr(batch, "deliver_outbox_batch", real)
    run_jobs(mail_app)
    sent = [e for e, _ in pairs if _statuses(mail_app, [e]) == ["sent"]]
    assert len(sent) == 12 - 5  # the failed batch's 5 wait for the relay
    with mail_app.app_context():
        assert relay(now=datetime.now(UTC) + timedelta(hours=1)) == 5
    run_jobs(mail_app)
    _each_sent_once(mail_app, pairs, smtp)
