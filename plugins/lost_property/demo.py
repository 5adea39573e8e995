"""Demo data for a local copy (`frontcounter demo seed`, run by `make run`): in each force with the service on,
two stations with hand-in and collection times for the next two weeks, a store of found items of every kind
and age (some waiting to be handed in, some past their retention period, one flagged by the register), and
lost reports that match some of them. Idempotent: a force that already has items gets nothing new.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from frontcounter.bookings import SlotSpec, create_slots
from frontcounter.bookings.times import uk_to_utc
from frontcounter.calendar import uk_today
from frontcounter.extensions import db
from frontcounter_lost_property.booking_rules import COLLECTION, HAND_IN
from frontcounter_lost_property.categories import CATEGORIES
from frontcounter_lost_property.items import FoundReport, Receipt, _open, item_of, receive
from frontcounter_lost_property.matching import propose_for_report
from frontcounter_lost_property.models import FoundItem, LostReport
from frontcounter_lost_property.workflow import SERVICE_KEY

ACTOR = "demo seed"
# force slug -> (station, postcode district of the station)
STATIONS = {
    "dorset": (("Bournemouth Police Station, Madeira Road, BH1 1QQ", "BH1"),
               ("Weymouth Police Station, Radipole Lane, DT4 9WW", "DT4")),
    "hampshire": (("Southampton Central Police Station, SO15 1AN", "SO15"),
                  ("Portsmouth Central Police Station, PO1 2HJ", "PO1")),
}
DEFAULT_STATIONS = (("Central Police Station", ""), ("North Police Station", ""))
AGES = (3, 30, 75, 120, 400)  # days in store: new, past the finder period, near and past the retention period
DESCRIPTIONS = {
    "phone": ("Black Samsung Galaxy S23 in a blue case, cracked corner", "356938035643800"),
    "cash": ("Brown leather wallet with cash, no cards", ""),
    "jewellery": ("Gold wedding ring engraved with initials J and M", ""),
    "id_documents": ("UK passport in a red cover", ""),
    "bank_cards": ("Barclays debit card", ""),
    "suspected_stolen": ("Red Trek mountain bike left in a hedge, no lock", "WTU123456"),
    "other": ("Green Jansport rucksack with school books", ""),
}


def _stations(slug: str) -> tuple[tuple[str, str], ...]:
    return STATIONS.get(slug, DEFAULT_STATIONS)


def _slots(stations: tuple[tuple[str, str], ...]) -> None:
    today = uk_today()
    specs = []
    for offset in range(1, 15):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for station, _district in stations:
            for kind, at in ((HAND_IN, time(10, 0)), (HAND_IN, time(14, 0)), (COLLECTION, time(16, 0))):
                start = uk_to_utc(day, at)
                specs.append(SlotSpec(kind, start, start + timedelta(minutes=30), 4, location=station))
    create_slots(SERVICE_KEY, specs, actor=ACTOR)


def _item(category: str, station: tuple[str, str], age: int | None, n: int, serial: str = "") -> FoundItem:
    today = uk_today()
    description, default_serial = DESCRIPTIONS[category]
    found_on = today - timedelta(days=(age or 0) + 1)
    report = FoundReport(category=category, description=description, found_on=found_on,
                         found_where=f"Near {station[0].split(',')[0].replace(' Police Station', '')}",
                         postcode=station[1], serial=serial or (default_serial if n == 0 else ""),
                         wants_item=n % 2 == 0, name=f"Demo Finder {n + 1}", email=f"finder{n + 1}@example.com")
    case, item = _open(report, ACTOR, None)
    item.station = station[0]
    if age is None:
        return item
    receive(case, Receipt("", f"Property store, shelf {chr(65 + n % 6)}{n % 9 + 1}", "Good, no damage", station[0],
                          cash_pence=2540 if category == "cash" else None), actor=ACTOR)
    found = item_of(case)
    found.received_on = today - timedelta(days=age)
    return found


def seed(tenant: Any) -> list[str]:
    """Create the demo stations, items and lost reports of one force; print the references to try."""
    if db.session.scalar(db.select(FoundItem.id).limit(1)) is not None:
        return []
    stations = _stations(tenant.slug)
    _slots(stations)
    n = 0
    for category in CATEGORIES:
        for index, age in enumerate(AGES):
            _item(category.key, stations[index % 2], age, n)
            n += 1
    waiting = _item("jewellery", stations[0], None, n)
    flagged = _item("phone", stations[1], 10, n + 1, serial="356938035643809")
    today = uk_today()
    reports = [
        ("phone", "Samsung Galaxy S23, black, blue case with a crack on the corner", "356938035643800", 5),
        ("jewellery", "Gold ring with J and M engraved inside", "", 6),
        ("other", "Green Jansport backpack with schoolbooks", "", 4),
        ("cash", "Black purse with about 20 pounds", "", 2),
    ]
    made = []
    for number, (category, description, serial, days) in enumerate(reports, start=1):
        report = LostReport(
            reference=f"{tenant.code}-LR-DEMO-{number:02d}", category=category, description=description,
            serial=serial, lost_from=today - timedelta(days=days + 4), lost_to=today - timedelta(days=days - 1),
            lost_where="Town centre", lost_district=stations[0][1], name=f"Demo Owner {number}",
            email=f"owner{number}@example.com", status="open", expires_on=today + timedelta(days=60),
            created_at=datetime.now(UTC))
        db.session.add(report)
        db.session.flush()
        propose_for_report(report)
        made.append(report.reference)
    db.session.flush()
    return [
        f"Lost property: {n + 2} found items, lost reports {', '.join(made)}",
        f"Lost property: {waiting.case.reference} waits to be handed in; {flagged.case.reference} was flagged "
        "stolen by the demo register",
        f"Lost property: the demo register flags serials {', '.join(sorted(demo_stolen_serials()))}",
    ]


def demo_stolen_serials() -> list[str]:
    """The serials the demo register reports as stolen."""
    from frontcounter_lost_property.register import DemoRegister

    return list(DemoRegister.STOLEN)


