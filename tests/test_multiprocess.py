"""More than one of everything: two gunicorn app servers, two rq workers and two sweepers on one fresh
PostgreSQL database and one Redis (started here, so it can be restarted), with a local SMTP server and the
sandbox payment provider. Journeys alternate between the servers; one worker is killed with SIGKILL while
it is handing an email over, and Redis is restarted (losing every queued job) once. Then everything is
counted: every case, payment and email exactly once, nothing lost, nothing twice."""

from __future__ import annotations

import json
import os
import re
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
import redis
import requests
from rq import Worker
from sqlalchemy.engine import make_url

from tests.support.processes import (
    Process,
    RestartableRedis,
    descendants,
    free_port,
    owner_of_connection,
    wait_until,
)
from tests.support.smtp_server import LocalSmtpServer

pytestmark = pytest.mark.postgres_only

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
JOURNEYS = 12
KILL_AT, REDIS_RESTART_AT = 4, 8  # journeys during which a worker dies and Redis restarts
METRICS_TOKEN = "metrics-token-for-the-test"
DEADLINE = 90.0  # seconds any one thing may take on a busy machine before the test fails
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf(html: str) -> str:
    match = _CSRF.search(html)
    assert match, html[:500]
    return match.group(1) or match.group(2)


@pytest.fixture
def database(backend_urls):
    """A fresh database on the test run's PostgreSQL server, dropped afterwards."""
    server = make_url(backend_urls["database"])
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"frontcounter_multiproc_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def shape(database, tmp_path):
    """Redis, an SMTP server, the schema and a force with staff, then two of each process (stopped after)."""
    from frontcounter import create_app
    from frontcounter.extensions import db
    from frontcounter.migrations_runner import upgrade
    from frontcounter.testing import base_config, make_force

    (tmp_path / "redis").mkdir()
    redis_server = RestartableRedis(tmp_path / "redis").start()
    smtp = LocalSmtpServer().start()
    control = create_app(base_config({"database": database, "redis": redis_server.url}))
    with control.app_context():
        upgrade()
        force = make_force("alpha", "ALP", {"sample": True}, postcode_areas=["AL"])
        db.session.remove()
        db.engine.dispose()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PG", "FLASK_"))},
        "PYTHONPATH": os.pathsep.join([str(ROOT / "tests" / "sample_plugins"), os.environ.get("PYTHONPATH", "")]),
        "PYTHONUNBUFFERED": "1",
        "FRONTCOUNTER_ENV": "development",  # plain-http cookies; everything below as in production
        "FRONTCOUNTER_INSTANCE": str(tmp_path / "instance"),
        "SECRET_KEY": "one-secret-for-every-process-of-the-test",
        "DATABASE_URL": database,
        "REDIS_URL": redis_server.url,
        "SMTP_HOST": smtp.host,
        "SMTP_PORT": str(smtp.port),
        "MAILBOX_PAGE": "0",
        "LOG_FORMAT": "json",
        "ACCESS_LOG": "1",
        "METRICS_TOKEN": METRICS_TOKEN,
        "OUTBOX_RELAY_SECONDS": "1",
        "OUTBOX_RELAY_GRACE_SECONDS": "15",  # longer than a hand-over takes to be killed here
        "RATE_LIMIT_FORM": "600 per minute",  # every journey comes from 127.0.0.1
        "RATE_LIMIT_LINK": "600 per minute",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
    }
    ports = [free_port(), free_port()]
    processes: dict[str, list[Process]] = {"web": [], "worker": [], "sweeper": []}
    for n, port in enumerate(ports):
        metrics = tmp_path / f"metrics-{n}"
        metrics.mkdir()
        web_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
        processes["web"].append(Process(
            f"web{n}", [str(BIN / "gunicorn"), "-c", "python:frontcounter.gunicorn_conf", "frontcounter:create_app()"],
            web_env, tmp_path / f"web{n}.log", tmp_path))
        processes["worker"].append(Process(
            f"worker{n}", [str(BIN / "frontcounter"), "worker"], env, tmp_path / f"worker{n}.log", tmp_path))
        processes["sweeper"].append(Process(
            f"sweeper{n}", [str(BIN / "frontcounter"), "sweep", "--loop", "1"], env, tmp_path / f"sweeper{n}.log",
            tmp_path))
    everything = [p for group in processes.values() for p in group]
    try:
        for process in everything:
            process.start()
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base, web in zip(bases, processes["web"], strict=True):
            wait_until(lambda base=base, web=web: _healthy(base, web), DEADLINE, f"{web.name} to answer /healthz")
        queue_redis = redis.Redis.from_url(redis_server.url)
        wait_until(lambda: len(Worker.all(connection=queue_redis)) == 2, DEADLINE, "two rq workers")
        wait_until(lambda: all("outbox-relay" in s.output() or "Another sweeper" in s.output()
                               for s in processes["sweeper"]), DEADLINE, "the sweepers")
        yield {"control": control, "force": force, "database": database, "redis": redis_server, "smtp": smtp,
               "bases": bases, **processes}
    finally:
        for process in everything:
            process.terminate()  # all at once, then wait for each
        for process in everything:
            process.stop()
        smtp.stop()
        redis_server.stop()


def _healthy(base: str, web: Process) -> bool:
    assert web.alive(), f"{web.name} died:\n{web.output()[-3000:]}"
    try:
        return requests.get(f"{base}/healthz", timeout=10).status_code == 200
    except (requests.ConnectionError, requests.Timeout):  # listening before its worker is ready
        return False


class Browser:
    """A person's browser: one cookie jar, any server (the session cookie is signed with the shared key)."""

    def __init__(self) -> None:
        self.session = requests.Session()
        self.request_ids: list[str] = []

    def _call(self, method: str, url: str, **kwargs) -> requests.Response:
        request_id = f"mp-{uuid.uuid4().hex}"
        self.request_ids.append(request_id)
        response = self.session.request(method, url, headers={"X-Request-ID": request_id}, allow_redirects=False,
                                        timeout=30, **kwargs)
        assert response.status_code < 500, f"{method} {url} answered {response.status_code}"
        assert response.headers.get("X-Request-ID") == request_id
        return response

    def get(self, url: str) -> requests.Response:
        response = self._call("GET", url)
        assert response.status_code == 200, f"GET {url}: {response.status_code}"
        return response

    def post(self, url: str, data: dict[str, str], page: str | None = None) -> str:
        """Read the form (for its CSRF token) and send it; return where the answer redirects (302)."""
        data = {**data, "csrf_token": csrf(self.get(page or url).text)}
        response = self._call("POST", url, data=data)
        assert response.status_code == 302, f"POST {url}: {response.status_code} {response.text[:300]}"
        return response.headers["Location"]


def on(base: str, location: str) -> str:
    """The same path and query on the server at `base` (a redirect may name the other server or none)."""
    parts = urlsplit(location)
    return f"{base}{parts.path}" + (f"?{parts.query}" if parts.query else "")


def sql(database: str, query: str, *params) -> list[tuple]:
    with psycopg.connect(make_url(database).set(drivername="postgresql").render_as_string(hide_password=False)) as c:
        return c.execute(query, params).fetchall()


def staff_sign_in(shape, base: str, email: str) -> Browser:
    """Add a caseworker-supervisor and sign them in on the server at `base`, second factor and all."""
    from frontcounter.testing import PASSWORD, add_staff, totp_code_for

    add_staff(shape["control"], shape["force"], email, ["caseworker", "supervisor"])
    staff = Browser()
    staff.post(f"{base}/alpha/staff/sign-in", {"email": email, "password": PASSWORD})
    page = staff.get(f"{base}/alpha/staff/two-factor").text  # enrols the authenticator the first time
    data = {"code": totp_code_for(shape["control"], email), "csrf_token": csrf(page)}
    assert staff._call("POST", f"{base}/alpha/staff/two-factor", data=data).status_code == 302
    return staff


def case_state(shape, reference: str) -> str | None:
    rows = sql(shape["database"], 'SELECT state FROM "case" WHERE reference = %s', reference)
    return rows[0][0] if rows else None


def journey(shape, staff: Browser, n: int, first: str, second: str, hooks: dict) -> tuple[str, Browser]:
    """Apply on `first`, pay and come back on `second`, staff decide on `first`; return the case reference.

    `hooks` may hold callables run "before_apply", "after_apply" and "after_pay".
    """
    person = Browser()
    hooks.get("before_apply", lambda: None)()
    track = person.post(f"{first}/alpha/sample/apply",
                        {"holder": f"Pat {n}", "email": f"payer-{n}@example.com", "vehicle": "AB12CDE"},
                        page=f"{first}/alpha/sample/")
    reference = re.search(r"/track/([^?]+)", track).group(1)
    person.get(on(first, track))
    hooks.get("after_apply", lambda: None)()
    sandbox = person.post(f"{second}/alpha/sample/case/{reference}/pay", {})
    back = person.post(on(second, sandbox), {"outcome": "success"})
    service_page = person._call("GET", on(second, back))
    assert service_page.status_code == 302, service_page.status_code
    person.get(on(second, service_page.headers["Location"]))
    hooks.get("after_pay", lambda: None)()
    wait_until(lambda: case_state(shape, reference) == "submitted", DEADLINE, f"{reference} to be paid")
    case_page = f"{first}/alpha/staff/work/case/{reference}"
    staff.post(f"{case_page}/transition", {"transition": "start_check"}, page=case_page)
    staff.post(f"{case_page}/transition", {"transition": "approve"}, page=case_page)
    assert case_state(shape, reference) == "issued"
    return reference, person


def kill_the_worker_sending(shape, hold) -> Process:
    """SIGKILL the rq worker whose job holds the held SMTP connection (the worker and its job's process)."""
    sender = owner_of_connection(hold.peer[1], shape["smtp"].port)  # the job's process, a child of its worker
    [victim] = [w for w in shape["worker"] if w.alive() and sender in (w.pid, *descendants(w.pid))]
    victim.kill()
    return victim


def test_two_of_every_process_lose_nothing_and_do_nothing_twice(shape):
    started = time.monotonic()
    database, smtp, redis_server = shape["database"], shape["smtp"], shape["redis"]
    a, b = shape["bases"]
    staff = {base: staff_sign_in(shape, base, f"sup-{n}@alpha.example.com") for n, base in enumerate((a, b))}
    killed: list[Process] = []
    hold = smtp.hold_next(f"payer-{KILL_AT}@example.com")

    def kill_while_sending() -> None:
        wait_until(hold.held.is_set, DEADLINE, "a worker to start handing the email over")
        killed.append(kill_the_worker_sending(shape, hold))
        hold.release.set()

    def redis_back() -> None:
        waiting = sql(database, "SELECT count(*) FROM outbox_message WHERE dispatched_at IS NULL AND done_at IS NULL")
        assert waiting[0][0] >= 2, waiting  # the payment's emails, waiting for the relay
        redis_server.start()  # empty: whatever was queued before it stopped is gone too

    hooks = {KILL_AT: {"after_pay": kill_while_sending},
             REDIS_RESTART_AT: {"before_apply": redis_server.stop, "after_pay": redis_back}}
    references, browsers = [], []
    for n in range(JOURNEYS):
        first, second = (a, b) if n % 2 == 0 else (b, a)
        reference, person = journey(shape, staff[first], n, first, second, hooks.get(n, {}))
        references.append(reference)
        browsers.append(person)
    assert killed and not killed[0].alive()
    journeys_took = time.monotonic() - started

    def settled() -> bool:
        pending = sql(database, "SELECT count(*) FROM outbox_message WHERE done_at IS NULL")[0][0]
        unsent = sql(database, "SELECT count(*) FROM email_message WHERE status <> 'sent'")[0][0]
        return pending == 0 and unsent == 0
    def unsettled() -> str:
        outbox = sql(database, "SELECT id, target, args, dispatched_at, available_at, attempts, last_error "
                     "FROM outbox_message WHERE done_at IS NULL")
        unsent = sql(database, "SELECT id, status, attempts, attempt_started_at, error FROM email_message "
                     "WHERE status <> 'sent'")
        logs = "\n".join(f"--- {p.name}\n{p.output()[-3000:]}" for p in [*shape["worker"], *shape["sweeper"]])
        return f"outbox not done: {outbox}\nemails not sent: {unsent}\n{logs}"
    wait_until(settled, DEADLINE, "every outbox message done and every email sent", every=0.25, explain=unsettled)

    # Cases: one per journey, each issued, none extra.
    cases = sql(database, 'SELECT reference, state, applicant_email FROM "case" ORDER BY id')
    assert [(r, s) for r, s, _ in cases] == [(r, "issued") for r in references]
    assert sorted(e for *_, e in cases) == sorted(f"payer-{n}@example.com" for n in range(JOURNEYS))
    # Payments: exactly one per case, taken, nothing refunded.
    payments = sql(database, 'SELECT c.reference, p.state FROM payment p JOIN "case" c ON c.id = p.case_id')
    assert sorted(payments) == sorted((r, "success") for r in references)
    assert sql(database, "SELECT count(*) FROM refund")[0][0] == 0
    # Emails: the same set for every journey, each handed to the SMTP server exactly once.
    emails = sql(database, 'SELECT id, "to", subject, attempts FROM email_message ORDER BY id')
    reference_of = {email: reference for reference, _, email in cases}
    per_person: dict[str, list[str]] = {}
    for _id, to, subject, _attempts in emails:
        per_person.setdefault(to, []).append(subject.replace(reference_of[to], "REF"))
    assert len(per_person) == JOURNEYS
    assert len({tuple(sorted(subjects)) for subjects in per_person.values()}) == 1, per_person
    assert len(emails) >= 2 * JOURNEYS
    received = [m["Message-ID"] for m in smtp.received]
    wanted = {f"frontcounter-email-{e[0]}-" for e in emails}
    assert len(received) == len(set(received)) == len(emails), (len(received), len(set(received)), len(emails))
    assert {re.match(r"<(frontcounter-email-\d+-)", m).group(1) for m in received} == wanted
    assert any(to == f"payer-{KILL_AT}@example.com" and attempts == 2 for _, to, _, attempts in emails)  # resent
    # Outbox: everything done, nothing given up on.
    assert sql(database, "SELECT count(*) FROM outbox_message WHERE done_at IS NULL OR attempts >= 8")[0][0] == 0

    # /metrics counts the requests on each server, and only with the token.
    for base in (a, b):
        assert requests.get(f"{base}/metrics", timeout=10).status_code == 401  # never without the token
        metrics = requests.get(f"{base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10)
        assert metrics.status_code == 200
        counts = [float(v) for v in re.findall(r'^frontcounter_http_requests_total\{[^}]*status="302"[^}]*\} (\S+)$',
                                                  metrics.text, re.M)]
        assert sum(counts) >= JOURNEYS, metrics.text[:2000]
    # gunicorn's output is JSON lines, and every request the browsers made is logged with its request id.
    logged: set[str] = set()
    for web in shape["web"]:
        for line in web.output().splitlines():
            record = json.loads(line)  # fails on any line that is not JSON
            assert {"time", "level", "logger", "message"} <= record.keys(), line
            if record["logger"] == "frontcounter.access":
                logged.add(record["request_id"])
    sent_ids = {i for browser in [*browsers, *staff.values()] for i in browser.request_ids}
    assert sent_ids <= logged, sorted(sent_ids - logged)[:5]
    total = time.monotonic() - started
    print(f"\nmultiprocess: {JOURNEYS} journeys in {journeys_took:.1f} s, settled at {total:.1f} s")
