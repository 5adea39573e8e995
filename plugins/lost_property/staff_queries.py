"""Queries behind the staff pages: the register of items in store (filtered, paginated), counts, staff stations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from frontcounter.bookings.models import Slot
from frontcounter.bookings.queries import paginate
from frontcounter.calendar import uk_today
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter_lost_property.models import Claim, FoundItem, Match
from frontcounter_lost_property.workflow import SERVICE_KEY
from sqlalchemy import func

AGES = {"0-28": (0, 28), "29-90": (29, 90), "91-365": (91, 365), "366+": (366, None)}
IN_STORE = ("received", "awaiting_collection")


@dataclass(frozen=True)
class RegisterFilter:
    """What the register shows: station, category, age band (days since received) and stage."""

    station: str = ""
    category: str = ""
    age: str = ""
    state: str = "in_store"


def register(f: RegisterFilter, page: int, per_page: int = 25):  # type: ignore[no-untyped-def]
    """A page of found items (with their cases), oldest received first."""
    query = db.select(FoundItem).join(Case, Case.id == FoundItem.case_id)
    if f.state == "in_store":
        query = query.where(Case.state.in_(IN_STORE))
    elif f.state:
        query = query.where(Case.state == f.state)
    if f.station:
        query = query.where(FoundItem.station == f.station)
    if f.category:
        query = query.where(FoundItem.category == f.category)
    if f.age in AGES:
        low, high = AGES[f.age]
        today = uk_today()
        query = query.where(FoundItem.received_on <= today - timedelta(days=low))
        if high is not None:
            query = query.where(FoundItem.received_on >= today - timedelta(days=high))
    return paginate(query.order_by(FoundItem.received_on.is_(None), FoundItem.received_on, FoundItem.id), page,
                    per_page)


def stations() -> list[str]:
    """The force's stations: where its items are kept and its hand-in slots are held."""
    kept = db.session.scalars(db.select(FoundItem.station).where(FoundItem.station != "").distinct()).all()
    offered = db.session.scalars(
        db.select(Slot.location).where(Slot.service_key == SERVICE_KEY, Slot.location != "").distinct()).all()
    return sorted({*kept, *offered})


def counts() -> dict[str, int]:
    """Items by stage, matches and claims waiting: one query each."""
    by_state = dict(db.session.execute(
        db.select(Case.state, func.count(Case.id)).where(Case.service_key == SERVICE_KEY).group_by(Case.state)).all())
    by_state["matches"] = db.session.scalar(db.select(func.count(Match.id)).where(Match.status == "proposed")) or 0
    by_state["claims"] = db.session.scalar(db.select(func.count(Claim.id)).where(Claim.status == "submitted")) or 0
    return by_state


def item_by_reference(reference: str) -> FoundItem | None:
    """The force's found item whose case has this reference."""
    return db.session.scalar(
        db.select(FoundItem).join(Case, Case.id == FoundItem.case_id).where(Case.reference == reference))


def claims_waiting(page: int):  # type: ignore[no-untyped-def]
    """A page of sent claims waiting for a decision, oldest first."""
    return paginate(db.select(Claim).where(Claim.status == "submitted").order_by(Claim.id), page, 25)


def documents_of(case: Case, kinds: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """The case's documents of these kinds, oldest first."""
    from frontcounter.documents.models import Document

    return list(db.session.scalars(
        db.select(Document).where(Document.case_id == case.id, Document.kind.in_(kinds)).order_by(Document.id)))
