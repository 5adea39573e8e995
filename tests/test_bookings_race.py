"""No overbooking under concurrent requests: real HTTP requests racing in threads on PostgreSQL.

Each thread has its own test client, so its own app context, database session and connection; a
barrier releases them together. The guard is the conditional UPDATE in bookings.places, not a lock
the test cannot see.
"""

from __future__ import annotations

import pytest
from frontcounter.bookings import Booking, Slot, book
from frontcounter.cases import engine
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context

from tests.conftest import csrf_token
from tests.support.race import race as _race
from tests.test_bookings import apply, at, make_slots, slot_row

pytestmark = pytest.mark.postgres_only
LOST = "Sorry, the last place at that time has just been taken. Choose another time."


def _applicant(app, i: int):
    client = app.test_client()
    reference, link = apply(client, email=f"racer{i}@example.com")
    client.get(link)
    return client, reference


def _live_on(app, force, slot_id: int) -> int:
    with app.app_context(), tenant_context(force):
        return db.session.scalar(
            db.select(db.func.count(Booking.id)).where(
                Booking.slot_id == slot_id, Booking.state.in_(["held", "confirmed"])
            )
        )


def _book_directly(app, force, slot_id: int, reference: str) -> int:
    with app.app_context(), tenant_context(force):
        booking = book(db.session.get(Slot, slot_id), engine.find_case(reference), actor="test")
        db.session.commit()
        return booking.id


@pytest.mark.parametrize("racers", [2, 20])
def test_people_racing_for_the_last_place_one_wins_the_rest_are_offered_other_times(app, forces, racers):
    last, other = make_slots(app, forces[0], at(3), at(5), capacity=3)
    for i in range(2):  # two of the three places are already taken
        _book_directly(app, forces[0], last, apply(app.test_client(), email=f"early{i}@example.com")[0])
    people = [_applicant(app, i) for i in range(racers)]
    tokens = []
    for client, reference in people:
        page = client.get(f"/alpha/sample/book/{reference}").get_data(as_text=True)
        assert f'data-slot-id="{last}"' in page and "1 place left" in page  # everyone sees the last place
        tokens.append(csrf_token(page))

    def attempt(client, reference, token):  # type: ignore[no-untyped-def]
        return lambda: client.post(f"/alpha/sample/book/{reference}", data={"slot_id": str(last), "csrf_token": token})

    responses = _race([attempt(c, r, t) for (c, r), t in zip(people, tokens, strict=True)])
    winners = [r for r in responses if r.status_code == 302]
    assert len(winners) == 1, [r.status_code for r in responses]
    assert winners[0].headers["Location"].endswith("/confirm")
    for response in responses:
        if response.status_code == 302:
            continue
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and LOST in body
        assert f'data-slot-id="{other}"' in body and f'data-slot-id="{last}"' not in body
    slot = slot_row(app, forces[0], last)
    assert slot.taken == slot.capacity == 3
    assert _live_on(app, forces[0], last) == 3


def test_one_case_submitting_twice_at_once_ends_with_one_live_booking(app, forces):
    first, second = make_slots(app, forces[0], at(3), at(4), capacity=5)
    client, reference = _applicant(app, 0)
    page = client.get(f"/alpha/sample/book/{reference}").get_data(as_text=True)
    token = csrf_token(page)
    twin = app.test_client()
    with client.session_transaction() as original, twin.session_transaction() as copy:
        copy.update(dict(original))  # the same browser session, two tabs

    def attempt(browser, slot_id):  # type: ignore[no-untyped-def]
        url = f"/alpha/sample/book/{reference}"
        return lambda: browser.post(url, data={"slot_id": str(slot_id), "csrf_token": token})

    responses = _race([attempt(client, first), attempt(twin, second)])
    assert all(r.status_code == 302 for r in responses)  # the later choice replaces the earlier hold
    live = _live_on(app, forces[0], first) + _live_on(app, forces[0], second)
    assert live == 1
    assert slot_row(app, forces[0], first).taken + slot_row(app, forces[0], second).taken == 1


def test_people_moving_into_the_last_place_at_once_only_one_moves_the_rest_keep_their_time(app, forces):
    racers = 10
    target, *homes = make_slots(app, forces[0], at(2), *(at(3 + i) for i in range(racers)), capacity=1)
    people = [_applicant(app, i) for i in range(racers)]
    for (_client, reference), home in zip(people, homes, strict=True):
        _book_directly(app, forces[0], home, reference)
    tokens = [csrf_token(c.get(f"/alpha/sample/book/{r}/change").get_data(as_text=True)) for c, r in people]

    def attempt(client, reference, token):  # type: ignore[no-untyped-def]
        return lambda: client.post(
            f"/alpha/sample/book/{reference}/change", data={"slot_id": str(target), "csrf_token": token}
        )

    responses = _race([attempt(c, r, t) for (c, r), t in zip(people, tokens, strict=True)])
    assert sorted(r.status_code for r in responses) == [200] * (racers - 1) + [302]
    assert slot_row(app, forces[0], target).taken == 1 and _live_on(app, forces[0], target) == 1
    moved = next(i for i, r in enumerate(responses) if r.status_code == 302)
    for i, home in enumerate(homes):
        expected = 0 if i == moved else 1
        assert slot_row(app, forces[0], home).taken == expected == _live_on(app, forces[0], home)
