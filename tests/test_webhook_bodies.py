"""A correctly signed Stripe webhook whose body is not a usable event gets a 2xx or 4xx, never a 500."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

SECRET = "whsec_test_bodies"


def _signed(client, body: bytes):
    timestamp = int(time.time())
    signature = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return client.post("/payments/webhooks/stripe", data=body, content_type="application/json",
                       headers={"Stripe-Signature": f"t={timestamp},v1={signature}"})


@pytest.fixture
def signed(app, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", SECRET)
    return lambda body: _signed(app.test_client(), body)


def _recorded(app) -> list[str]:
    from frontcounter.extensions import db
    from frontcounter.payments.models import ProviderEvent

    with app.app_context():
        return list(db.session.scalars(db.select(ProviderEvent.event_type)))


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b"null", b"[1, 2]", b'{"type": "x"}'])
def test_a_signed_body_that_is_not_an_event_is_a_400_and_recorded(app, forces, signed, body):
    response = signed(body)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert _recorded(app) == ["unusable"]


@pytest.mark.parametrize("event", [
    {"id": "evt_1", "type": "payment_intent.succeeded"},
    {"id": "evt_2", "type": "payment_intent.succeeded", "data": None},
    {"id": "evt_3", "type": "payment_intent.succeeded", "data": {"object": "not an object"}},
    {"id": "evt_4", "type": "charge.refunded", "data": {"object": {"object": "charge"}}},
])
def test_a_signed_event_without_usable_data_is_acknowledged_and_changes_nothing(app, forces, signed, event):
    response = signed(json.dumps(event).encode())
    assert response.status_code == 200
    assert response.get_data(as_text=True).strip() == "ignored"


def test_a_signed_body_that_is_not_json_is_a_400(app, forces, signed):
    assert signed(b"{nope").status_code == 400


def test_an_unsigned_body_is_still_a_400(app, forces, signed):
    response = app.test_client().post("/payments/webhooks/stripe", data=b"[]", content_type="application/json",
                                      headers={"Stripe-Signature": "t=1,v1=00"})
    assert response.status_code == 400
    assert _recorded(app) == []
