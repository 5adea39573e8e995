"""The driver education course types a force can offer, with their labels and usual lengths.

Keys are stored on offers and used as the bookings Slot.kind of a course session. Lengths are the
usual session lengths (National Speed Awareness: 2 h 45 min, from the national scheme; the others
vary a little by provider) and are only the default length of a new session: staff set each
session's real times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

NATIONAL_SPEED_AWARENESS = "national_speed_awareness"
MOTORWAY_AWARENESS = "motorway_awareness"
SAFE_AND_CONSIDERATE_DRIVING = "safe_and_considerate_driving"
RIDE = "ride"


@dataclass(frozen=True)
class CourseType:
    """One course: its key, what people see, how long a session usually lasts and who it is for.

    `motorcycles_only`: only for offences on a motorcycle (RIDE). `motorway_only`: only for offences
    on a motorway (the location is flagged as one in the offer).
    """

    key: str
    label: str
    duration: timedelta
    motorcycles_only: bool = False
    motorway_only: bool = False


COURSE_TYPES: dict[str, CourseType] = {
    c.key: c
    for c in (
        CourseType(NATIONAL_SPEED_AWARENESS, _l("National Speed Awareness Course"), timedelta(hours=2, minutes=45)),
        CourseType(
            MOTORWAY_AWARENESS,
            _l("National Motorway Awareness Course"),
            timedelta(hours=2, minutes=45),
            motorway_only=True,
        ),
        CourseType(
            SAFE_AND_CONSIDERATE_DRIVING, _l("Safe and Considerate Driving Course"), timedelta(hours=3, minutes=30)
        ),
        CourseType(RIDE, _l("RIDE course for motorcyclists"), timedelta(hours=5), motorcycles_only=True),
    )
}

# What camera and ticket offices also write in their exports (the national scheme's short names).
_ALIASES = {"nsac": NATIONAL_SPEED_AWARENESS, "nmac": MOTORWAY_AWARENESS, "scd": SAFE_AND_CONSIDERATE_DRIVING}


def parse_course_type(text: str) -> str | None:
    """Return the course key for `text` (a key or a national short name, any case), or None."""
    cleaned = (text or "").strip().lower().replace(" ", "_").replace("-", "_")
    if cleaned in COURSE_TYPES:
        return cleaned
    return _ALIASES.get(cleaned)


def course_label(key: str) -> str:
    """The course's name for people (the key itself for a course no longer offered)."""
    course = COURSE_TYPES.get(key)
    return str(course.label) if course else key


def course_kinds() -> dict[str, Any]:
    """Course key -> label (translated when shown), as the bookings core wants for BookingRules.kinds."""
    return {key: course.label for key, course in COURSE_TYPES.items()}
