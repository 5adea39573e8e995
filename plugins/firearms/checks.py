"""Intelligence checks on applicants: the adapter interface, a demonstration adapter, and recording results.

A force's real systems (PNC, PND, local intelligence) sit behind adapters following the core's
frontcounter.checks.PersonCheck (IntelligenceCheck here), returned by the `person_checks` hook; an
adapter that fails or raises is recorded as an error for a caseworker to run again, never as clear.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from frontcounter.checks import CheckResult, PersonCheck
from frontcounter.extensions import db
from frontcounter_firearms.models import BackgroundCheck, CheckStatus

if TYPE_CHECKING:
    from frontcounter.cases.models import Case

log = logging.getLogger(__name__)

__all__ = [
    "CheckResult",
    "DemoIntelligenceCheck",
    "IntelligenceCheck",
    "PersonCheck",
    "latest_checks",
    "run_checks",
]


IntelligenceCheck = PersonCheck  # the core's adapter contract, under the name this plugin's code uses


@dataclass(frozen=True)
class DemoIntelligenceCheck:
    """A stand-in system for demonstrations and tests: flags chosen surnames, fails for others."""

    name: str = "demo"
    flagged_surnames: tuple[str, ...] = ("flagged", "watchlist")
    failing_surnames: tuple[str, ...] = ("unavailable",)

    def check(self, person: Mapping[str, Any]) -> CheckResult:
        """Flag a person whose surname is one of the flagged ones; report an error for the failing ones."""
        surname = str(person.get("surname") or "").strip().casefold()
        if surname in self.failing_surnames:
            return CheckResult(CheckStatus.ERROR, "The demonstration system is unavailable for this name.")
        if surname in self.flagged_surnames:
            return CheckResult(CheckStatus.FLAGGED, f"Demonstration record found for surname {surname.title()}.")
        return CheckResult(CheckStatus.CLEAR)


def run_checks(
    case: Case, person: Mapping[str, Any], checks: Iterable[IntelligenceCheck], now: datetime | None = None
) -> list[BackgroundCheck]:
    """Run every check on `person` and add one BackgroundCheck row per system to the session (not committed)."""
    now = now or datetime.now(UTC)
    rows = []
    for adapter in checks:
        try:
            result = adapter.check(person)
        except Exception:  # an outside system failing must not lose the others' answers
            log.exception("Intelligence check %s failed for case %s", adapter.name, case.reference)
            result = CheckResult(CheckStatus.ERROR, "The system did not answer.")
        row = BackgroundCheck(
            case_id=case.id,
            system=adapter.name,
            status=CheckStatus(result.status).value,
            detail=result.detail,
            checked_at=now,
        )
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    return rows


def latest_checks(case: Case) -> dict[str, BackgroundCheck]:
    """Return the most recent check of the case per system (a re-run replaces an earlier error)."""
    rows = db.session.scalars(
        db.select(BackgroundCheck)
        .where(BackgroundCheck.case_id == case.id)
        .order_by(BackgroundCheck.checked_at, BackgroundCheck.id)
    )
    return {row.system: row for row in rows}
