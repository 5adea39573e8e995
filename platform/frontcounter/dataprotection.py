"""Data protection: who a person is, what a service holds about them, and how long it keeps it.

Each service answers the `person_data` and `erase_person` hooks and declares `retention_policies`;
a person's requests for their data and the sweeper's retention task are built on those answers, so every service on the
platform (third-party plugins included) is searched and erased the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class PersonQuery:
    """Whom to look for: any of email, name with date of birth, or references the person gave."""

    email: str | None = None
    name: str | None = None
    date_of_birth: date | None = None
    references: tuple[str, ...] = ()
    previous_names: tuple[str, ...] = ()

    def matches_name(self, full_name: str | None, born: date | None) -> bool:
        """True when `full_name` (any of the person's names, case-blind) and `born` both match."""
        if not full_name or born is None or self.date_of_birth is None or born != self.date_of_birth:
            return False
        wanted = {n.casefold().strip() for n in (self.name, *self.previous_names) if n}
        return " ".join(full_name.casefold().split()) in {" ".join(n.split()) for n in wanted}


@dataclass
class PersonDocument:
    """A file a service holds about the person (a StoredDocument id, with what it is)."""

    document_id: int
    title: str
    content_type: str = "application/octet-stream"


@dataclass
class PersonRecord:
    """One thing a service holds about a person: a case, a booking, an application, as plain data."""

    service_key: str
    kind: str
    reference: str
    summary: str
    data: dict[str, Any] = field(default_factory=dict)
    documents: list[PersonDocument] = field(default_factory=list)
    created_on: date | None = None
    matched_by: str = ""


@dataclass
class ErasureResult:
    """What a service erased or anonymised for one person (counted, for the audit log)."""

    service_key: str
    erased: int = 0
    anonymised: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RetentionPolicy:
    """A retention period a service declares: `apply(today)` erases what is past it and returns a count.

    `key` names it in the audit log and the operator docs; `description` says what is kept and for how
    long, in plain words (shown to force admins).
    """

    service_key: str
    key: str
    description: str
    apply: Callable[[date], int]
