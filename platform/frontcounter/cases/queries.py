"""Work queues: filter, sort by deadline, paginate, with one query per page (no query per row)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, false, func, nulls_last

from frontcounter.cases.models import Case, CaseEvent
from frontcounter.counting import CappedPagination
from frontcounter.extensions import db
from frontcounter.web.inputs import as_int32

ALL_STATES = "all"


@dataclass
class QueueFilter:
    """What a staff member asked the queue for."""

    service_key: str
    state: str = ""  # "" open work (the default), "all" every case, else one state
    assignee: str = ""  # "", "me", "none" or a staff member id
    overdue: bool = False
    q: str = ""


def queue_query(f: QueueFilter, me: int | None) -> Select:
    """Return the select for a queue: the force's cases of one service, soonest deadline first."""
    query = db.select(Case).where(Case.service_key == f.service_key)
    if not f.state:
        query = query.where(Case.closed_at.is_(None))  # open work: read from the small ix_case_open index
    elif f.state != ALL_STATES:
        query = query.where(Case.state == f.state)
    if f.assignee == "me" and me is not None:
        query = query.where(Case.assignee_id == me)
    elif f.assignee == "none":
        query = query.where(Case.assignee_id.is_(None))
    elif f.assignee.isdigit():
        member_id = as_int32(f.assignee)  # an id no column can hold matches no case
        query = query.where(Case.assignee_id == member_id if member_id is not None else false())
    if f.overdue:
        query = query.where(Case.deadline_at.is_not(None), Case.deadline_at < datetime.now(UTC))
    if f.q:
        like = f"%{f.q.strip()}%"
        query = query.where(Case.reference.ilike(like) | Case.applicant_name.ilike(like)
                            | Case.applicant_email.ilike(like))
    return query.order_by(nulls_last(Case.deadline_at.asc()), Case.id)


def queue_page(f: QueueFilter, me: int | None, page: int, per_page: int = 25) -> CappedPagination:
    """One page of a queue with its total counted up to COUNT_CAP (then shown as "more than")."""
    return CappedPagination(select=queue_query(f, me), session=db.session(), page=page, per_page=per_page,
                            max_per_page=None, error_out=False, count=True)


def state_counts(service_key: str) -> dict[str, int]:
    """Count the force's cases of a service in each state, closed ones included."""
    rows = db.session.execute(
        db.select(Case.state, func.count()).where(Case.service_key == service_key).group_by(Case.state)
    ).all()
    return {state: count for state, count in rows}


def open_state_counts(service_key: str) -> dict[str, int]:
    """Count the force's open cases of a service in each state (from the open-work index only)."""
    rows = db.session.execute(
        db.select(Case.state, func.count())
        .where(Case.service_key == service_key, Case.closed_at.is_(None))
        .group_by(Case.state)
    ).all()
    return {state: count for state, count in rows}


def public_events(case: Case) -> list[CaseEvent]:
    """The case's history entries the applicant may see, oldest first."""
    return list(db.session.scalars(
        db.select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.public.is_(True)).order_by(CaseEvent.id)
    ))


def cases_of_account(account_id: int, limit: int = 200) -> list[Case]:
    """The force's cases of one public account, newest first."""
    return list(db.session.scalars(
        db.select(Case).where(Case.applicant_account_id == account_id).order_by(Case.id.desc()).limit(limit)
    ))
