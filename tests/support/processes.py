"""Real processes for the multi-process test: a Redis that restarts on its own port, and the platform's
processes (gunicorn app servers, rq workers, sweepers), each in a session of its own; kill() takes the
whole of one (an rq worker and the child running its job), as a dead machine would."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import redis

STOP_TIMEOUT = 15.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(
    condition: Callable[[], object], timeout: float, what: str, every: float = 0.1,
    explain: Callable[[], str] | None = None,
) -> object:
    """Poll `condition` until it returns something true (returned), failing with `what` (and what `explain`
    says) after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            detail = f"\n{explain()}" if explain else ""
            raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}{detail}")
        time.sleep(every)


def _death_signal_prefix() -> list[str]:
    """Make Linux kill the child if the test process dies (util-linux setpriv), from the main thread only."""
    setpriv = shutil.which("setpriv")
    if setpriv is None or not sys.platform.startswith("linux"):
        return []
    if threading.current_thread() is not threading.main_thread():
        return []
    return [setpriv, "--pdeathsig", "SIGKILL", "--"]


def owner_of_connection(local_port: int, remote_port: int) -> int:
    """The id of the process holding the TCP connection 127.0.0.1:local_port -> 127.0.0.1:remote_port (Linux)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, inode = fields[1], fields[2], fields[9]
        if int(local.split(":")[1], 16) == local_port and int(remote.split(":")[1], 16) == remote_port:
            inodes.add(f"socket:[{inode}]")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") in inodes for fd in os.listdir(f"/proc/{pid}/fd")):
                return int(pid)
    raise LookupError(f"no process holds 127.0.0.1:{local_port} -> {remote_port}")


def parent_of(pid: int) -> int:
    """The parent process id of `pid` (Linux)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def descendants(pid: int) -> list[int]:
    """Every living process started by `pid`, its children's children and so on (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError, IndexError, ValueError):
            children.setdefault(parent_of(int(entry)), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Process:
    """One command run in its own session with its output in `log`; stop() or kill() it."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path, cwd: Path) -> None:
        self.name, self.argv, self.env, self.log, self.cwd = name, argv, env, log, cwd
        self.popen: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        """The process id (the session leader's)."""
        assert self.popen is not None
        return self.popen.pid

    def start(self) -> Process:
        """Start the command (its output appended to the log)."""
        with open(self.log, "ab") as out:
            self.popen = subprocess.Popen(
                _death_signal_prefix() + self.argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                cwd=self.cwd, env=self.env, start_new_session=True,
            )
        return self

    def alive(self) -> bool:
        """True while the process runs."""
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL the process and everything it started (rq's job process has a session of its own)."""
        if self.popen is not None:
            for pid in [self.popen.pid, *descendants(self.popen.pid)]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()

    def terminate(self) -> None:
        """Ask it to stop (SIGTERM to its group); stop() waits for it."""
        if self.popen is not None and self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)

    def stop(self) -> None:
        """Ask it to stop, wait up to STOP_TIMEOUT, then SIGKILL whatever of it is left."""
        if self.popen is None:
            return
        self.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=STOP_TIMEOUT)
        self.kill()

    def output(self) -> str:
        """What it wrote so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class RestartableRedis:
    """A redis-server on 127.0.0.1 that keeps nothing on disk, so a restart loses every queued job."""

    def __init__(self, work_dir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.work_dir = work_dir
        self._process = Process(
            "redis",
            [shutil.which("redis-server") or "redis-server", "--bind", "127.0.0.1", "--port", str(self.port),
             "--save", "", "--appendonly", "no", "--dir", str(work_dir), "--daemonize", "no"],
            {**os.environ, "LC_ALL": "C"}, work_dir / "redis.log", work_dir,
        )

    def _answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.exceptions.ConnectionError:
            return False

    def start(self) -> RestartableRedis:
        """Start it and wait until it answers."""
        self._process.start()
        wait_until(self._answers, 30, f"redis on port {self.port}")
        return self

    def stop(self) -> None:
        """Stop it (its data goes with it) and wait until the port refuses connections."""
        self._process.stop()
        wait_until(lambda: not self._answers(), 10, "redis to stop")

    def restart(self) -> None:
        """Stop, then start again on the same port."""
        self.stop()
        self.start()
