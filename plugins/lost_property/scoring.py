"""How alike a found item and a lost report are: pure functions on plain facts, so they can be tested on
cases made up for the purpose.

Best first: an exact serial number or IMEI match beats everything. Otherwise the category must be the
same, the item must have been found on or after the first day it may have been lost (and not long after
the last), and the score adds how well the dates fit, how close the places are (postcode districts) and
how alike the descriptions are (rapidfuzz's token set ratio, a maintained fuzzy-matching library).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from frontcounter_lost_property.places import km_between
from rapidfuzz import fuzz, utils

SERIAL_SCORE = 100.0
THRESHOLD = 45.0
FOUND_AFTER_DAYS = 30  # an item may be found (or handed in) up to this long after the last day it could be lost
NEAR_KM, FAR_KM, TOO_FAR_KM = 2.0, 50.0, 80.0
WEIGHTS = {"category": 20.0, "dates": 25.0, "distance": 20.0, "description": 35.0}


@dataclass(frozen=True)
class Found:
    """A found item as matching sees it."""

    category: str
    description: str
    found_on: date
    district: str = ""
    serial: str = ""


@dataclass(frozen=True)
class Lost:
    """A lost report as matching sees it."""

    category: str
    description: str
    lost_from: date
    lost_to: date
    district: str = ""
    serial: str = ""


@dataclass(frozen=True)
class Score:
    """The total (0-100), whether the serial matched, and each part for staff to see."""

    total: float
    serial_match: bool = False
    parts: dict[str, float] = field(default_factory=dict)
    km: float | None = None

    @property
    def sort_key(self) -> tuple[bool, float]:
        """Serial matches first, then the higher total."""
        return (self.serial_match, self.total)


def description_similarity(a: str, b: str) -> float:
    """0 to 1: how alike two descriptions are, ignoring case, punctuation and word order."""
    return fuzz.token_set_ratio(a, b, processor=utils.default_process) / 100.0


def _date_fit(found: Found, lost: Lost) -> float | None:
    if found.found_on < lost.lost_from:
        return None  # found before it was lost: not this item
    late = (found.found_on - lost.lost_to).days
    if late <= 0:
        return 1.0
    if late > FOUND_AFTER_DAYS:
        return None
    return 1.0 - late / (FOUND_AFTER_DAYS + 1)


def _distance_fit(km: float | None) -> float | None:
    if km is None:
        return 0.5  # unknown: neither for nor against
    if km > TOO_FAR_KM:
        return None
    if km <= NEAR_KM:
        return 1.0
    return max(0.0, 1.0 - (km - NEAR_KM) / (FAR_KM - NEAR_KM))


def score(found: Found, lost: Lost) -> Score | None:
    """How well `found` fits `lost`, or None when it cannot be the same item (or fits too poorly to show)."""
    if found.serial and lost.serial:
        if found.serial == lost.serial:
            return Score(SERIAL_SCORE, serial_match=True, parts={"serial": 1.0})
        return None  # both have serials and they differ: a different item
    if found.category != lost.category:
        return None
    dates = _date_fit(found, lost)
    km = km_between(found.district, lost.district) if found.district and lost.district else None
    distance = _distance_fit(km)
    if dates is None or distance is None:
        return None
    description = description_similarity(found.description, lost.description)
    parts = {"category": 1.0, "dates": round(dates, 3), "distance": round(distance, 3),
             "description": round(description, 3)}
    total = round(sum(WEIGHTS[k] * v for k, v in parts.items()), 1)
    if total < THRESHOLD:
        return None
    return Score(total, parts=parts, km=None if km is None else round(km, 1))


def best_first(scored: list[tuple[object, Score]]) -> list[tuple[object, Score]]:
    """Order (thing, score) pairs best first: serial matches, then by total."""
    return sorted(scored, key=lambda pair: pair[1].sort_key, reverse=True)
