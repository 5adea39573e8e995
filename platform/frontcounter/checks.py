"""Checks on a person against a force's own systems (intelligence, records): the adapter contract.

A force's integration plugin implements the `person_checks(tenant)` hook and returns adapters; a
service that needs checks (a licence, a certificate) runs each adapter and keeps the results.
An adapter returns a CheckResult; one that raises is treated by the caller as an error, never as clear.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

__all__ = ["CheckResult", "CheckStatus", "PersonCheck"]


class CheckStatus(enum.StrEnum):
    """What one system said about a person."""

    CLEAR = "clear"
    FLAGGED = "flagged"
    ERROR = "error"


@dataclass(frozen=True)
class CheckResult:
    """What one system said: clear, flagged or error (a CheckStatus value), with any detail for staff."""

    status: str
    detail: str = ""


@runtime_checkable
class PersonCheck(Protocol):
    """An adapter to one system: `check` a person (a mapping with names, date_of_birth, addresses...)."""

    name: str

    def check(self, person: Mapping[str, Any]) -> CheckResult:
        """Look the person up and say whether anything is known."""
        ...
