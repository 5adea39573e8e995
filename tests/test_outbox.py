"""The transactional outbox: work written with a database change runs after commit, exactly once, in its
force, even when Redis was down at commit time or a worker died mid-job; and `frontcounter sweep`."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from flask import Flask
from frontcounter.extensions import db
from frontcounter.jobs.outbox import OutboxMessage, defer, dispatch, relay
from frontcounter.tenancy import current_tenant, tenant_context
from frontcounter_sample.models import SamplePermit

ROOT = Path(__file__).resolve().parents[1]


# -- the work the tests defer: it leaves a permit in the force it ran for ----------------------------


def issue_permit(holder: str) -> None:
    """Outbox work: one permit, in the force the job runs for, noting how many permits that force had."""
    seen = db.session.scalar(db.select(db.func.count(SamplePermit.id)))
    db.session.add(SamplePermit(holder=holder, vehicle=f"{current_tenant().slug}:{seen}"))


def issue_permit_slowly(holder: str, started: str, hold: str) -> None:
    """Like issue_permit, but waits (holding its transaction open) while the file `hold` exists."""
    issue_permit(holder)
    db.session.flush()
    Path(f"{started}.new").write_text(str(os.getpid()))
    os.replace(f"{started}.new", started)  # whoever waits for it sees the whole pid
    deadline = time.monotonic() + 60
    while Path(hold).exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def permits(app: Flask, force) -> list[tuple[str, str]]:
    with app.app_context(), tenant_context(force):
        return [(p.holder, p.vehicle) for p in db.session.scalars(db.select(SamplePermit).order_by(SamplePermit.id))]


def outbox(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return rows


def defer_and_commit(app: Flask, force, func, *args, **kwargs) -> int:
    with app.app_context(), tenant_context(force):
        message = defer(func, *args, **kwargs)
        db.session.commit()
        return message.id


def work_off(app: Flask) -> None:
    """Run every queued job with an rq worker in this process, then stop."""
    from frontcounter.jobs import get_queue
    from rq import SimpleWorker

    with app.app_context():
        queue = get_queue()
        SimpleWorker([queue], connection=queue.connection).work(burst=True)


# -- in-process (no REDIS_URL): the embedded default --------------------------------------------------


@pytest.fixture(scope="module")
def in_process_app(app, backend_urls) -> Flask:
    """The app with no REDIS_URL: jobs run in-process as soon as the transaction commits."""
    from frontcounter import create_app

    from tests.conftest import base_config

    return app if not app.config["REDIS_URL"] else create_app({**base_config(backend_urls), "REDIS_URL": ""})


def test_in_process_work_runs_right_after_commit_in_its_force(in_process_app, forces):
    alpha, bravo = forces
    with in_process_app.app_context(), tenant_context(bravo):
        message = defer(issue_permit, "Bea")
        db.session.flush()
        message_id = message.id
        assert permits(in_process_app, bravo) == []  # not before commit
        db.session.commit()
    assert permits(in_process_app, bravo) == [("Bea", "bravo:0")]
    assert permits(in_process_app, alpha) == []
    [done] = outbox(in_process_app)
    assert (done.id, done.tenant_id, done.attempts) == (message_id, bravo.id, 1) and done.done_at is not None


def test_in_process_work_never_runs_when_the_transaction_rolls_back(in_process_app, forces):
    alpha = forces[0]
    with in_process_app.app_context(), tenant_context(alpha):
        defer(issue_permit, "Rolled back")
        db.session.flush()
        db.session.rollback()
        defer(issue_permit, "Kept")
        db.session.commit()
    assert permits(in_process_app, alpha) == [("Kept", "alpha:0")]
    assert len(outbox(in_process_app)) == 1


def test_delayed_work_waits_until_it_is_due(in_process_app, forces):
    alpha = forces[0]
    defer_and_commit(in_process_app, alpha, issue_permit, "Later", delay=timedelta(hours=1))
    with in_process_app.app_context():
        assert relay() == 0
        assert permits(in_process_app, alpha) == []
        assert relay(now=datetime.now(UTC) + timedelta(hours=1, seconds=1)) == 1
    assert permits(in_process_app, alpha) == [("Later", "alpha:0")]


def test_sweep_command_relays_due_work_and_fires_due_timers(app, forces):
    from frontcounter.cases import engine
    from frontcounter.cases.models import CaseTimer
    from frontcounter.cli import cli

    alpha = forces[0]
    defer_and_commit(app, alpha, issue_permit, "Swept", delay=timedelta(minutes=5))
    with app.app_context(), tenant_context(alpha):
        case = engine.open_case("sample", applicant_email="late@example.com")
        db.session.commit()
        reference = case.reference
        # A week passes: the delayed work and the unpaid application's timer are both due.
        db.session.execute(db.update(OutboxMessage).values(available_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.session.execute(db.update(CaseTimer).values(due_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.session.commit()
    if app.config["REDIS_URL"]:
        with app.app_context():
            from frontcounter.jobs import get_queue

            get_queue().empty()  # jobs other tests left behind

    result = app.test_cli_runner().invoke(cli, ["sweep"])
    assert result.exit_code == 0, result.output
    assert "outbox-relay: 1" in result.output.splitlines()
    assert "case-timers: 1" in result.output.splitlines()
    assert "email-status: 0" in result.output.splitlines()
    if app.config["REDIS_URL"]:
        work_off(app)
    assert permits(app, alpha) == [("Swept", "alpha:0")]
    with app.app_context(), tenant_context(alpha):
        assert engine.find_case(reference).state == "lapsed"
    from tests.conftest import mailbox

    [lapsed] = mailbox(app, "late@example.com")
    assert lapsed.subject.startswith("Parking permits: Closed: not paid") and lapsed.status == "delivered"


# -- PostgreSQL and a real Redis that the tests stop and start ---------------------------------------


class RedisProcess:
    """A redis-server of this test's own, on a fixed port so it can be stopped and started again."""

    def __init__(self, work_dir: Path) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not os.access(binary, os.X_OK):
            pytest.skip("redis-server is not installed")
        self.binary, self.work_dir = binary, work_dir
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        argv = [
            self.binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.work_dir),
            "--daemonize",
            "no",
        ]
        self.process = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisProcess]:
    server = RedisProcess(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_app(app, backend_urls, redis_server) -> Flask:
    """The app on the shared database and this test's own Redis."""
    from frontcounter import create_app

    from tests.conftest import base_config

    return create_app({**base_config(backend_urls), "REDIS_URL": redis_server.url})


@pytest.mark.postgres_only
def test_work_committed_while_redis_is_down_runs_once_redis_is_back(redis_app, redis_server, forces):
    alpha = forces[0]
    defer_and_commit(redis_app, alpha, issue_permit, "Before")
    work_off(redis_app)
    assert permits(redis_app, alpha) == [("Before", "alpha:0")]

    redis_server.stop()
    started = time.monotonic()
    message_id = defer_and_commit(redis_app, alpha, issue_permit, "During")
    assert time.monotonic() - started < 2  # the commit does not hang on the dead queue
    [_, pending] = outbox(redis_app)
    assert (pending.id, pending.done_at, pending.dispatched_at) == (message_id, None, None)
    with redis_app.app_context():
        assert relay() == 0  # still down: stays pending
        health = redis_app.test_client().get("/healthz")
        assert health.status_code == 503 and health.get_json()["jobs"]["ok"] is False

    redis_server.start()
    with redis_app.app_context():
        assert relay() == 1
    work_off(redis_app)
    assert permits(redis_app, alpha) == [("Before", "alpha:0"), ("During", "alpha:1")]
    with redis_app.app_context():
        assert relay(now=datetime.now(UTC) + timedelta(hours=1)) == 0
    work_off(redis_app)
    assert len(permits(redis_app, alpha)) == 2
    assert all(m.done_at is not None and m.attempts == 1 for m in outbox(redis_app))


@pytest.mark.postgres_only
def test_work_of_a_worker_killed_mid_job_is_re_dispatched_after_the_grace_period_and_runs_once(
    redis_app, redis_server, backend_urls, forces, tmp_path
):
    alpha = forces[0]
    started, hold = tmp_path / "started", tmp_path / "hold"
    hold.touch()
    defer_and_commit(redis_app, alpha, issue_permit_slowly, "Once", str(started), str(hold))
    env = {
        **os.environ,
        "DATABASE_URL": backend_urls["database"],
        "REDIS_URL": redis_server.url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests" / "sample_plugins")]),
    }
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [str(Path(sys.executable).parent / "frontcounter"), "worker"],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while not started.exists():
            alive = worker.poll() is None and time.monotonic() < deadline
            assert alive, f"the worker never started the job:\n{log.read_text()[-3000:]}"
            time.sleep(0.05)
    finally:
        if started.exists():  # rq runs each job in a forked "work horse" with its own session: kill both
            os.kill(int(started.read_text()), signal.SIGKILL)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    hold.unlink()

    assert permits(redis_app, alpha) == []  # its transaction died with it
    [message] = outbox(redis_app)
    assert message.done_at is None and message.dispatched_at is not None
    with redis_app.app_context():
        assert relay() == 0  # within the grace period the job may still be running
        assert relay(now=datetime.now(UTC) + timedelta(seconds=61)) == 1
    work_off(redis_app)
    assert permits(redis_app, alpha) == [("Once", "alpha:0")]
    [message] = outbox(redis_app)
    assert message.done_at is not None and message.attempts == 1


@pytest.mark.postgres_only
def test_a_message_dispatched_twice_runs_once(redis_app, forces):
    alpha = forces[0]
    message_id = defer_and_commit(redis_app, alpha, issue_permit, "Twice?")
    with redis_app.app_context():
        assert dispatch(message_id, alpha.id)  # as a relay that thought the first job lost would
        from frontcounter.jobs import get_queue

        assert get_queue().count == 2
    work_off(redis_app)
    assert permits(redis_app, alpha) == [("Twice?", "alpha:0")]


@pytest.mark.postgres_only
def test_two_workers_running_the_same_message_at_once_run_it_once(redis_app, forces, tmp_path):
    from frontcounter.jobs.runner import run

    alpha = forces[0]
    started, hold = tmp_path / "started", tmp_path / "hold"
    hold.touch()
    with redis_app.app_context(), tenant_context(alpha):
        message = defer(issue_permit_slowly, "Raced", str(started), str(hold))
        db.session.flush()
        message_id = message.id
        db.session.commit()  # dispatched to Redis; these two workers run it instead
    results: list[object] = []

    def worker() -> None:
        with redis_app.app_context():
            results.append(run(alpha.id, "frontcounter.jobs.outbox:execute", [message_id], {}))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # the second worker is now waiting on the row lock
    hold.unlink()
    for thread in threads:
        thread.join(timeout=30)
    assert permits(redis_app, alpha) == [("Raced", "alpha:0")]
    assert outbox(redis_app)[0].attempts == 1


@pytest.mark.postgres_only
def test_the_job_carries_its_force(redis_app, forces):
    from frontcounter.jobs.runner import run
    from rq.job import Job

    alpha, bravo = forces
    with redis_app.app_context(), tenant_context(alpha):
        db.session.add_all([SamplePermit(holder="a1", vehicle="A1"), SamplePermit(holder="a2", vehicle="A2")])
        db.session.commit()
    message_id = defer_and_commit(redis_app, bravo, issue_permit, "For Bravo")
    with redis_app.app_context():
        from frontcounter.jobs import get_queue

        job = Job.fetch(f"outbox-{message_id}", connection=get_queue().connection)
        assert job.meta["tenant_id"] == bravo.id and job.args[0] == bravo.id
        # A job that claims another force is refused, whatever its arguments say.
        assert run(alpha.id, "frontcounter.jobs.outbox:execute", [message_id], {}) is None
    assert outbox(redis_app)[0].done_at is None
    work_off(redis_app)
    assert permits(redis_app, bravo) == [("For Bravo", "bravo:0")]  # it saw none of Alpha's permits
    assert [holder for holder, _ in permits(redis_app, alpha)] == ["a1", "a2"]


@pytest.mark.postgres_only
def test_the_relay_runs_as_often_and_waits_as_long_as_the_settings_say(redis_app, forces, monkeypatch):
    from frontcounter.jobs import get_queue
    from frontcounter.jobs.schedule import core_tasks

    monkeypatch.setitem(redis_app.config, "OUTBOX_RELAY_SECONDS", 7)
    monkeypatch.setitem(redis_app.config, "OUTBOX_RELAY_GRACE_SECONDS", 5)
    defer_and_commit(redis_app, forces[0], issue_permit, "Lost")
    with redis_app.app_context():
        [task] = [t for t in core_tasks() if t.name == "outbox-relay"]
        assert task.every == timedelta(seconds=7)
        get_queue().empty()  # Redis forgot the job (a restart)
        now = datetime.now(UTC)
        assert relay(now=now + timedelta(seconds=4)) == 0  # it may still be running
        assert relay(now=now + timedelta(seconds=6)) == 1
    work_off(redis_app)
    assert permits(redis_app, forces[0]) == [("Lost", "alpha:0")]


def test_the_relay_settings_come_from_the_environment(monkeypatch):
    from frontcounter.config import from_environment

    monkeypatch.delenv("OUTBOX_RELAY_SECONDS", raising=False)
    monkeypatch.delenv("OUTBOX_RELAY_GRACE_SECONDS", raising=False)
    assert (from_environment()["OUTBOX_RELAY_SECONDS"], from_environment()["OUTBOX_RELAY_GRACE_SECONDS"]) == (30, 60)
    monkeypatch.setenv("OUTBOX_RELAY_SECONDS", "2")
    monkeypatch.setenv("OUTBOX_RELAY_GRACE_SECONDS", "9")
    assert (from_environment()["OUTBOX_RELAY_SECONDS"], from_environment()["OUTBOX_RELAY_GRACE_SECONDS"]) == (2, 9)


class _Pipe:
    """A Redis pipeline stand-in that records its commands and answers each SET NX from `flags`."""

    def __init__(self, log: list, flags: list, fail: bool) -> None:
        self.log, self.flags, self.fail, self.commands = log, flags, fail, []

    def sadd(self, key: str, *ids: int) -> None:
        self.commands.append(("SADD", key, ids))

    def set(self, key: str, value: str, nx: bool, ex: int) -> None:
        self.commands.append(("SET", key, nx))

    def execute(self) -> list:
        if self.fail:
            raise redis.ConnectionError("Redis is down")
        self.log.append(self.commands)
        flags = iter(self.flags)
        return [next(flags) if name == "SET" else 1 for name, *_rest in self.commands]


@pytest.mark.parametrize("fail", [False, True])
def test_two_batches_of_one_commit_go_to_redis_in_one_round_trip(monkeypatch, fail):
    from types import SimpleNamespace

    from frontcounter.jobs import outbox as box

    monkeypatch.setitem(box._BATCH_TARGETS, "tests:first", "tests:first_batch")
    monkeypatch.setitem(box._BATCH_TARGETS, "tests:second", "tests:second_batch")
    round_trips: list = []
    connection = SimpleNamespace(pipeline=lambda transaction: _Pipe(round_trips, [True, None], fail))
    monkeypatch.setattr(box, "get_queue", lambda: SimpleNamespace(connection=connection))
    drains: list = []
    monkeypatch.setattr(box, "_enqueue_drain", lambda batch, tenant_id, flagged=None: drains.append((batch, flagged)))

    sent = box._dispatch_all([(1, 7, "tests:first"), (2, 7, "tests:second")])
    if fail:  # nothing handed over: both stay pending for the relay
        assert (sent, round_trips, drains) == (set(), [], [])
        return
    [commands] = round_trips
    assert [name for name, *_rest in commands] == ["SADD", "SET", "SADD", "SET"]
    assert sent == {1, 2}  # the second batch's drain was already pending: it is not queued again
    assert drains == [("tests:first_batch", True), ("tests:second_batch", False)]
