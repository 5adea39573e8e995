"""The API for force systems: list and read items, change where one is kept, read its matches; tokens of the
force only, roles checked, JSON errors with a stable reason."""

from __future__ import annotations

from frontcounter.api.tokens import issue_token
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context

from .conftest import add_item


def _token(app, force, roles=("caseworker",)) -> str:
    with app.app_context(), tenant_context(force):
        _row, secret = issue_token("Property store", list(roles), created_by="admin@example.com")
        db.session.commit()
        return secret


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_list_filter_and_page_items_of_the_tokens_force_only(app, forces, client):
    alpha, bravo = forces
    ring = add_item(app, alpha, "jewellery")
    add_item(app, alpha, "cash", cash_pence=500, description="Wallet")
    add_item(app, bravo, "jewellery", description="Bravo's ring")
    secret = _token(app, alpha)
    response = client.get("/api/v1/lost-property/items", headers=_auth(secret))
    assert response.status_code == 200
    assert len(response.json) == 2 and "X-Pagination" in response.headers
    response = client.get("/api/v1/lost-property/items?category=jewellery", headers=_auth(secret))
    assert [i["reference"] for i in response.json] == [ring]
    assert response.json[0]["state"] == "received" and response.json[0]["property_reference"].startswith("ALP/P/")
    response = client.get("/api/v1/lost-property/items?page=1&page_size=1", headers=_auth(secret))
    assert len(response.json) == 1


def test_bad_filters_and_missing_tokens_are_json_errors(app, forces, client):
    secret = _token(app, forces[0])
    response = client.get("/api/v1/lost-property/items?category=weapons", headers=_auth(secret))
    assert response.status_code == 422 and response.json["code"] == 422
    response = client.get("/api/v1/lost-property/items")
    assert response.status_code == 401 and response.json["reason"] == "token_missing"


def test_another_forces_item_is_not_found(app, forces, client):
    theirs = add_item(app, forces[1])
    response = client.get(f"/api/v1/lost-property/items/{theirs}", headers=_auth(_token(app, forces[0])))
    assert response.status_code == 404 and response.json["reason"] == "not_found"


def test_update_where_an_item_is_kept_audited_and_checked(app, forces, client):
    alpha = forces[0]
    reference = add_item(app, alpha)
    secret = _token(app, alpha)
    url = f"/api/v1/lost-property/items/{reference}"
    response = client.patch(url, json={"storage_location": "Cage 4", "station": "North"}, headers=_auth(secret))
    assert response.status_code == 200 and response.json["storage_location"] == "Cage 4"
    assert client.get(url, headers=_auth(secret)).json["station"] == "North"

    response = client.patch(url, json={"storage_location": ""}, headers=_auth(secret))
    assert response.status_code == 422 and response.json["code"] == 422
    response = client.patch(url, json={"colour": "red"}, headers=_auth(secret))
    assert response.status_code == 422
    response = client.patch(url, json={}, headers=_auth(secret))
    assert response.status_code == 422 and response.json["reason"] == "nothing_to_change"
    response = client.patch(url, data="not json", headers={**_auth(secret), "Content-Type": "application/json"})
    assert response.status_code in (400, 422) and "code" in response.json

    reader = _token(app, alpha, roles=("field_officer",))
    response = client.patch(url, json={"condition": "Scratched"}, headers=_auth(reader))
    assert response.status_code == 403 and response.json["reason"] == "forbidden"

    waiting = add_item(app, alpha, received_days_ago=None, description="Not yet handed in")
    response = client.patch(f"/api/v1/lost-property/items/{waiting}", json={"condition": "x"}, headers=_auth(secret))
    assert response.status_code == 409 and response.json["reason"] == "not_in_store"
    with app.app_context(), tenant_context(alpha):
        from frontcounter.audit.models import AuditEvent

        assert db.session.scalar(db.select(AuditEvent).filter_by(action="lost_property.item_updated")) is not None


def test_matches_best_first_with_the_serial_match_on_top(app, forces, client):
    from datetime import UTC, datetime, timedelta

    from frontcounter.calendar import uk_today
    from frontcounter_lost_property.matching import propose_for_item
    from frontcounter_lost_property.models import LostReport
    from frontcounter_lost_property.staff_queries import item_by_reference

    alpha = forces[0]
    reference = add_item(app, alpha, "phone", description="Black Samsung phone in a blue case",
                         serial="351234567890123")
    today = uk_today()
    with app.app_context(), tenant_context(alpha):
        for number, (description, serial) in enumerate(
                [("Black Samsung phone, blue case", ""), ("Old Nokia", "351234567890123")], start=1):
            db.session.add(LostReport(reference=f"ALP-LR-26-00000{number}", category="phone",
                                      description=description, serial=serial, lost_from=today - timedelta(days=9),
                                      lost_to=today - timedelta(days=5), lost_where="Town", lost_district="BH1",
                                      name="O", email=f"o{number}@example.com", status="open",
                                      expires_on=today + timedelta(days=30), created_at=datetime.now(UTC)))
        db.session.flush()
        propose_for_item(item_by_reference(reference))
        db.session.commit()
    response = client.get(f"/api/v1/lost-property/items/{reference}/matches", headers=_auth(_token(app, alpha)))
    assert response.status_code == 200
    assert [(m["report_reference"], m["serial_match"]) for m in response.json] == [
        ("ALP-LR-26-000002", True), ("ALP-LR-26-000001", False)]


def test_the_api_is_in_the_openapi_document(app, client):
    paths = client.get("/api/openapi.json").json["paths"]
    assert "/api/v1/lost-property/items/{reference}/matches" in paths
    assert "patch" in paths["/api/v1/lost-property/items/{reference}"]
