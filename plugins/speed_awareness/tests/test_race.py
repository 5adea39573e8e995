"""Two drivers race for the last place on a session through the real pages, on PostgreSQL: one wins, the
other is told clearly and sees the other sessions. Each driver has their own test client (so their own
session and database connection); a barrier releases both requests at once."""

from __future__ import annotations

import re

import pytest
from frontcounter.bookings import Booking
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.testing import csrf_token
from frontcounter.testing.race import race as _race

from .test_public_journey import add_offer, add_session, add_venue, sign_in

pytestmark = pytest.mark.postgres_only
LOST = "Sorry, the last place at that time has just been taken. Choose another time."


def test_two_drivers_racing_for_the_last_place_one_wins_the_other_is_offered_other_sessions(app, forces):
    alpha = forces[0]
    for i in range(2):
        add_offer(app, alpha, f"SA-200{i}", licence_number=f"DRIVE70515{i}A99XY")
    venue = add_venue(app, alpha, "St Albans Hall", "AL1 3AB")
    last = add_session(app, alpha, venue, 10, places=1)
    other = add_session(app, alpha, venue, 12)
    posts = []
    for i in range(2):
        client = app.test_client()
        assert sign_in(client, f"SA-200{i}", licence=f"DRIVE70515{i}A99XY").status_code == 302
        page = client.get("/alpha/speed_awareness/offer").get_data(as_text=True)
        assert f'data-slot-id="{last}"' in page and "1 place left" in page  # both see the last place
        data = {"slot_id": str(last), "email": f"driver{i}@example.com", "csrf_token": csrf_token(page)}
        posts.append(lambda client=client, data=data: client.post("/alpha/speed_awareness/offer", data=data))
    responses = _race(posts)
    codes = sorted(r.status_code for r in responses)
    assert codes == [302, 409], codes
    winner = next(r for r in responses if r.status_code == 302)
    loser = next(r for r in responses if r.status_code == 409)
    assert "/sandbox" in winner.headers["Location"]
    page = re.sub(r"\s+", " ", loser.get_data(as_text=True))
    assert LOST in page and 'id="booking-error"' in page
    assert f'data-slot-id="{other}"' in page and f'data-slot-id="{last}"' not in page
    with app.app_context(), tenant_context(alpha):
        live = db.session.scalar(
            db.select(db.func.count(Booking.id)).where(
                Booking.slot_id == last, Booking.state.in_(["held", "confirmed"])
            )
        )
        assert live == 1
