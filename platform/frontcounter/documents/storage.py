"""Where document bytes live: a small Storage interface, local disk by default.

Keys are chosen by the platform (`new_key`: "<tenant id>/<random hex>"), never taken from a
user, and a storage refuses any other shape of key.

Choosing the storage: the config value DOCUMENT_STORAGE names a factory as "module:callable",
called once per app with the app's config and returning a Storage. The default is
"frontcounter.documents.storage:LocalStorage.from_config", which keeps files under UPLOAD_DIR
(default: <instance>/uploads).

Object storage in production: DOCUMENT_STORAGE=s3 (a shortcut for
"frontcounter.documents.s3:S3Storage.from_config"), configured by S3_* variables; see documents/s3.py.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from collections.abc import Callable, Mapping
from importlib import import_module
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

from flask import current_app

DEFAULT_FACTORY = "frontcounter.documents.storage:LocalStorage.from_config"
SHORTCUTS = {"local": DEFAULT_FACTORY, "s3": "frontcounter.documents.s3:S3Storage.from_config"}
_EXTENSION_KEY = "frontcounter.documents.storage"
_SAFE_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}(/[A-Za-z0-9_-]{1,64}){0,3}$")


@runtime_checkable
class Storage(Protocol):
    """Keeps bytes under keys: save, open for reading, delete."""

    def save(self, key: str, data: bytes) -> None:
        """Store `data` under `key` (replacing nothing: keys are new each time)."""
        ...

    def open(self, key: str) -> IO[bytes]:
        """Return a readable binary stream of the bytes under `key` (the caller closes it)."""
        ...

    def delete(self, key: str) -> None:
        """Remove the bytes under `key`; no error when they are already gone."""
        ...


def new_key(tenant_id: int) -> str:
    """Return a fresh, unguessable storage key inside the force's own prefix."""
    return f"{int(tenant_id)}/{secrets.token_hex(16)}"


def check_key(key: str) -> str:
    """Return `key` when it has the shape the platform makes, else raise ValueError."""
    if not _SAFE_KEY.match(key or ""):
        raise ValueError(f"Refusing storage key {key!r}")
    return key


class LocalStorage:
    """Files on local disk under one root folder (the default; one server, or a shared volume)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LocalStorage:
        """Build from UPLOAD_DIR, or <INSTANCE_DIR>/uploads."""
        root = config.get("UPLOAD_DIR") or Path(config.get("INSTANCE_DIR") or "instance") / "uploads"
        return cls(root)

    def path(self, key: str) -> Path:
        """Return the file path for `key` (always inside the root)."""
        path = (self.root / check_key(key)).resolve()
        if self.root not in path.parents:
            raise ValueError(f"Refusing storage key {key!r}")
        return path

    def save(self, key: str, data: bytes) -> None:
        """Write the bytes atomically: a temporary file in the same folder, then a rename."""
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> IO[bytes]:
        """Open the file for reading."""
        return self.path(key).open("rb")

    def delete(self, key: str) -> None:
        """Remove the file, if it is there."""
        self.path(key).unlink(missing_ok=True)


def _load_factory(spec: str) -> Callable[[Mapping[str, Any]], Storage]:
    module_name, _, attribute = spec.partition(":")
    target: Any = import_module(module_name)
    for part in attribute.split("."):
        target = getattr(target, part)
    return target


def storage() -> Storage:
    """Return this app's document storage (built once from DOCUMENT_STORAGE)."""
    found = current_app.extensions.get(_EXTENSION_KEY)
    if found is None:
        spec = current_app.config.get("DOCUMENT_STORAGE") or DEFAULT_FACTORY
        factory = _load_factory(SHORTCUTS.get(spec, spec))
        found = factory(current_app.config)
        if not isinstance(found, Storage):
            raise TypeError(f"DOCUMENT_STORAGE built {found!r}, which is not a Storage")
        current_app.extensions[_EXTENSION_KEY] = found
    return found
