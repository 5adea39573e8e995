"""The course sessions a driver may choose from: filtered by date and sorted by distance from a postcode area.

Sessions are bookings slots with a free place that the driver's case may book (frontcounter.bookings
available_query, which applies the force's rules and the offer's complete-by date). Distance is
simple on purpose: venues in the driver's postcode area come first; when the force gave venues a
latitude and longitude, the others follow nearest first (measured from the middle of the driver's
area's venues); online sessions are always listed, after the venues nearby.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from frontcounter.bookings import BookingRules, Slot, available_query
from frontcounter.bookings.times import uk_to_utc
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter_speed_awareness.models import Venue
from frontcounter_speed_awareness.offers import SERVICE_KEY
from frontcounter_speed_awareness.sessions import end_of_day, session_details

PER_PAGE = 10
MAX_SESSIONS = 2000  # a force lists a few months of sessions; more than this is not a driver's choice
EARTH_RADIUS_MILES = 3958.8
_AREA = re.compile(r"^([A-Z]{1,2})(?:\d|$)")
_DAY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$|^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def postcode_area(text: str) -> str:
    """The postcode area (the leading letters) of a postcode, district or area: 'al1 1aa' -> 'AL'; '' if none."""
    match = _AREA.match(re.sub(r"\s+", "", text or "").upper())
    return match.group(1) if match else ""


def miles_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in miles between two (latitude, longitude) points (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(min(1.0, h)))


def parse_day(text: str) -> date | None:
    """A date typed as 31/12/2026 or 2026-12-31; None when blank or not a real date."""
    match = _DAY.match(text or "")
    if not match:
        return None
    day, month, year = (match.group(1), match.group(2), match.group(3)) if match.group(1) else match.group(6, 5, 4)
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


@dataclass
class SessionFilters:
    """What the driver asked for: a postcode area to sort by and a date range; `errors` by field name."""

    postcode: str = ""
    date_from: date | None = None
    date_to: date | None = None
    raw: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def area(self) -> str:
        """The postcode area to sort by ('' for none)."""
        return postcode_area(self.postcode)


def read_filters(args: dict[str, str]) -> SessionFilters:
    """Read the filter form (postcode, from, to) from query arguments, with an error per bad field."""
    raw = {name: (args.get(name) or "").strip()[:20] for name in ("postcode", "from", "to")}
    filters = SessionFilters(postcode=raw["postcode"], raw=raw)
    if raw["postcode"] and not filters.area:
        filters.errors["postcode"] = _("Enter a postcode or the start of one, like AL1 or AL1 1AA")
    bad_date = {
        "from": _("Enter the from date as a real date, like 31/3/2026"),
        "to": _("Enter the to date as a real date, like 30/4/2026"),
    }
    for name in ("from", "to"):
        if raw[name]:
            day = parse_day(raw[name])
            if day is None:
                filters.errors[name] = bad_date[name]
            elif name == "from":
                filters.date_from = day
            else:
                filters.date_to = day
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        filters.errors["to"] = _("The to date must be the same as or after the from date")
        filters.date_to = None
    return filters


@dataclass(frozen=True)
class SessionChoice:
    """One session as the driver sees it: the slot, its venue (None online), and how near it is."""

    slot: Slot
    venue: Venue | None
    online: bool
    near: bool
    miles: float | None


@dataclass
class SessionPage:
    """A page of sessions, with what the bookings slot picker's pagination expects."""

    items: list[SessionChoice]
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        """True when there is an earlier page."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """True when there is a later page."""
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        """The earlier page's number."""
        return self.page - 1

    @property
    def next_num(self) -> int:
        """The later page's number."""
        return self.page + 1


def _venues(slots: Sequence[Slot]) -> dict[int, Venue]:
    ids = {session_details(s)["venue_id"] for s in slots} - {None}
    if not ids:
        return {}
    return {v.id: v for v in db.session.scalars(db.select(Venue).where(Venue.id.in_(ids)))}


def _centre(venues: Sequence[Venue], area: str) -> tuple[float, float] | None:
    """The middle of the force's venues in `area` that have coordinates (None when none have)."""
    points = [
        (v.latitude, v.longitude)
        for v in venues
        if postcode_area(v.postcode) == area and v.latitude is not None and v.longitude is not None
    ]
    if not points:
        return None
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def _choices(slots: Sequence[Slot], area: str) -> list[SessionChoice]:
    venues = _venues(slots)
    centre = _centre(list(venues.values()), area) if area else None
    choices = []
    for slot in slots:
        details = session_details(slot)
        venue = venues.get(details["venue_id"]) if details["venue_id"] is not None else None
        online = details["online"] or bool(venue and venue.online)
        near = bool(area and venue and not online and postcode_area(venue.postcode) == area)
        miles = None
        if centre and venue and not online and venue.latitude is not None and venue.longitude is not None:
            miles = miles_between(centre, (venue.latitude, venue.longitude))
        choices.append(SessionChoice(slot, None if online else venue, online, near, miles))
    return choices


def _distance_order(choice: SessionChoice) -> tuple[int, float]:
    """Nearby venues, then online, then other venues nearest first, then those of unknown distance."""
    if choice.near:
        return 0, choice.miles or 0.0
    if choice.online:
        return 1, 0.0
    if choice.miles is not None:
        return 2, choice.miles
    return 3, 0.0


def find_sessions(
    case: Case | None,
    course_type: str,
    filters: SessionFilters,
    rules: BookingRules,
    *,
    page: int = 1,
    complete_by: date | None = None,
    exclude_slot_id: int | None = None,
    now: datetime | None = None,
) -> SessionPage:
    """A page of the sessions of `course_type` with a free place that `case` may book, ending by the end of
    `complete_by`, soonest first (nearest first when the driver gave a postcode area)."""
    start = uk_to_utc(filters.date_from, datetime.min.time()) if filters.date_from else None
    end = uk_to_utc(filters.date_to + timedelta(days=1), datetime.min.time()) if filters.date_to else None
    query = available_query(
        SERVICE_KEY,
        kind=course_type,
        start=start,
        end=end,
        case=case,
        rules=rules,
        exclude_slot_id=exclude_slot_id,
        now=now,
    )
    if complete_by is not None:  # the rules apply it too once the driver has a case
        query = query.where(Slot.ends_at <= end_of_day(complete_by))
    slots = list(db.session.scalars(query.limit(MAX_SESSIONS)))
    choices = _choices(slots, filters.area)
    if filters.area:
        choices.sort(key=_distance_order)  # stable: soonest first within each group
    pages = max(1, math.ceil(len(choices) / PER_PAGE))
    page = min(max(page, 1), pages)
    return SessionPage(choices[(page - 1) * PER_PAGE : page * PER_PAGE], page, pages, len(choices))
