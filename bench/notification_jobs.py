"""Benchmark: notification (email) jobs drained per worker process per second, nothing lost.

Run: .venv/bin/python bench/notification_jobs.py --single-emails 2000 --emails 5000 --fork-emails 500 \
         --database-url postgresql+psycopg://postgres@127.0.0.1:5432/fcbench_jobs
The headline case, --single-emails, records each email in its own transaction (as a web request sending one
email does): each is added to its force's set in Redis and one drain job sends them 100 at a time. --emails
are recorded 100 to a transaction. It makes the database (real migrations), starts
a Redis of its own on a free port (or uses TEST_REDIS_URL, flushing it), and a local SMTP sink in another
process (aiosmtpd, as tests/support/smtp_server.py) that writes each Message-ID it accepts to a file. For each
worker kind (`frontcounter worker --burst`, and `--fork`, rq's forking Worker) it records and queues the
emails as the app does (send_email: rendered, stored, outbox, dispatched to Redis after commit), runs one
worker process until the queue is empty, and reports jobs per second (first to last email at the sink), jobs
per CPU-second of the worker (its CPU less what an idle start and stop costs), and checks every email was sent
and reached the sink exactly once.
--profile FILE runs the first worker under cProfile.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "sample_plugins"))
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_sink(port: int, path: str) -> None:
    """The SMTP sink process: accept every email, append "<time> <Message-ID>" to `path`."""
    import asyncio

    from aiosmtpd.controller import Controller

    out = open(path, "a", buffering=1)
    pattern = re.compile(rb"^Message-ID: (\S+)", re.MULTILINE | re.IGNORECASE)

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            found = pattern.search(envelope.original_content or b"")
            out.write(f"{time.time():.6f} {found.group(1).decode() if found else '-'}\n")
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        asyncio.run(asyncio.sleep(10**6))
    finally:
        controller.stop()


def _start_redis(tmp: Path) -> tuple[str, subprocess.Popen[bytes] | None]:
    if os.environ.get("TEST_REDIS_URL"):
        return os.environ["TEST_REDIS_URL"], None
    port = _free_port()
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    argv = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp)]
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL)  # noqa: S603 - our own argv
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    for _ in range(100):
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    return url, process


def _fresh_database(url: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}"'))
        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    return url


def _queue_emails(app, force, count: int, tag: str, per_commit: int) -> None:  # type: ignore[no-untyped-def]
    """Record and queue `count` emails as the app does, `per_commit` per transaction."""
    from frontcounter.extensions import db
    from frontcounter.notifications.send import send_email
    from frontcounter.tenancy import tenant_context

    with app.app_context(), tenant_context(force):
        for start in range(0, count, per_commit):
            for i in range(start, min(start + per_commit, count)):
                case = SimpleNamespace(applicant_name=f"Person {i}", applicant_email=f"p{i}@example.com",
                                       reference=f"ALP-SM-26-{i:06d}", language="en")
                send_email(f"{tag}{i}@example.com", f"Your link ({tag} {i})", "email/tracking_link", case=case,
                           link=f"https://example.com/t/{i}")
            db.session.commit()


def _worker(env: dict[str, str], fork: bool, profile: str) -> tuple[float, float]:
    """Run `frontcounter worker --burst` until the queue is empty; return its wall and CPU seconds."""
    argv = [str(BIN / "frontcounter"), "worker", "--burst"] + (["--fork"] if fork else [])
    if profile:
        argv = [sys.executable, "-m", "cProfile", "-o", profile, *argv]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - our own argv
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _sink_lines(path: Path) -> list[tuple[float, str]]:
    lines = []
    for line in path.read_text().splitlines():
        at, _, message_id = line.partition(" ")
        lines.append((float(at), message_id))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=5000, help="emails for the (default) non-forking worker")
    parser.add_argument("--single-emails", type=int, default=2000,
                        help="emails recorded one per transaction, so one job each (0: skip)")
    parser.add_argument("--fork-emails", type=int, default=300, help="emails for the --fork worker (0: skip)")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/fcbench_jobs")
    parser.add_argument("--profile", default="", help="write a cProfile of the first worker here")
    parser.add_argument("--sink", nargs=2, metavar=("PORT", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        run_sink(int(args.sink[0]), args.sink[1])
        return
    tmp = Path(tempfile.mkdtemp(prefix="fc-jobs-"))
    redis_url, redis_process = _start_redis(tmp)
    smtp_port, sink_file = _free_port(), tmp / "sink.txt"
    sink_file.touch()
    sink = subprocess.Popen([sys.executable, __file__, "--sink", str(smtp_port), str(sink_file)])  # noqa: S603
    env = {**os.environ, "DATABASE_URL": _fresh_database(args.database_url), "REDIS_URL": redis_url,
           "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port), "FRONTCOUNTER_INSTANCE": str(tmp / "instance"),
           "SECRET_KEY": "bench", "MAIL_FROM": "Bench <no-reply@bench.example.com>"}
    os.environ.update(env)
    try:
        from frontcounter import create_app
        from frontcounter.extensions import db
        from frontcounter.jobs import get_queue
        from frontcounter.migrations_runner import upgrade
        from frontcounter.notifications.models import EmailMessage
        from frontcounter.testing import make_force

        app = create_app()
        with app.app_context():
            upgrade()
            force = make_force("alpha", "ALP", {"sample": True})
            get_queue().connection.flushdb()
        time.sleep(0.5)  # the sink's first accept
        _idle_wall, idle_cpu = _worker(env, False, "")
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"worker start and stop with an empty queue: {idle_cpu:.2f} CPU s")
        runs = [("worker, 1 a commit", False, args.single_emails, 1),
                ("worker, 100 a commit", False, args.emails, 100),
                ("worker --fork, 100 a commit", True, args.fork_emails, 100)]
        runs = [run for run in runs if run[2]]
        for index, (name, fork, count, per_commit) in enumerate(runs):
            tag = f"r{index}-"
            seen_before = len(_sink_lines(sink_file))
            queued_at = time.perf_counter()
            _queue_emails(app, force, count, tag, per_commit)
            queue_seconds = time.perf_counter() - queued_at
            wall, cpu = _worker(env, fork, args.profile if index == 0 else "")
            time.sleep(0.5)  # the sink's last writes
            received = _sink_lines(sink_file)[seen_before:]
            with app.app_context():
                from frontcounter.tenancy import platform_wide

                with platform_wide("benchmark check"):
                    statuses = collections.Counter(db.session.scalars(
                        db.select(EmailMessage.status).where(EmailMessage.to.like(f"{tag}%"))))
            per_id = collections.Counter(message_id for _at, message_id in received)
            duplicates = sum(1 for n in per_id.values() if n > 1)
            first, last = received[0][0], received[-1][0]
            rate = (len(received) - 1) / (last - first) if last > first else float("inf")
            per_cpu = count / max(cpu - idle_cpu, 1e-9)
            ok = statuses == {"sent": count} and len(per_id) == count and duplicates == 0
            print(f"{name:28s} {count:5d} emails: {rate:7.0f} emails/s wall, {per_cpu:7.0f} emails/CPU-s "
                  f"(worker {wall:.1f} s wall, {cpu:.1f} CPU s; queueing took {queue_seconds:.1f} s); "
                  f"statuses {dict(statuses)}, at the sink {len(received)} ({len(per_id)} distinct, "
                  f"{duplicates} duplicated): {'OK' if ok else 'LOST OR DUPLICATED'}")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        sink.terminate()
        if redis_process is not None:
            redis_process.terminate()


if __name__ == "__main__":
    main()
