"""The records adapter interface and the registry of adapters (the register_records_adapters hook).

An adapter pushes one case document (built by frontcounter.integrations.records.document) to a
force's records management system. It is made per push with the force and the options from its
`[records]` table, and raises RecordsUnavailable when the system cannot take it now (retried).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from frontcounter.tenancy.context import TenantRef


class RecordsUnavailable(Exception):
    """The records system could not take the case now; the push is retried with back-off."""


class RecordsAdapter(ABC):
    """Push cases to one kind of records system; subclasses set `name` and implement push_case."""

    name: ClassVar[str]
    label: ClassVar[str] = ""

    def __init__(self, tenant: TenantRef, options: dict[str, Any]) -> None:
        self.tenant = tenant
        self.options = dict(options)

    @abstractmethod
    def push_case(self, document: dict[str, Any]) -> str:
        """Hand the case document to the records system; return where it went (for the log)."""


def records_adapters() -> dict[str, type[RecordsAdapter]]:
    """Every adapter class registered through register_records_adapters, by name."""
    from frontcounter.plugins.manager import registry

    found: dict[str, type[RecordsAdapter]] = {}
    for group in registry().hook.register_records_adapters():
        for adapter in group or []:
            if adapter.name in found and found[adapter.name] is not adapter:
                raise ValueError(f"Records adapter {adapter.name!r} is registered by two plugins.")
            found[adapter.name] = adapter
    return found
