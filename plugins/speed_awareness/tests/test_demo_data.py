"""The demo data `make run` seeds: sessions for the next four weeks and offers whose printed pairs work."""

from __future__ import annotations

import re

from frontcounter.bookings import Slot
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter_speed_awareness.models import Offer, Trainer, Venue
from frontcounter_speed_awareness.offers import find_offer_for_driver
from frontcounter_speed_awareness.sessions import session_details

PAIR = re.compile(r"^\s+(SA-[A-Z]+-\d{3}) / (\d{6}) / ([A-Z0-9]{16})$")


def counts() -> tuple[int, int, int, int]:
    return tuple(db.session.scalar(db.select(db.func.count(m.id))) for m in (Venue, Trainer, Slot, Offer))


def test_demo_seed_prints_pairs_that_open_offers_and_is_idempotent(app, forces, service, monkeypatch):
    from frontcounter.demo import seed

    monkeypatch.setenv("FRONTCOUNTER_DEMO_FORCES", "alpha,bravo")

    alpha, bravo = forces
    with app.app_context():
        lines = seed()
        with tenant_context(alpha):
            first = counts()
            assert first[0] == 2 and first[1] == 1 and first[3] == 6
            assert first[2] == 12  # three sessions a week for four weeks
            slots = db.session.scalars(db.select(Slot)).all()
            assert sum(session_details(s)["online"] for s in slots) == 4
        printed = [PAIR.match(line) for line in lines]
        pairs = [m.groups() for m in printed if m]
        assert len(pairs) == 12
        assert any("Alpha Police course offers" in line for line in lines)
        again = seed()
        assert again == lines
        for force in (alpha, bravo):
            with tenant_context(force):
                assert counts() == first
                mine = [p for p in pairs if p[0].startswith(f"SA-{force.code}-")]
                assert len(mine) == 6
                for reference, pin, licence in mine:
                    offer = find_offer_for_driver(reference, pin, licence)
                    assert offer is not None and offer.reference == reference and offer.status == "offered"
                assert find_offer_for_driver(mine[0][0], "000000", mine[0][2]) is None
