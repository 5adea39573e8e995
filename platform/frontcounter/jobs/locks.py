"""The sweeper's lock: any number of `frontcounter sweep` processes may run; one works at a time.

On PostgreSQL a session-level advisory lock, held on a connection of its own for as long as the
sweeper lives (released by the server the moment that process or its connection dies, so another
sweeper takes over on its next round). On SQLite, an exclusive lock on a file beside the database.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

ADVISORY_KEY = 0x0F_C0_57_EE  # "frontcounter sweep", the same in every process of the platform


class SweepLock:
    """Try, each round, to be the sweeper that works; keep the lock once held."""

    def __init__(self, engine: Engine, lock_file: Path) -> None:
        self.engine = engine
        self.lock_file = lock_file
        self._connection: Any = None
        self._file: IO[str] | None = None

    @property
    def held(self) -> bool:
        """True while this process holds the lock."""
        return self._connection is not None or self._file is not None

    def acquire(self) -> bool:
        """Take the lock if no other sweeper holds it (never waits); True when this process holds it."""
        if self.held:
            return self._still_held()
        if self.engine.dialect.name == "postgresql":
            connection = self.engine.connect()
            if connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}).scalar():
                connection.commit()
                self._connection = connection
                return True
            connection.close()
            return False
        handle = open(self.lock_file, "a+")  # kept open while the lock is held
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle
        return True

    def _still_held(self) -> bool:
        if self._connection is None:
            return True
        try:  # the database restarted: the lock went with the old connection
            self._connection.execute(text("SELECT 1"))
            self._connection.commit()
            return True
        except Exception:  # noqa: BLE001 - lost the connection: try again from scratch next round
            log.warning("The sweeper lost its database connection and with it the lock")
            self._drop()
            return False

    def _drop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # noqa: BLE001, S110 - already gone
                pass
            self._connection = None

    def release(self) -> None:
        """Let another sweeper work."""
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
                self._connection.commit()
            finally:
                self._drop()
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
