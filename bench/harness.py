"""Shared benchmark machinery: a fresh PostgreSQL database with the demo data, gunicorn servers, wrk runs.

Used by bench/public_pages.py (P1), bench/submit.py (P2) and bench/mixed_load.py (P3). Every figure is
taken with the product and the floor app running side by side under the same gunicorn settings
(`frontcounter.gunicorn_conf`), measured one after the other in alternating rounds, so a busy
machine slows both alike and the ratio stays meaningful.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
BENCH = ROOT / "bench"
ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
SECRET = "bench-secret-key-not-for-production-use-0123456789"  # noqa: S105 - a throwaway benchmark database

# Limits far above the load so the limiter still runs (its Redis round trips are measured) but never refuses:
# wrk sends everything from one address, where the public would come from thousands.
_KINDS = ("API", "SIGN_IN", "WEBHOOK", "UPLOAD", "LINK", "FORM")
_LIMITS = {f"RATE_LIMIT_{kind}": "1000000 per minute" for kind in _KINDS}


def database_url(name: str) -> str:
    """The SQLAlchemy URL of benchmark database `name` on the local PostgreSQL."""
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}"


def product_env(db_name: str, instance: Path) -> dict[str, str]:
    """The environment of the product's processes: production settings on PostgreSQL and Redis."""
    env = dict(os.environ)
    env.update(_LIMITS)
    env.update(
        {
            "FRONTCOUNTER_ENV": "production",
            "SECRET_KEY": SECRET,
            "DATABASE_URL": database_url(db_name),
            "REDIS_URL": REDIS_URL,
            "FRONTCOUNTER_INSTANCE": str(instance),
            "PUBLIC_BASE_URL": "http://127.0.0.1",
            "PAYMENTS_SANDBOX": "1",
            "ACCESS_LOG": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def fresh_database(db_name: str, instance: Path) -> dict[str, str]:
    """Drop and create `db_name`, run the migrations, apply the tenants files and seed the demo data."""
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db_name}"')
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    env = product_env(db_name, instance)
    for args in (["migrate-db"], ["tenants", "apply"], ["demo", "seed"]):
        subprocess.run(  # noqa: S603 - our own command line
            [str(BIN / "frontcounter"), *args], env=env, check=True, stdout=subprocess.DEVNULL
        )
    return env


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running gunicorn master and its workers."""

    name: str
    port: int
    process: subprocess.Popen[bytes]

    @property
    def base(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def gunicorn(name: str, app_spec: str, env: dict[str, str], workers: int = 0) -> Iterator[Server]:
    """Run `app_spec` under gunicorn with the project's settings file until the block ends."""
    port = free_port()
    if workers:
        env = {**env, "GUNICORN_WORKERS": str(workers)}
    run_env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "PYTHONPATH": os.pathsep.join([str(BENCH), env.get("PYTHONPATH", "")]),
    }
    log = open(Path(tempfile.gettempdir()) / f"bench-{name}-{port}.log", "wb")
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [str(BIN / "gunicorn"), "-c", "python:frontcounter.gunicorn_conf", app_spec],
        env=run_env, stdout=log, stderr=log, cwd=str(ROOT),
    )
    server = Server(name, port, process)
    try:
        _wait_up(server)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_up(server: Server) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited; see {tempfile.gettempdir()}/bench-{server.name}-*.log")
        try:
            with urllib.request.urlopen(server.base + "/healthz", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{server.name} did not start")


def warm(url: str, count: int = 30, headers: dict[str, str] | None = None) -> None:
    """GET `url` a few times so every worker has loaded its templates and opened its connections."""
    for _ in range(count):
        request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - http to our own server
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            response.read()


@dataclass
class WrkResult:
    """One wrk run: throughput, latency percentiles (ms) and failures."""

    requests: int
    seconds: float
    rps: float
    p50: float
    p90: float
    p99: float
    max: float
    errors: int  # socket errors (connect, read, write, timeout) and responses with status >= 400
    statuses: dict[str, int] = field(default_factory=dict)

    def row(self) -> str:
        """A short line for the console."""
        return (f"{self.rps:8.1f} req/s  p50 {self.p50:6.1f} ms  p99 {self.p99:6.1f} ms  "
                f"errors {self.errors}  statuses {self.statuses}")


def wrk(url: str, *, seconds: int, connections: int, threads: int = 2, script: Path | None = None,
        headers: dict[str, str] | None = None, rate: int | None = None, env: dict[str, str] | None = None) -> WrkResult:
    """Run wrk against `url` and return its summary (read from the JSON the Lua `done` hook prints)."""
    lua = script or BENCH / "lua" / "get.lua"
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s", "-s", str(lua)]
    for key, value in (headers or {}).items():
        cmd += ["-H", f"{key}: {value}"]
    cmd.append(url)
    run_env = {**os.environ, **(env or {})}
    if rate:
        run_env["WRK_RATE"] = str(rate)
    finished = subprocess.run(cmd, capture_output=True, text=True, env=run_env, check=True)  # noqa: S603 - wrk
    out = finished.stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{out}")
    data = json.loads(line[5:])
    statuses = {k: v for k, v in data.get("statuses", {}).items() if v}
    bad = sum(v for k, v in statuses.items() if int(k) >= 400)
    return WrkResult(
        requests=data["requests"], seconds=data["seconds"], rps=data["requests"] / data["seconds"],
        p50=data["p50"] / 1000, p90=data["p90"] / 1000, p99=data["p99"] / 1000, max=data["max"] / 1000,
        errors=data["socket_errors"] + bad, statuses=statuses,
    )


def load_average() -> str:
    """The 1, 5 and 15 minute load averages as text."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def median(values: list[float]) -> float:
    """The median of `values`."""
    return statistics.median(values)


def require_wrk() -> None:
    """Stop with a hint when wrk is not installed."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk (tools/system-packages.sh bench)")


def app_in_process(env: dict[str, str]) -> Any:
    """The product's Flask app in this process, on the benchmark database (to mint cookies and tokens)."""
    for key in ("FRONTCOUNTER_ENV", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "FRONTCOUNTER_INSTANCE",
                "PUBLIC_BASE_URL", "PAYMENTS_SANDBOX", "ACCESS_LOG", "LOG_LEVEL", *_LIMITS):
        os.environ[key] = env[key]
    from frontcounter import create_app

    return create_app()


def session_cookie(app: Any, values: dict[str, Any]) -> str:
    """A signed session cookie value holding `values`, as the app's own session interface makes it."""
    return app.session_interface.get_signing_serializer(app).dumps(values)


def guest_session(app: Any, services: list[str]) -> tuple[str, str]:
    """A visitor's session cookie that chose "continue as a guest" for `services`, and its form token."""
    from flask import session
    from flask_wtf.csrf import generate_csrf

    with app.test_request_context("/"):
        session["guest_services"] = sorted(services)
        token = generate_csrf()
        return session_cookie(app, dict(session)), token


def staff_session(app: Any, force: str, email: str) -> str:
    """A signed-in staff member's session cookie (password and second factor done), as sign-in makes it."""
    from flask import session
    from frontcounter.accounts.auth import sign_in
    from frontcounter.accounts.models import Account
    from frontcounter.extensions import db

    with app.app_context(), app.test_request_context(f"/{force}/staff/"):
        account = db.session.scalar(db.select(Account).filter_by(email=email))
        sign_in(account, second_factor=True)
        return session_cookie(app, dict(session))


def post_once(url: str, body: str, headers: dict[str, str]) -> tuple[int, str]:
    """POST a form once (no redirect following); return the status and the Location header."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("POST", parts.path + (f"?{parts.query}" if parts.query else ""), body=body,
                 headers={"Content-Type": "application/x-www-form-urlencoded", **headers})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, response.getheader("Location") or ""
