"""The force admin's webhook pages: add (errors in a GOV.UK summary, the secret once), change events, the delivery
log a page at a time, replay, switch back on, remove; force admins only; another force's webhooks are 404;
Welsh."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from frontcounter.extensions import db
from frontcounter.integrations.webhooks.events import publish
from frontcounter.integrations.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from frontcounter.tenancy import tenant_context

from tests.conftest import add_staff, run_jobs, staff_sign_in, submit
from tests.support.webhook_receiver import WebhookReceiver

BASE = "/alpha/staff/admin/webhooks"


@pytest.fixture
def admin(app, client, forces):
    add_staff(app, forces[0], "admin@alpha.example.com", ["force_admin"])
    staff_sign_in(client, app, "alpha", "admin@alpha.example.com")
    return client


@pytest.fixture
def receiver():
    server = WebhookReceiver().up()
    yield server
    server.down()


def add_through_the_page(admin, url, events=("case.created",)):
    return submit(admin, f"{BASE}/new", {"url": url, "description": "Records system", "events": list(events)})


def only_endpoint(app, force) -> WebhookEndpoint:
    with app.app_context(), tenant_context(force):
        (row,) = db.session.scalars(db.select(WebhookEndpoint)).all()
        db.session.expunge(row)
        return row


def test_adding_a_webhook_shows_its_secret_once_and_it_signs_deliveries(app, admin, forces, receiver):
    assert "Your force has no webhooks." in admin.get(BASE).get_data(as_text=True)
    response = add_through_the_page(admin, receiver.url)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    secret = re.search(r'id="webhook-secret">(whsec_[^<]+)<', response.get_data(as_text=True)).group(1)
    listing = admin.get(BASE).get_data(as_text=True)
    assert receiver.url in listing and secret not in listing
    endpoint = only_endpoint(app, forces[0])
    assert secret not in admin.get(f"{BASE}/{endpoint.id}").get_data(as_text=True)
    receiver.secret = secret
    submit(admin, "/alpha/sample/apply", {"holder": "Pat", "email": "pat@example.com", "vehicle": "AB1"},
           page="/alpha/sample/")
    run_jobs(app)
    (got,) = receiver.received
    assert got.signed and got.event["type"] == "case.created"
    log = admin.get(f"{BASE}/{endpoint.id}").get_data(as_text=True)
    assert "Delivered" in log and "Application received" in log


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "", "events": ["case.created"]}, "Enter the address"),
        ({"url": "http://records.example.police.uk/hooks", "events": ["case.created"]},
         "The address must start with https://"),
        ({"url": "not a url", "events": ["case.created"]}, "Enter a web address like"),
        ({"url": "https://records.example.police.uk/hooks"}, "Select at least one event"),
        ({"url": "https://records.example.police.uk/hooks", "events": ["no.such.event"]}, "not a valid choice"),
    ],
)
def test_mistakes_are_shown_in_an_error_summary(app, admin, forces, data, message):
    response = submit(admin, f"{BASE}/new", data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in body and message in body
    with app.app_context(), tenant_context(forces[0]):
        assert db.session.scalars(db.select(WebhookEndpoint)).all() == []


def test_events_can_be_changed(app, admin, forces):
    add_through_the_page(admin, "https://records.example.police.uk/hooks")
    endpoint = only_endpoint(app, forces[0])
    page = admin.get(f"{BASE}/{endpoint.id}/events").get_data(as_text=True)
    assert "Firearms" not in page  # the firearms plugin is not switched on in Alpha
    assert re.search(r'value="case.created"\s+checked', page) or 'value="case.created" checked' in page
    missing = submit(admin, f"{BASE}/{endpoint.id}/events", {"description": "RMS"})
    assert "Select at least one event" in missing.get_data(as_text=True)
    response = submit(admin, f"{BASE}/{endpoint.id}/events",
                      {"description": "RMS", "events": ["payment.succeeded", "booking.changed"]})
    assert response.status_code == 302
    assert only_endpoint(app, forces[0]).events == ["booking.changed", "payment.succeeded"]


def test_the_delivery_log_has_pages_and_each_delivery_its_attempts_and_a_replay(app, admin, forces, receiver):
    add_through_the_page(admin, receiver.url)
    endpoint = only_endpoint(app, forces[0])
    with app.app_context(), tenant_context(forces[0]):
        for number in range(30):
            publish("case.created", {"case": {"reference": f"ALP-SM-26-{number:06d}"}})
        db.session.commit()
    run_jobs(app)
    first = admin.get(f"{BASE}/{endpoint.id}").get_data(as_text=True)
    assert first.count("data-delivery-id=") == 25 and "Next page" in first
    second = admin.get(f"{BASE}/{endpoint.id}?page=2").get_data(as_text=True)
    assert second.count("data-delivery-id=") == 5 and "Previous page" in second
    assert admin.get(f"{BASE}/{endpoint.id}?page=99").status_code == 200
    delivery_id = int(re.search(r'data-delivery-id="(\d+)"', first).group(1))
    detail = admin.get(f"{BASE}/{endpoint.id}/deliveries/{delivery_id}").get_data(as_text=True)
    assert "200" in detail and "ALP-SM-26-000029" in detail
    response = submit(admin, f"{BASE}/{endpoint.id}/deliveries/{delivery_id}/replay", {},
                      page=f"{BASE}/{endpoint.id}/deliveries/{delivery_id}")
    assert response.status_code == 302
    run_jobs(app)
    assert len(receiver.received) == 31 and receiver.event_ids().count(receiver.event_ids()[-1]) == 2


def test_a_switched_off_webhook_is_switched_back_on_from_its_page(app, admin, forces, receiver):
    add_through_the_page(admin, receiver.url)
    endpoint = only_endpoint(app, forces[0])
    with app.app_context(), tenant_context(forces[0]):
        row = db.session.get(WebhookEndpoint, endpoint.id)
        row.disabled_at, row.disabled_reason, row.consecutive_failures = datetime.now(UTC), "HTTP 500", 50
        publish("case.created", {"case": {"reference": "ALP-SM-26-000001"}})
        db.session.commit()
    page = admin.get(f"{BASE}/{endpoint.id}").get_data(as_text=True)
    assert "We switched this webhook off" in page and "Held" in page
    response = submit(admin, f"{BASE}/{endpoint.id}/enable", {}, page=f"{BASE}/{endpoint.id}")
    assert response.status_code == 302
    run_jobs(app)
    assert len(receiver.received) == 1
    with app.app_context(), tenant_context(forces[0]):
        assert db.session.scalar(db.select(WebhookDelivery.status)) == DeliveryStatus.SUCCEEDED


def test_removing_a_webhook_removes_its_log(app, admin, forces, receiver):
    add_through_the_page(admin, receiver.url)
    endpoint = only_endpoint(app, forces[0])
    with app.app_context(), tenant_context(forces[0]):
        publish("case.created", {"case": {"reference": "ALP-SM-26-000001"}})
        db.session.commit()
    run_jobs(app)
    response = submit(admin, f"{BASE}/{endpoint.id}/delete", {}, page=f"{BASE}/{endpoint.id}")
    assert response.status_code == 302
    with app.app_context(), tenant_context(forces[0]):
        assert db.session.scalars(db.select(WebhookEndpoint)).all() == []
        assert db.session.scalars(db.select(WebhookDelivery)).all() == []


def test_only_force_admins_see_the_pages(app, client, forces):
    add_staff(app, forces[0], "worker@alpha.example.com", ["caseworker", "supervisor"])
    staff_sign_in(client, app, "alpha", "worker@alpha.example.com")
    assert client.get(BASE).status_code == 403
    assert client.get(f"{BASE}/new").status_code == 403


def test_another_forces_webhook_is_not_found(app, admin, forces):
    bravo = forces[1]
    with app.app_context(), tenant_context(bravo):
        row = WebhookEndpoint(url="https://bravo.example.police.uk/hooks", events=["case.created"],
                              secret_encrypted="x", created_at=datetime.now(UTC))
        db.session.add(row)
        db.session.commit()
        bravo_id = row.id
    assert admin.get(f"{BASE}/{bravo_id}").status_code == 404
    assert "bravo.example.police.uk" not in admin.get(BASE).get_data(as_text=True)
    assert submit(admin, f"{BASE}/{bravo_id}/enable", {}, page=f"{BASE}/new").status_code == 404


def test_the_pages_are_in_welsh(app, client):
    from tests.conftest import make_force

    with app.app_context():
        gwent = make_force("gwent", "GWE", {"sample": True}, name="Gwent Police", languages=["en", "cy"])
    add_staff(app, gwent, "admin@gwent.example.com", ["force_admin"])
    staff_sign_in(client, app, "gwent", "admin@gwent.example.com")
    client.get("/language/cy?next=/gwent/staff/admin/webhooks")
    page = client.get("/gwent/staff/admin/webhooks").get_data(as_text=True)
    assert 'lang="cy"' in page and "Ychwanegu webhook" in page
    form = client.get("/gwent/staff/admin/webhooks/new").get_data(as_text=True)
    assert "Cyfeiriad (URL)" in form
