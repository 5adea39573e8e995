"""The file-drop records adapter: one JSON file per case in a folder the records system watches.

The folder is RECORDS_DROP_DIR/<force slug> (RECORDS_DROP_DIR from the environment, by default
instance/records-drop): a force's TOML chooses the adapter, never a path. Each push writes the whole
case to a temporary file in the same folder, flushes it to disk and renames it over <reference>.json
(os.replace), so a reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from flask import current_app

from frontcounter.integrations.records.adapter import RecordsAdapter, RecordsUnavailable


def drop_folder(slug: str) -> Path:
    """The folder a force's case files are dropped into."""
    root = current_app.config.get("RECORDS_DROP_DIR") or os.path.join(current_app.config["INSTANCE_DIR"],
                                                                       "records-drop")
    return Path(root) / slug


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


class FileDropAdapter(RecordsAdapter):
    """Write <reference>.json for each case into the force's drop folder."""

    name = "file_drop"
    label = "File drop (JSON per case)"

    def push_case(self, document: dict[str, Any]) -> str:
        """Write the case's JSON file atomically; return its path."""
        reference = str(document["case"]["reference"])
        if not reference.replace("-", "").isalnum():
            raise ValueError(f"Unexpected case reference {reference!r}")
        path = drop_folder(self.tenant.slug) / f"{reference}.json"
        body = json.dumps(document, indent=2, sort_keys=True, default=str).encode("utf-8")
        try:
            write_atomically(path, body)
        except OSError as exc:
            raise RecordsUnavailable(f"Cannot write {path}: {exc}") from exc
        return str(path)
