"""Demo data for a local copy (`frontcounter demo seed`, run by `make run`): in each force with the service on,
a venue and an online "venue", a trainer (the demo field officer's sign-in), sessions for the next four
weeks, and six offers whose reference, PIN and licence number are printed so anyone can book one.

Everything is deterministic and idempotent: running it again creates nothing new and prints the same pairs.
"""

from __future__ import annotations

import hashlib
from datetime import date, time, timedelta
from typing import Any

from frontcounter.accounts.models import Account, StaffMember
from frontcounter.bookings import Slot, create_slots
from frontcounter.bookings.recurrence import weekly
from frontcounter.bookings.times import uk_to_utc
from frontcounter.extensions import db
from frontcounter.tenancy.services import service_settings
from frontcounter_speed_awareness.csv_import import ImportReport, check_rows
from frontcounter_speed_awareness.models import Trainer, Venue
from frontcounter_speed_awareness.offers import SERVICE_KEY, existing_references, import_offers
from frontcounter_speed_awareness.rules import uk_today
from frontcounter_speed_awareness.sessions import session_spec

ACTOR = "demo seed"
WEEKS = 4
# (weekday 0 = Monday, UK start time, online?, course)
TIMETABLE = (
    (1, time(9, 30), False, "national_speed_awareness"),
    (3, time(18, 30), False, "national_speed_awareness"),
    (5, time(10, 0), True, "national_speed_awareness"),
)
# (name, licence surname part, date-of-birth digits, initials, motorway?, course)
DRIVERS = (
    ("Sam Smith", "SMITH", "803142", "SA", False, "national_speed_awareness"),
    ("Alex Jones", "JONES", "756091", "AJ", False, "national_speed_awareness"),
    ("Jo Taylor", "TAYLO", "612253", "JT", False, "national_speed_awareness"),
    ("Chris Brown", "BROWN", "901287", "CB", True, "motorway_awareness"),
    ("Pat Williams", "WILLI", "854301", "PW", False, "national_speed_awareness"),
    ("Ravi Patel", "PATEL", "710224", "RP", False, "safe_and_considerate_driving"),
)


def demo_pin(code: str, number: int) -> str:
    """The demo offer's PIN: six digits derived from the force code and the offer's number."""
    digest = hashlib.sha256(f"frontcounter-demo:{code}:{number}".encode()).hexdigest()
    return f"{int(digest, 16) % 900000 + 100000}"


def demo_offers(code: str, today: date) -> list[dict[str, Any]]:
    """The six demo offers of a force as the ticket office would send them (eligible, dates around `today`)."""
    offers = []
    for number, (name, surname, born, initials, motorway, course) in enumerate(DRIVERS, start=1):
        first = name.split()[0].lower()
        offers.append(
            {
                "reference": f"SA-{code}-{number:03d}",
                "pin": demo_pin(code, number),
                "driver_name": name,
                "email": f"{first}.{surname.lower()}@example.com",
                "licence_number": f"{surname}{born}{initials}9{code[:2]}",
                "offence_date": today - timedelta(days=20),
                "location": "M27 junction 5" if motorway else "A35 Example Road",
                "limit_mph": 70 if motorway else 30,
                "recorded_mph": 80 if motorway else 35,
                "course_type": course,
                "admission_date": today - timedelta(days=10),
                "book_by": today + timedelta(days=28),
                "complete_by": today + timedelta(days=90),
                "vehicle": "car",
                "motorway": motorway,
            }
        )
    return offers


def _venues(tenant: Any) -> tuple[Venue, Venue]:
    name = f"{tenant.name} training centre"
    venue = db.session.scalar(db.select(Venue).filter_by(name=name))
    if venue is None:
        areas = list(getattr(tenant, "postcode_areas", None) or ["AB"])
        venue = Venue(name=name, address="1 Station Road", postcode=f"{areas[0]}1 1AA", online=False)
        db.session.add(venue)
    online = db.session.scalar(db.select(Venue).filter_by(online=True))
    if online is None:
        online = Venue(name="Online course (video call)", address="", postcode="", online=True)
        db.session.add(online)
    db.session.flush()
    return venue, online


def _trainer(tenant: Any) -> Trainer:
    email = f"officer@{tenant.slug}.demo.police.uk"
    trainer = db.session.scalar(db.select(Trainer).filter_by(email=email))
    if trainer is None:
        member_id = db.session.scalar(
            db.select(StaffMember.id).join(Account, Account.id == StaffMember.account_id).where(Account.email == email)
        )
        trainer = Trainer(name="Frankie Officer", email=email, staff_member_id=member_id)
        db.session.add(trainer)
        db.session.flush()
    return trainer


def _sessions(tenant: Any, today: date) -> int:
    """Sessions for the next WEEKS weeks, unless the force already has sessions from today on."""
    has_sessions = db.session.scalar(
        db.select(Slot.id).where(Slot.service_key == SERVICE_KEY, Slot.starts_at >= uk_to_utc(today, time(0))).limit(1)
    )
    if has_sessions is not None:
        return 0
    venue, online = _venues(tenant)
    trainer = _trainer(tenant)
    places = int(service_settings(SERVICE_KEY)["venue_places"])
    specs = []
    for weekday, start, is_online, course in TIMETABLE:
        for starts_at, _end in weekly(today + timedelta(days=1), WEEKS, {weekday}, start, time(23, 59)):
            link = "https://meet.example.com/speed-awareness-demo" if is_online else ""
            place = online if is_online else venue
            specs.append(session_spec(course, starts_at, place, trainer=trainer, places=places, joining_link=link))
    specs.sort(key=lambda spec: spec.starts_at)
    return len(create_slots(SERVICE_KEY, specs, actor=ACTOR))


def _offers(tenant: Any, today: date) -> list[dict[str, Any]]:
    wanted = demo_offers(tenant.code, today)
    have = existing_references({o["reference"] for o in wanted})
    new = [o for o in wanted if o["reference"] not in have]
    if new:
        report = check_rows(list(enumerate(new, start=1)), ImportReport(), today=today)
        import_offers(report, strict=True, source="demo", actor=ACTOR)
    return wanted


def seed(tenant: Any, today: date | None = None) -> list[str]:
    """Create the force's demo venues, trainer, sessions and offers (not committed); return lines to print."""
    today = today or uk_today()
    _sessions(tenant, today)
    offers = _offers(tenant, today)
    lines = [
        f"  {tenant.name} course offers (reference / PIN / licence number), book at /{tenant.slug}/speed_awareness/:"
    ]
    lines += [f"    {o['reference']} / {o['pin']} / {o['licence_number']}" for o in offers]
    return lines
