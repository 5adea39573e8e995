"""The worker's fast path keeps every guarantee: one SMTP connection reused between emails (re-opened when
the server dropped it), nothing lost when the server goes away mid-run, no duplicate on retry; the worker
runs jobs in its own process unless --fork, and stops after --max-jobs."""

from __future__ import annotations

import email.policy
from email import message_from_bytes

import pytest
from frontcounter.extensions import db
from frontcounter.jobs.outbox import RetryLater
from frontcounter.notifications import transports
from frontcounter.notifications.mime import build

from tests.test_email_hand_over import _deliver, _queued_email
from tests.test_notifications import emails, mail_app, smtp, transport  # noqa: F401 - fixtures
from tests.test_outbox import defer_and_commit, issue_permit, permits, redis_app, redis_server  # noqa: F401


@pytest.fixture
def connections(monkeypatch):
    """Count the SMTP connections opened; close kept ones before and after the test."""
    opened: list[int] = []
    real = transports.SmtpTransport._connect

    def counting(self):
        opened.append(1)
        return real(self)

    transports.close_kept_connections()
    monkeypatch.setattr(transports.SmtpTransport, "_connect", counting)
    yield opened
    transports.close_kept_connections()


def test_emails_in_a_row_share_one_smtp_connection(mail_app, forces, smtp, transport, connections):  # noqa: F811
    transport(smtp.config())
    ids = [_queued_email(mail_app, forces[0]) for _ in range(3)]
    assert [_deliver(mail_app, forces[0], i) for i in ids] == ["sent"] * 3
    assert len(smtp.received) == 3 and len(connections) == 1
    assert len({m["Message-ID"] for m in smtp.received}) == 3


def test_a_connection_the_server_dropped_is_opened_again_and_nothing_is_sent_twice(
    mail_app, forces, smtp, transport, connections  # noqa: F811
):
    transport(smtp.config())
    first, second = _queued_email(mail_app, forces[0]), _queued_email(mail_app, forces[0])
    assert _deliver(mail_app, forces[0], first) == "sent"
    smtp.stop()
    smtp.start()  # the kept connection is dead now
    assert _deliver(mail_app, forces[0], second) == "sent"
    assert len(smtp.received) == 2 and len(connections) == 2
    assert [e.status for e in emails(mail_app) if e.id in (first, second)] == ["sent", "sent"]


def test_nothing_is_lost_when_the_smtp_server_goes_away_mid_run_and_the_retry_sends_once(
    mail_app, forces, smtp, transport, connections  # noqa: F811
):
    transport(smtp.config())
    ids = [_queued_email(mail_app, forces[0]) for _ in range(3)]
    assert _deliver(mail_app, forces[0], ids[0]) == "sent"
    smtp.stop()
    for email_id in ids[1:]:
        with pytest.raises(RetryLater):
            _deliver(mail_app, forces[0], email_id)
    assert [e.status for e in emails(mail_app) if e.id in ids] == ["sent", "technical-failure", "technical-failure"]
    smtp.start()
    for email_id in ids:  # the outbox retries every job; the one already sent is not sent again
        assert _deliver(mail_app, forces[0], email_id) == "sent"
    assert len(smtp.received) == 3 and len({m["Message-ID"] for m in smtp.received}) == 3  # each once
    assert [e.status for e in emails(mail_app) if e.id in ids] == ["sent"] * 3


def test_the_mime_builder_makes_email_any_reader_parses():
    raw = build("Heddlu <no-reply@example.com>", "ann@example.com", "Eich trwydded – ‘parcio’", "<a-1@example.com>",
                "Helô Ann,\nDyma’r ddolen.\n", "<p>Helô Ann</p>")
    parsed = message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == "Eich trwydded – ‘parcio’" and parsed["Message-ID"] == "<a-1@example.com>"
    assert parsed.get_body(("plain",)).get_content() == "Helô Ann,\nDyma’r ddolen.\n"
    assert parsed.get_body(("html",)).get_content() == "<p>Helô Ann</p>"
    text_only = message_from_bytes(build("a@example.com", "b@example.com", "Hi", "<b@x>", "Hello"),
                                   policy=email.policy.default)
    assert text_only.get_content_type() == "text/plain" and text_only.get_content() == "Hello"


@pytest.mark.postgres_only
@pytest.mark.parametrize("fork", [False, True])
def test_the_worker_runs_jobs_in_process_or_forked_and_stops_after_max_jobs(redis_app, forces, fork):  # noqa: F811
    from frontcounter.cli import cli

    alpha = forces[0]
    for holder in ("One", "Two", "Three"):
        defer_and_commit(redis_app, alpha, issue_permit, f"{holder} {fork}")
    runner = redis_app.test_cli_runner()
    flags = ["--fork"] if fork else []
    result = runner.invoke(cli, ["worker", "--burst", "--max-jobs", "2", *flags])
    assert result.exit_code == 0, result.output
    assert len([p for p in permits(redis_app, alpha) if p[0].endswith(str(fork))]) == 2
    result = runner.invoke(cli, ["worker", "--burst", *flags])
    assert result.exit_code == 0, result.output
    assert sorted(p[0] for p in permits(redis_app, alpha) if p[0].endswith(str(fork))) == [
        f"One {fork}", f"Three {fork}", f"Two {fork}"]
    with redis_app.app_context():
        db.session.remove()
