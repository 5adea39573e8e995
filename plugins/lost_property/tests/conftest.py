"""The plugin SDK's fixtures (frontcounter.testing) for lost property's own tests, two forces with the service on,
and helpers that set up stations' times, items in store and lost reports the way the service does."""

from __future__ import annotations

from datetime import date, time, timedelta

import frontcounter_lost_property.models  # noqa: F401  (the tables exist before the schema is built)
import pytest
from frontcounter.testing import make_force

STATION = "Alpha Central Police Station, AL1 1AA"


@pytest.fixture
def forces(app):
    """Two forces, Alpha and Bravo, each with lost property switched on."""
    with app.app_context():
        alpha = make_force("alpha", "ALP", {"lost_property": True}, postcode_areas=["AL"])
        bravo = make_force("bravo", "BRV", {"lost_property": True}, postcode_areas=["BR"])
    return alpha, bravo


@pytest.fixture
def client(app):
    """A browser on the app."""
    return app.test_client()


def add_slot(app, force, kind: str, days_ahead: int = 3, hour: int = 10, station: str = STATION) -> int:
    """A hand-in or collection time at a station, `days_ahead` days from now; returns the slot id."""
    from frontcounter.bookings import SlotSpec, create_slots
    from frontcounter.bookings.times import uk_to_utc
    from frontcounter.calendar import uk_today
    from frontcounter.extensions import db
    from frontcounter.tenancy import tenant_context

    with app.app_context(), tenant_context(force):
        start = uk_to_utc(uk_today() + timedelta(days=days_ahead), time(hour, 0))
        slot = create_slots("lost_property", [SlotSpec(kind, start, start + timedelta(minutes=30), 4,
                                                        location=station)], actor="test")[0]
        db.session.commit()
        return slot.id


def add_item(app, force, category: str = "jewellery", *, received_days_ago: int | None = 5,
             description: str = "Gold ring engraved J and M", serial: str = "", wants_item: bool = True,
             found_on: date | None = None, postcode: str = "BH1", cash_pence: int | None = None,
             email: str = "finder@example.com") -> str:
    """A found item handed in at the counter (received `received_days_ago` days ago); returns its reference."""
    from frontcounter.calendar import uk_today
    from frontcounter.extensions import db
    from frontcounter.tenancy import tenant_context
    from frontcounter_lost_property.items import FoundReport, Receipt, _open, item_of, receive

    with app.app_context(), app.test_request_context(), tenant_context(force):
        today = uk_today()
        report = FoundReport(category=category, description=description,
                             found_on=found_on or today - timedelta(days=(received_days_ago or 0) + 1),
                             found_where="High Street", postcode=postcode, serial=serial, wants_item=wants_item,
                             name="Fay Finder", email=email)
        case, _item = _open(report, "test", None)
        if received_days_ago is not None:
            receive(case, Receipt("", "Shelf A1", "Good", STATION, cash_pence), actor="counter@alpha.police.uk")
            item_of(case).received_on = today - timedelta(days=received_days_ago)
        db.session.commit()
        return case.reference
