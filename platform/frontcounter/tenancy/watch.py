"""Hear at once, in every process, that a force's settings changed (PostgreSQL LISTEN/NOTIFY).

A flush that changes a force or one of its services sends `NOTIFY frontcounter_settings` in its own
transaction (PostgreSQL delivers it on commit, never for a rollback). Each app process keeps one
listening connection in a background thread; each notification bumps the process's `serial`. While the
listener is live, cached force settings and cached pages made at the current serial are known to be the
database's, so a cached page needs no query at all (tenancy/cache.py, web/pagecache.py). When the
listener is not live (starting, PostgreSQL restarting, SQLite, switched off) everything falls back to
the per-request settings-version query, so a missed notification can never serve stale settings:
going live again bumps the serial, which drops everything cached before.

The same listener hears `NOTIFY frontcounter_cases` (cases/changes.py): which cases changed, or "*"
for any, so a page kept for one case (the tracking page) is remade after that case changes.

Switched on by SETTINGS_NOTIFY (default: on in production on PostgreSQL).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import text
from sqlalchemy.orm import Session

CHANNEL = "frontcounter_settings"
CASES_CHANNEL = "frontcounter_cases"
ANY_CASE = "*"  # the payload for "cases changed, which ones not known"
_MAX_CASES_HEARD = 100_000  # past this many different cases heard, forget them all (as if "*" was heard)
APPLICATION_NAME = "frontcounter-settings-watch"  # how the listening connection shows in pg_stat_activity
_RECHECK_SECONDS = 15.0  # the listening connection is checked with a query this often
log = logging.getLogger(__name__)


class SettingsWatch:
    """One process's listener: `live` while it hears every notification; `serial` counts changes heard."""

    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo
        self.serial = 0
        self.live = False
        self.cases_serial = 0  # bumped when any case may have changed
        self.case_serials: dict[int, int] = {}
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def changed(self) -> None:
        """Something may have changed: whatever was cached at an earlier serial is stale."""
        with self._lock:
            self.serial += 1

    def case_mark(self, case_id: int) -> tuple[int, int, int]:
        """Where things stood for `case_id`: a page made from it stays good while this is unchanged."""
        return self.serial, self.cases_serial, self.case_serials.get(case_id, 0)

    def cases_changed(self, payload: str) -> None:
        """Cases changed: `payload` is their ids, comma-separated, or "*" for any."""
        with self._lock:
            ids = [] if payload == ANY_CASE else [int(part) for part in payload.split(",") if part.isdigit()]
            if not ids or len(self.case_serials) + len(ids) > _MAX_CASES_HEARD:
                self.cases_serial += 1
                self.case_serials.clear()
                return
            for case_id in ids:
                self.case_serials[case_id] = self.case_serials.get(case_id, 0) + 1

    def ensure_started(self) -> None:
        """Start the listener thread in this process (again after a fork: threads do not survive one)."""
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self.live = False
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="frontcounter-settings-watch", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop listening (tests; a process that ends needs nothing)."""
        self._stop.set()
        self.live = False
        if self._thread is not None and self._pid == os.getpid():
            self._thread.join(timeout=5)
        self._pid = None

    def wait_live(self, timeout: float = 10.0) -> bool:
        """Wait until the listener is live (tests, and a process that wants it before serving)."""
        deadline = time.monotonic() + timeout
        while not self.live and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.live

    def _run(self) -> None:
        import psycopg

        pause = 0.5
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, keepalives=1, keepalives_idle=10,
                                     keepalives_interval=5, keepalives_count=3, connect_timeout=5,
                                     application_name=APPLICATION_NAME) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    conn.execute(f"LISTEN {CASES_CHANNEL}")
                    self.changed()  # anything cached before now may have missed a notification
                    self.live = True
                    pause = 0.5
                    self._listen(conn)
            except Exception as exc:  # noqa: BLE001 - PostgreSQL away: fall back to queries, try again
                if not self._stop.is_set():
                    log.warning("Settings listener lost (%s); settings are checked by query until it is back", exc)
            finally:
                self.live = False
            self._stop.wait(pause)
            pause = min(pause * 2, 30.0)

    def _listen(self, conn: Any) -> None:
        checked = time.monotonic()
        while not self._stop.is_set():
            for heard in conn.notifies(timeout=0.5, stop_after=1):  # wakes often enough to stop promptly
                if heard.channel == CASES_CHANNEL:
                    self.cases_changed(heard.payload)
                else:
                    self.changed()
            if time.monotonic() - checked > _RECHECK_SECONDS:
                conn.execute("SELECT 1")  # a dead connection raises here rather than staying silent
                checked = time.monotonic()


def _conninfo(app: Flask) -> str:
    from frontcounter.extensions import db

    with app.app_context():
        url = db.engine.url
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def install(app: Flask) -> None:
    """Give `app` a settings listener when SETTINGS_NOTIFY asks (default: production on PostgreSQL)."""
    uri = app.config.get("SQLALCHEMY_DATABASE_URI", "")
    postgres = uri.startswith("postgresql")
    wanted = app.config.get("SETTINGS_NOTIFY")
    if wanted is None:
        wanted = app.config.get("ENV_NAME") == "production"
    if not (postgres and wanted):
        return
    watch = SettingsWatch(_conninfo(app))
    app.extensions["frontcounter.settings_watch"] = watch
    app.before_request(watch.ensure_started)


def current_watch() -> SettingsWatch | None:
    """This app's listener when it is live (its serial then stands for the settings), else None."""
    watch = current_app.extensions.get("frontcounter.settings_watch")
    return watch if watch is not None and watch.live else None


def announce(session: Session) -> None:
    """In a flush that changes settings: notify every process on commit (PostgreSQL), and this one at once."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
    session.info["frontcounter_settings_changed"] = True


def _after_commit(session: Session) -> None:
    if session.info.pop("frontcounter_settings_changed", False) and has_app_context():
        watch = current_app.extensions.get("frontcounter.settings_watch")
        if watch is not None:
            watch.changed()  # this process need not wait for its own notification


def _after_rollback(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop("frontcounter_settings_changed", None)


def settings_pending(session: Session) -> bool:
    """True while this session holds settings changes not yet committed (cached copies would not show them)."""
    return bool(session.info.get("frontcounter_settings_changed") or session.new or session.dirty or session.deleted)


def listen_for_commits() -> None:
    """Bump this process's serial as soon as it commits a settings change (idempotent)."""
    from sqlalchemy import event

    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
