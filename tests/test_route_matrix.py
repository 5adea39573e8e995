"""Cross-force route matrix, generated from the URL map so every new route is covered.

For every route under /<force>/ that takes an id, Alpha's force admin asks for Bravo's record
through Alpha's URL and must get 404. And Alpha's staff can use no staff route of Bravo's.
A route with a parameter this file does not know fails the test until the parameter is added
to ID_PARAMS (a row of another force) or PLAIN_PARAMS (not an id).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context

from tests.conftest import add_staff, csrf_token, staff_sign_in


def _sample_permit(force) -> int:
    from frontcounter_sample.models import SamplePermit

    with tenant_context(force):
        permit = SamplePermit(holder="Bravo's secret holder", vehicle="BR4V0")
        db.session.add(permit)
        db.session.commit()
        return permit.id


def _staff_member(force) -> int:
    from frontcounter.accounts.service import add_staff_member

    with tenant_context(force):
        member = add_staff_member("hidden@bravo.example.com", "Bravo Hidden", ["caseworker"], password="x" * 12)
        db.session.commit()
        return member.id


def _case_reference(force) -> str:
    from frontcounter.cases.engine import open_case

    with tenant_context(force):
        case = open_case("sample", applicant_email="hidden@bravo.example.com", applicant_name="Bravo's secret holder")
        db.session.commit()
        return case.reference


def _api_token(force) -> int:
    from frontcounter.api.tokens import issue_token

    with tenant_context(force):
        token, _secret = issue_token("Bravo's secret holder", ["caseworker"], created_by="hidden@bravo.example.com")
        db.session.commit()
        return token.id


def _webhook_rows(force) -> dict[str, int]:
    from datetime import UTC, datetime

    from frontcounter.integrations.webhooks.events import publish
    from frontcounter.integrations.webhooks.models import WebhookDelivery, WebhookEndpoint

    with tenant_context(force):
        endpoint = WebhookEndpoint(url="https://bravo.example.police.uk/hooks", description="Bravo's secret holder",
                                   events=["case.created"], secret_encrypted="x", created_at=datetime.now(UTC),
                                   disabled_at=datetime.now(UTC))  # switched off: nothing is sent from the test
        db.session.add(endpoint)
        db.session.flush()
        publish("case.created", {"case": {"reference": "BRV-SM-26-000001"}})
        db.session.commit()
        delivery = db.session.scalar(db.select(WebhookDelivery).filter_by(endpoint_id=endpoint.id))
        return {"endpoint_id": endpoint.id, "delivery_id": delivery.id}


# Parameters that name a row owned by a force: how to make one in another force.
def _document(force) -> int:
    from frontcounter.documents.records import save_document

    with tenant_context(force):
        document = save_document(b"%PDF-1.7 Bravo's secret holder", case=None, kind="letter",
                                 filename="bravo.pdf", content_type="application/pdf")
        db.session.commit()
        return document.id


def _slot(force) -> int:
    from datetime import UTC, datetime, timedelta

    from frontcounter.bookings import SlotSpec, create_slots

    with tenant_context(force):
        start = datetime.now(UTC) + timedelta(days=3)
        [slot] = create_slots("sample", [SlotSpec("visit", start, start + timedelta(hours=1), 3,
                                                  "Bravo's secret holder")])
        db.session.commit()
        return slot.id


def _booking(force) -> int:
    from frontcounter.bookings import Slot, book

    slot_id = _slot(force)
    with tenant_context(force):
        booking = book(db.session.get(Slot, slot_id), None, email="hidden@bravo.example.com", actor="test")
        db.session.commit()
        return booking.id


def _payment(force) -> str:
    from frontcounter.cases.engine import open_case
    from frontcounter.payments.service import pay_in_sandbox

    with tenant_context(force):
        case = open_case("sample", applicant_email="hidden@bravo.example.com", applicant_name="Bravo's secret holder")
        payment = pay_in_sandbox(case, 2500, "Bravo's secret fee", fulfil_transition=None)
        db.session.commit()
        return payment.public_id


def _venue(force) -> int:
    from frontcounter_speed_awareness.models import Venue

    with tenant_context(force):
        venue = Venue(name="Bravo's secret holder", address="1 Hidden Street", postcode="BR1 1AA")
        db.session.add(venue)
        db.session.commit()
        return venue.id


def _trainer(force) -> int:
    from frontcounter_speed_awareness.models import Trainer

    with tenant_context(force):
        trainer = Trainer(name="Bravo's secret holder", email="hidden@bravo.example.com")
        db.session.add(trainer)
        db.session.commit()
        return trainer.id


def _found_item(force) -> int:
    from frontcounter.cases.engine import open_case
    from frontcounter_subject_access.models import SarItem

    with tenant_context(force):
        case = open_case("subject_access", applicant_email="hidden@bravo.example.com", applicant_name="Bravo's secret")
        item = SarItem(case_id=case.id, source="system", origin="Custody", summary="Bravo's secret holder")
        db.session.add(item)
        db.session.commit()
        return item.id



def _lost_property_rows(force) -> dict[str, int]:
    """A found item of `force` with a match, a claim and a disposal (the lost property plugin's row ids)."""
    from datetime import UTC, date, datetime

    from frontcounter_lost_property.items import FoundReport, _open
    from frontcounter_lost_property.models import Claim, Disposal, LostReport, Match

    with tenant_context(force):
        _case, item = _open(FoundReport("cash", "Bravo's secret holder", date(2026, 1, 1), "Hidden Street", "",
                                        "", False, "Bravo's secret holder", "hidden@bravo.example.com"), "test", None)
        report = LostReport(reference=f"LR-{item.id:06d}", category="cash", description="Bravo's secret holder",
                            lost_from=date(2026, 1, 1), lost_to=date(2026, 1, 1), lost_where="Hidden Street",
                            name="Bravo's secret holder", email="hidden@bravo.example.com", expires_on=date(2026, 3, 1),
                            created_at=datetime.now(UTC))
        db.session.add(report)
        db.session.flush()
        rows = [Match(item_id=item.id, report_id=report.id, score=90, reasons={}, created_at=datetime.now(UTC)),
                Claim(item_id=item.id, kind="finder", name="Bravo's secret holder", email="hidden@bravo.example.com",
                      status="submitted", created_at=datetime.now(UTC)),
                Disposal(item_id=item.id, method="destruction", proposed_by="hidden@bravo.example.com",
                         proposed_at=datetime.now(UTC))]
        db.session.add_all(rows)
        db.session.commit()
        return {"match_id": rows[0].id, "claim_id": rows[1].id, "disposal_id": rows[2].id}


def _statement_month(force) -> str:
    from datetime import date

    from frontcounter.billing.statements import issue
    from frontcounter.tenancy import Tenant

    issue(db.session.get(Tenant, force.id), date(2026, 3, 1), actor="test")
    db.session.commit()
    return "2026-03"


ID_PARAMS: dict[str, Callable[[Any], Any]] = {
    "month": _statement_month,
    "item_id": _found_item,
    "match_id": lambda force: _lost_property_rows(force)["match_id"],
    "claim_id": lambda force: _lost_property_rows(force)["claim_id"],
    "disposal_id": lambda force: _lost_property_rows(force)["disposal_id"],
    "venue_id": _venue,
    "trainer_id": _trainer,
    "document_id": _document,
    "slot_id": _slot,
    "booking_id": _booking,
    "payment_public_id": _payment,
    "member_id": _staff_member,
    "permit_id": _sample_permit,
    "reference": _case_reference,
    "token_id": _api_token,
    "endpoint_id": lambda force: _webhook_rows(force)["endpoint_id"],
    "delivery_id": lambda force: _webhook_rows(force)["delivery_id"],
}
# Parameters that are not ids of tenant-owned rows, with a value to use.
PLAIN_PARAMS: dict[str, str] = {
    "service_key": "sample",
    "page": "personal",
    "token": "not-a-token",
    "name": "withdraw",  # an applicant action (a transition name)
}


def _force_rules(app):
    return [r for r in app.url_map.iter_rules() if "force" in r.arguments and not r.rule.startswith("/static")]


def test_every_force_route_parameter_is_known(app):
    unknown = {
        (rule.rule, arg)
        for rule in _force_rules(app)
        for arg in rule.arguments - {"force"}
        if arg not in ID_PARAMS and arg not in PLAIN_PARAMS
    }
    assert not unknown, f"Add these route parameters to ID_PARAMS or PLAIN_PARAMS: {sorted(unknown)}"


def _url(app, rule, force_slug: str, values: dict[str, Any]) -> str:
    with app.test_request_context():
        return app.url_for(rule.endpoint, force=force_slug, **{k: values[k] for k in rule.arguments - {"force"}})


def _request(client, rule, url: str):
    if "GET" in rule.methods:
        return client.get(url)
    token = csrf_token(client.get("/alpha/staff/").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token})


@pytest.fixture
def alpha_admin(app, client, forces):
    # Every installed service on in both forces, so each route reaches its view (a switched-off
    # service's 404 would hide a scoping bug).
    from frontcounter.tenancy import TenantService

    with app.app_context():
        for force in forces:
            with tenant_context(force):
                have = {row.service_key for row in db.session.scalars(db.select(TenantService))}
                for key in app.extensions["frontcounter.plugins"].services:
                    if key not in have:
                        db.session.add(TenantService(service_key=key, enabled=True, settings={}))
                db.session.commit()
    add_staff(app, forces[0], "admin@alpha.example.com", ["force_admin", "caseworker", "field_officer", "supervisor"])
    staff_sign_in(client, app, "alpha", "admin@alpha.example.com")
    return client


def test_alpha_cannot_reach_bravos_records_through_alpha_urls(app, alpha_admin, forces):
    _alpha, bravo = forces
    with app.app_context():
        values: dict[str, Any] = dict(PLAIN_PARAMS)
        values.update({name: make(bravo) for name, make in ID_PARAMS.items()})
    checked = []
    for rule in _force_rules(app):
        if not (rule.arguments & set(ID_PARAMS)):
            continue
        url = _url(app, rule, "alpha", values)
        response = _request(alpha_admin, rule, url)
        body = response.get_data(as_text=True)
        assert response.status_code == 404, f"{rule.rule} -> {response.status_code} for Bravo's id via {url}"
        assert "Bravo's secret holder" not in body and "hidden@bravo.example.com" not in body
        checked.append(rule.rule)
    assert len(checked) >= 2, checked


def test_alpha_staff_can_use_no_staff_route_of_bravo(app, alpha_admin, forces):
    _alpha, bravo = forces
    with app.app_context():
        values: dict[str, Any] = dict(PLAIN_PARAMS)
        values.update({name: make(bravo) for name, make in ID_PARAMS.items()})
    staff_rules = [
        r
        for r in _force_rules(app)
        if r.rule.startswith("/<force>/staff")
        and r.endpoint not in {"staff.sign_in", "staff.two_factor", "staff.sign_out"}
    ]
    assert len(staff_rules) >= 6
    for rule in staff_rules:
        url = _url(app, rule, "bravo", values)
        response = _request(alpha_admin, rule, url)
        assert response.status_code in (302, 403, 404), f"{rule.rule} -> {response.status_code} via {url}"
        if response.status_code == 302:
            assert "/bravo/staff/sign-in" in response.headers["Location"]


def test_an_id_too_big_for_the_database_is_a_404_not_a_500(app, alpha_admin):
    assert alpha_admin.get("/alpha/staff/admin/staff/99999999999999999999").status_code == 404
