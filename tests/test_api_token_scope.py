"""An API token can be limited to some services: a licensing authority's token reads licensing cases only."""

from __future__ import annotations

from frontcounter.api.tokens import ApiToken
from frontcounter.cases import engine
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.testing import add_staff, api_token, make_force, staff_sign_in, submit


def _force_with_two_services(app):
    with app.app_context():
        force = make_force("alpha", "ALP", {"sample": True, "firearms": True})
    with app.app_context(), tenant_context(force):
        sample = engine.open_case("sample", applicant_email="ann@example.com", applicant_name="Ann")
        firearms = engine.open_case("firearms", applicant_email="bob@example.com", applicant_name="Bob")
        db.session.commit()
        return force, sample.reference, firearms.reference


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_token_for_some_services_sees_only_their_cases(app, client):
    force, sample_ref, firearms_ref = _force_with_two_services(app)
    everything = _bearer(api_token(app, force, ("caseworker", "supervisor")))
    sample_only = _bearer(
        api_token(app, force, ("caseworker", "supervisor"), name="Permits office", services=("sample",))
    )
    listed = {c["reference"] for c in client.get("/api/v1/cases", headers=everything).get_json()}
    assert listed == {sample_ref, firearms_ref}
    assert {c["reference"] for c in client.get("/api/v1/cases", headers=sample_only).get_json()} == {sample_ref}
    assert client.get(f"/api/v1/cases/{sample_ref}", headers=sample_only).status_code == 200
    assert client.get(f"/api/v1/cases/{firearms_ref}", headers=sample_only).status_code == 404
    asked_for_other = client.get("/api/v1/cases?service=firearms", headers=sample_only)
    assert asked_for_other.status_code == 422, asked_for_other.get_json()


def test_a_services_own_api_refuses_a_token_made_for_another_service(app, client):
    force, _sample_ref, _firearms_ref = _force_with_two_services(app)
    firearms_only = _bearer(api_token(app, force, services=("firearms",)))
    refused = client.get("/api/v1/sample/permits", headers=firearms_only)
    assert refused.status_code == 403 and refused.get_json()["reason"] == "token_not_for_service"
    sample_only = _bearer(api_token(app, force, services=("sample",)))
    assert client.get("/api/v1/sample/permits", headers=sample_only).status_code == 200
    assert client.get("/api/v1/sample/permits", headers=_bearer(api_token(app, force))).status_code == 200


def test_a_force_admin_limits_a_new_token_to_a_service(app, client):
    with app.app_context():
        force = make_force("alpha", "ALP", {"sample": True, "firearms": True})
    add_staff(app, force, "admin@alpha.police.uk", ["force_admin"])
    staff_sign_in(client, app, "alpha", "admin@alpha.police.uk")
    form = client.get("/alpha/staff/admin/api-tokens/new").get_data(as_text=True)
    assert 'value="sample"' in form and 'value="firearms"' in form
    created = submit(client, "/alpha/staff/admin/api-tokens/new",
                     {"name": "Permits office", "roles": ["caseworker"], "services": ["sample"]})
    assert created.status_code == 200
    with app.app_context(), tenant_context(force):
        [token] = db.session.scalars(db.select(ApiToken)).all()
        assert token.services == ["sample"]
    assert "Only: Parking permits" in client.get("/alpha/staff/admin/api-tokens").get_data(as_text=True)
    refused = submit(client, "/alpha/staff/admin/api-tokens/new",
                     {"name": "Sneaky", "roles": ["caseworker"], "services": ["not_a_service"]})
    assert refused.status_code == 200 and "There is a problem" in refused.get_data(as_text=True)
