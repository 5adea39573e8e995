"""Finding slots: the ones a person can book now, and the force's list for staff (one query a page)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from frontcounter.bookings.models import ACTIVE_STATES, Booking, Slot
from frontcounter.bookings.rules import BookingRules, rules_for
from frontcounter.bookings.times import now_utc
from frontcounter.cases.models import Case
from frontcounter.extensions import db

MAX_PAGE = 10_000


def paginate(select: Select, page: int, per_page: int) -> Pagination:
    """A page of `select`'s rows, counted in the force's scope; a page number past the end gives the last page."""
    found = db.paginate(select, page=min(max(page, 1), MAX_PAGE), per_page=per_page, error_out=False)
    if not found.items and found.total:
        found = db.paginate(select, page=found.pages, per_page=per_page, error_out=False)
    return found


def available_query(
    service_key: str,
    *,
    kind: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    location: str | None = None,
    case: Case | None = None,
    rules: BookingRules | None = None,
    exclude_slot_id: int | None = None,
    now: datetime | None = None,
) -> Select:
    """The select for slots with a free place that `case` may book under `rules`, soonest first."""
    rules = rules or rules_for(service_key)
    now = now or now_utc()
    earliest = now + timedelta(hours=rules.min_notice_hours)
    if start is not None:
        earliest = max(earliest, start)
    query = db.select(Slot).where(
        Slot.service_key == service_key,
        Slot.cancelled_at.is_(None),
        Slot.taken < Slot.capacity,
        Slot.starts_at > earliest,
        Slot.kind.in_(list(rules.kinds)) if kind is None else Slot.kind == kind,
    )
    if end is not None:
        query = query.where(Slot.starts_at < end)
    until = rules.bookable_until(case) if case is not None and rules.bookable_until else None
    if until is not None:
        query = query.where(Slot.ends_at <= until)
    if location:
        query = query.where(Slot.location.ilike(f"%{location.strip()}%"))
    if exclude_slot_id is not None:
        query = query.where(Slot.id != exclude_slot_id)
    return query.order_by(Slot.starts_at, Slot.id)


def available_slots(service_key: str, *, page: int = 1, per_page: int = 20, **filters: object) -> Pagination:
    """A page of bookable slots (filters as for available_query: kind, start, end, location, case, rules...)."""
    return paginate(available_query(service_key, **filters), page, per_page)  # type: ignore[arg-type]


def staff_slots(service_key: str, *, start: datetime, kind: str = "", page: int = 1, per_page: int = 25) -> Pagination:
    """A page of the force's slots of one service from `start` on, cancelled ones included, by date."""
    query = db.select(Slot).where(Slot.service_key == service_key, Slot.starts_at >= start)
    if kind:
        query = query.where(Slot.kind == kind)
    return paginate(query.order_by(Slot.starts_at, Slot.id), page, per_page)


def slot_bookings(slot: Slot) -> list[tuple[Booking, Case | None]]:
    """The bookings on a slot with their cases, live ones first, then newest."""
    rows = db.session.execute(
        db.select(Booking, Case)
        .outerjoin(Case, Case.id == Booking.case_id)
        .where(Booking.slot_id == slot.id)
        .order_by(Booking.state.in_(ACTIVE_STATES).desc(), Booking.id.desc())
    ).all()
    return [(booking, case) for booking, case in rows]
