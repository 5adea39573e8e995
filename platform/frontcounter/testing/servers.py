"""Throwaway PostgreSQL and Redis servers on loopback for the test suite.

Used by test setup when no ``TEST_DATABASE_URL`` / ``TEST_REDIS_URL`` is
given. Each server gets a free port on 127.0.0.1 and a private data
directory; ``ThrowawayServer.stop()`` kills it and removes that directory.
Servers are also stopped at interpreter exit (``atexit``) and, on Linux,
receive a signal if the test process dies without running ``atexit``.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import redis

__all__ = ["ThrowawayServer", "start_postgres", "start_redis"]

PG_DATABASE = "frontcounter_test"
PG_SUPERUSER = "postgres"
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
_PORT_ATTEMPTS = 3
_LOG_TAIL_CHARS = 4000


@dataclass(eq=False)
class ThrowawayServer:
    """A server process owned by this test run; ``stop()`` is idempotent."""

    url: str
    name: str = field(default="server", repr=False)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    work_dir: Path | None = field(default=None, repr=False)
    log_path: Path | None = field(default=None, repr=False)
    stop_signal: int = field(default=signal.SIGTERM, repr=False)
    _owner_pid: int = field(default_factory=os.getpid, repr=False)
    _stopped: bool = field(default=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def stop(self) -> None:
        """Kill the server process (if running) and delete its data dir."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        try:
            if self.process is not None:
                _terminate(self.process, self.stop_signal)
        finally:
            if self.work_dir is not None:
                shutil.rmtree(self.work_dir, ignore_errors=True)
            with _REGISTRY_LOCK:
                if self in _REGISTRY:
                    _REGISTRY.remove(self)


_REGISTRY: list[ThrowawayServer] = []
_REGISTRY_LOCK = threading.Lock()


def _stop_all_at_exit() -> None:
    with _REGISTRY_LOCK:
        servers = list(_REGISTRY)
    for server in servers:
        # A forked child inheriting this handler must not kill our servers.
        if server._owner_pid == os.getpid():
            with contextlib.suppress(Exception):
                server.stop()


atexit.register(_stop_all_at_exit)


# --------------------------------------------------------------------------
# helpers


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _log_tail(path: Path | None) -> str:
    if path is None:
        return "(no log)"
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        return f"(could not read {path}: {exc})"
    return text[-_LOG_TAIL_CHARS:].strip() or "(log is empty)"


def _terminate(process: subprocess.Popen[bytes], sig: int) -> None:
    if process.poll() is not None:
        return
    for next_sig in (sig, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(next_sig)
        try:
            process.wait(timeout=STOP_TIMEOUT)
            return
        except subprocess.TimeoutExpired:
            continue
    process.wait()


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    env["LANG"] = "C"
    return env


def _death_signal_prefix(sig: signal.Signals) -> list[str]:
    """argv prefix making Linux send ``sig`` to the server if this process dies.

    Uses util-linux ``setpriv --pdeathsig``, which then execs the server (so the
    Popen pid is the server's). The kernel fires it when the *thread* that
    spawned the server exits, so it is only used from the main thread; servers
    started from other threads (and without setpriv) rely on ``atexit`` alone.
    """
    setpriv = shutil.which("setpriv")
    if (
        setpriv is None
        or not sys.platform.startswith("linux")
        or threading.current_thread() is not threading.main_thread()
    ):
        return []
    return [setpriv, "--pdeathsig", sig.name, "--"]


def _spawn(
    argv: list[str],
    *,
    log_path: Path,
    cwd: Path,
    user: str | None,
    death_signal: signal.Signals,
) -> subprocess.Popen[bytes]:
    uid, gid, groups = _ids(user)
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            _death_signal_prefix(death_signal) + argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=_child_env(),
            start_new_session=True,
            user=uid,
            group=gid,
            extra_groups=groups,
        )


def _ids(user: str | None) -> tuple[int | None, int | None, list[int] | None]:
    """uid, gid and supplementary groups for subprocess to switch to (or Nones)."""
    if user is None:
        return None, None, None
    entry = pwd.getpwnam(user)
    return entry.pw_uid, entry.pw_gid, []


def _wait_until_ready(server: ThrowawayServer, probe: Callable[[], None], what: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last_error: Exception | None = None
    assert server.process is not None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{what} exited with code {server.process.returncode} during "
                f"start-up.\n--- server log tail ---\n"
                f"{_log_tail(server.log_path)}"
            )
        try:
            probe()
            return
        except Exception as exc:  # noqa: BLE001 - anything means "not yet"
            last_error = exc
            time.sleep(0.05)
    raise RuntimeError(
        f"{what} did not accept connections within {STARTUP_TIMEOUT:.0f}s "
        f"(last error: {last_error!r}).\n--- server log tail ---\n"
        f"{_log_tail(server.log_path)}"
    )


def _address_in_use(log_path: Path) -> bool:
    return "Address already in use" in _log_tail(log_path)


# --------------------------------------------------------------------------
# PostgreSQL


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.name))


def _has_server_binaries(bindir: Path) -> bool:
    return all(os.access(bindir / name, os.X_OK) for name in ("initdb", "postgres"))


def _find_postgres_bindir() -> Path:
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"],
                capture_output=True,
                text=True,
                check=True,
                timeout=10,
            ).stdout.strip()
            if out:
                candidates.append(Path(out))
    candidates.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True))
    initdb, postgres = shutil.which("initdb"), shutil.which("postgres")
    if initdb and postgres:
        candidates.append(Path(postgres).parent)
    for bindir in candidates:
        if _has_server_binaries(bindir):
            return bindir
    if initdb and postgres:
        # Both on PATH but in different directories: use them as found.
        return Path(initdb).parent
    raise RuntimeError(
        "PostgreSQL server binaries (initdb, postgres) not found via pg_config, "
        "/usr/lib/postgresql/*/bin or PATH. Install the Debian package "
        "'postgresql' (apt-get install postgresql), or set TEST_DATABASE_URL "
        "to an existing database."
    )


def _postgres_os_user() -> str | None:
    """The user to run initdb/postgres as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(PG_SUPERUSER)
    except KeyError:
        raise RuntimeError(
            "Running as root, but PostgreSQL refuses to run as root and there is "
            f"no '{PG_SUPERUSER}' system user to run it as. Install the Debian "
            "package 'postgresql' (it creates that user), run the tests as a "
            "non-root user, or set TEST_DATABASE_URL."
        ) from None
    return PG_SUPERUSER


def _can_traverse(path: Path, user: str) -> bool:
    test = shutil.which("test") or "/usr/bin/test"
    uid, gid, groups = _ids(user)
    result = subprocess.run(
        [test, "-x", str(path)],
        cwd="/",
        check=False,
        user=uid,
        group=gid,
        extra_groups=groups,
    )
    return result.returncode == 0


def _make_postgres_work_dir(base_dir: Path, user: str | None) -> Path:
    bases = [base_dir]
    if user is not None:
        bases.append(Path("/tmp"))
    for base in bases:
        base.mkdir(parents=True, exist_ok=True)
        work_dir = Path(tempfile.mkdtemp(prefix="postgres-", dir=base))
        work_dir.chmod(0o755)
        if user is None or _can_traverse(work_dir, user):
            return work_dir
        shutil.rmtree(work_dir, ignore_errors=True)
    raise RuntimeError(
        f"Neither {base_dir} nor /tmp is traversable by the '{user}' user, "
        "so PostgreSQL cannot use a data directory there."
    )


def start_postgres(base_dir: Path) -> ThrowawayServer:
    """Start a throwaway PostgreSQL on 127.0.0.1 and return it with its URL."""
    bindir = _find_postgres_bindir()
    user = _postgres_os_user()
    uid, gid, groups = _ids(user)
    work_dir = _make_postgres_work_dir(Path(base_dir), user)
    data_dir = work_dir / "data"
    log_path = work_dir / "postgres.log"
    server = ThrowawayServer(
        url="",
        name="postgres",
        work_dir=work_dir,
        log_path=log_path,
        stop_signal=signal.SIGINT,  # "fast" shutdown: disconnect clients now
    )
    with _REGISTRY_LOCK:
        _REGISTRY.append(server)
    try:
        data_dir.mkdir(mode=0o700)
        if uid is not None and gid is not None:
            os.chown(data_dir, uid, gid)
        init = subprocess.run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data_dir),
                "-A",
                "trust",
                "-U",
                PG_SUPERUSER,
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            cwd=work_dir,
            env=_child_env(),
            check=False,
            user=uid,
            group=gid,
            extra_groups=groups,
        )
        if init.returncode != 0:
            raise RuntimeError(
                f"initdb failed (exit {init.returncode}):\n{(init.stdout + init.stderr).strip()[-_LOG_TAIL_CHARS:]}"
            )
        for attempt in range(_PORT_ATTEMPTS):
            port = _free_port()
            server.process = _spawn(
                [
                    str(bindir / "postgres"),
                    "-D",
                    str(data_dir),
                    "-p",
                    str(port),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "unix_socket_directories=",
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off",
                    "-c",
                    "max_connections=100",
                    "-c",
                    "logging_collector=off",
                ],
                log_path=log_path,
                cwd=work_dir,
                user=user,
                death_signal=signal.SIGQUIT,  # immediate shutdown
            )

            def probe(port: int = port) -> None:
                psycopg.connect(
                    host="127.0.0.1",
                    port=port,
                    user=PG_SUPERUSER,
                    dbname="postgres",
                    connect_timeout=2,
                ).close()

            try:
                _wait_until_ready(server, probe, "PostgreSQL")
                break
            except RuntimeError:
                if attempt + 1 < _PORT_ATTEMPTS and _address_in_use(log_path):
                    continue  # somebody grabbed the port between bind and listen
                raise
        with psycopg.connect(
            host="127.0.0.1",
            port=port,
            user=PG_SUPERUSER,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
        server.url = f"postgresql+psycopg://{PG_SUPERUSER}@127.0.0.1:{port}/{PG_DATABASE}"
        return server
    except BaseException:
        server.stop()
        raise


# --------------------------------------------------------------------------
# Redis


def _find_redis_server() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    if os.access("/usr/bin/redis-server", os.X_OK):
        return "/usr/bin/redis-server"
    raise RuntimeError(
        "redis-server not found on PATH or at /usr/bin/redis-server. Install the "
        "Debian package 'redis-server' (apt-get install redis-server), or set "
        "TEST_REDIS_URL to an existing Redis."
    )


def start_redis(base_dir: Path) -> ThrowawayServer:
    """Start a throwaway Redis on 127.0.0.1 and return it with its URL."""
    binary = _find_redis_server()
    base_dir = Path(base_dir)
    base_dir.mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(prefix="redis-", dir=base_dir))
    log_path = work_dir / "redis.log"
    server = ThrowawayServer(
        url="",
        name="redis",
        work_dir=work_dir,
        log_path=log_path,
        stop_signal=signal.SIGTERM,
    )
    with _REGISTRY_LOCK:
        _REGISTRY.append(server)
    try:
        for attempt in range(_PORT_ATTEMPTS):
            port = _free_port()
            server.process = _spawn(
                [
                    binary,
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(work_dir),
                    "--daemonize",
                    "no",
                    "--logfile",
                    "",
                ],
                log_path=log_path,
                cwd=work_dir,
                user=None,
                death_signal=signal.SIGTERM,
            )

            def probe(port: int = port) -> None:
                client = redis.Redis(
                    host="127.0.0.1",
                    port=port,
                    socket_connect_timeout=1,
                    socket_timeout=1,
                )
                try:
                    client.ping()
                finally:
                    client.close()

            try:
                _wait_until_ready(server, probe, "Redis")
                break
            except RuntimeError:
                if attempt + 1 < _PORT_ATTEMPTS and _address_in_use(log_path):
                    continue
                raise
        server.url = f"redis://127.0.0.1:{port}/0"
        return server
    except BaseException:
        server.stop()
        raise
