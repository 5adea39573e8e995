"""Lists for the licensing team: open notices by objection deadline, applications by response date."""

from __future__ import annotations

from datetime import date
from typing import Any

from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter_liquor.models import EventNotice, LicenceApplication

PAGE_SIZE = 25


def notices_awaiting_decision(page: int = 1) -> Any:
    """A page of notices in their objection window, soonest deadline first (the case loaded in the same query)."""
    query = (
        db.select(EventNotice).join(Case, Case.id == EventNotice.case_id).where(Case.state == "received")
        .order_by(EventNotice.objection_due, EventNotice.starts_at, EventNotice.id)
    )
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def recent_notices(limit: int = 25) -> list[tuple[EventNotice, Case]]:
    """Notices already decided, newest event first."""
    rows = db.session.execute(
        db.select(EventNotice, Case).join(Case, Case.id == EventNotice.case_id).where(Case.state != "received")
        .order_by(EventNotice.starts_at.desc()).limit(limit)
    ).all()
    return [(n, c) for n, c in rows]


def applications_in_consultation(limit: int = 50) -> list[tuple[LicenceApplication, Case]]:
    """Applications the police may still respond to, soonest response date first."""
    rows = db.session.execute(
        db.select(LicenceApplication, Case).join(Case, Case.id == LicenceApplication.case_id)
        .where(Case.state == "consultation").order_by(LicenceApplication.respond_by, LicenceApplication.id)
        .limit(limit)
    ).all()
    return [(a, c) for a, c in rows]


def notices_past_window(today: date, limit: int = 200) -> list[tuple[EventNotice, Case]]:
    """Notices still awaiting a decision whose window ended before `today`."""
    rows = db.session.execute(
        db.select(EventNotice, Case).join(Case, Case.id == EventNotice.case_id)
        .where(Case.state == "received", EventNotice.objection_due < today).limit(limit)
    ).all()
    return [(n, c) for n, c in rows]


def applications_past_window(today: date, limit: int = 200) -> list[tuple[LicenceApplication, Case]]:
    """Applications still in consultation whose response date passed before `today`."""
    rows = db.session.execute(
        db.select(LicenceApplication, Case).join(Case, Case.id == LicenceApplication.case_id)
        .where(Case.state == "consultation", LicenceApplication.respond_by < today).limit(limit)
    ).all()
    return [(a, c) for a, c in rows]


def case_files(case: Case) -> list[Any]:
    """Every document on the case (for the API, whose token stands for force staff), oldest first."""
    from frontcounter.documents.models import Document

    return list(db.session.scalars(db.select(Document).where(Document.case_id == case.id).order_by(Document.id)))
