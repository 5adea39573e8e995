"""The API for licensing authorities: send a notice or an application, read the police response; bad input is
a JSON error with a code and creates nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from frontcounter.api.tokens import issue_token
from frontcounter.calendar import uk_today
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter_liquor.decisions import decide
from frontcounter_liquor.models import EventNotice

from plugins.liquor.tests.support import CAL, notice_values


def _token(app, force, roles=("caseworker",)) -> dict[str, str]:
    with app.app_context(), tenant_context(force):
        _row, secret = issue_token("Harbour Council", list(roles), created_by="admin@example.com")
        db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def _cases(app, force) -> int:
    with app.app_context(), tenant_context(force):
        return db.session.scalar(db.select(db.func.count(Case.id)))


@pytest.fixture
def client(app, forces):
    return app.test_client()


def far_day():
    return CAL.add_working_days(uk_today(), 15)


def test_send_a_notice_and_read_the_objection(app, client, forces):
    headers = _token(app, forces[0])
    response = client.post("/api/v1/liquor/notices", json=notice_values(far_day()), headers=headers)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["kind"] == "standard" and body["state"] == "received" and body["working_days"] == 14
    assert body["respond_by"] == CAL.add_working_days(uk_today(), 3).isoformat()
    with app.app_context(), tenant_context(forces[0]):
        case = db.session.scalar(db.select(Case).filter_by(reference=body["reference"]))
        assert case.channel == "api"  # the management figures count it as from a force system
        notice = db.session.scalar(db.select(EventNotice).filter_by(case_id=case.id))
        decide(case, notice, "objection", objectives=["public_safety"], reasons="Overcrowding.", actor="pc",
               today=uk_today())
        db.session.commit()
    read = client.get(f"/api/v1/liquor/cases/{body['reference']}", headers=headers).json
    assert (read["state"], read["decision"], read["objectives"], read["reasons"]) == (
        "objected", "objection", ["public_safety"], "Overcrowding.")
    assert len(read["documents"]) == 1


BAD = [
    ("event in the past", {"start_date": "2020-01-01", "end_date": "2020-01-01"}, "start_date"),
    ("end before start", {"end_time": "12:00"}, "end_date"),
    ("600 people", {"people": 600}, "people"),
    ("postcode outside the force", {"premises_postcode": "SW1A 1AA"}, "premises_postcode"),
    ("not a date", {"user_dob": "yesterday"}, "user_dob"),
    ("unknown activity", {"activities": ["fireworks"]}, "activities"),
    ("activities not a list", {"activities": 7}, "activities"),
    ("people not a whole number", {"people": 12.5}, "people"),
    ("event centuries ahead", {"start_date": "9999-01-01", "end_date": "9999-01-01"}, "start_date"),
    ("personal licence not a yes or no", {"personal_licence": "maybe"}, "personal_licence"),
]


@pytest.mark.parametrize(("label", "change", "field"), BAD, ids=[b[0] for b in BAD])
def test_bad_notices_are_json_errors_and_create_nothing(app, client, forces, label, change, field):
    response = client.post("/api/v1/liquor/notices", json=notice_values(far_day(), **change),
                           headers=_token(app, forces[0]))
    assert response.status_code == 422
    assert response.json["code"] == 422 and response.json["reason"] == "invalid" and field in response.json["errors"]
    assert _cases(app, forces[0]) == 0


def test_a_notice_out_of_time_is_refused_with_its_code(app, client, forces):
    first = CAL.add_working_days(uk_today(), 2) + timedelta(days=1)
    while CAL.working_days_between(uk_today(), first) >= 5:
        first -= timedelta(days=1)
    response = client.post("/api/v1/liquor/notices", json=notice_values(first), headers=_token(app, forces[0]))
    assert response.status_code == 422 and response.json["reason"] == "out_of_time"
    assert _cases(app, forces[0]) == 0


def test_a_body_that_is_not_an_object_is_a_json_error(app, client, forces):
    response = client.post("/api/v1/liquor/notices", json=[1, 2], headers=_token(app, forces[0]))
    assert response.status_code == 422 and response.json["code"] == 422


def test_tokens_need_a_licensing_role_and_see_only_their_force(app, client, forces):
    response = client.post("/api/v1/liquor/notices", json=notice_values(far_day()),
                           headers=_token(app, forces[0], roles=("field_officer",)))
    assert response.status_code == 403 and response.json["reason"] == "forbidden"
    assert client.get("/api/v1/liquor/cases/X").status_code == 401
    made = client.post("/api/v1/liquor/notices", json=notice_values(far_day()), headers=_token(app, forces[0])).json
    other = client.get(f"/api/v1/liquor/cases/{made['reference']}", headers=_token(app, forces[1]))
    assert other.status_code == 404 and other.json["reason"] == "not_found"


def test_send_an_application_and_report_the_outcome(app, client, forces):
    headers = _token(app, forces[0])
    response = client.post("/api/v1/liquor/applications", headers=headers, json={
        "kind": "premises_new", "applicant_name": "Anchor Ltd", "applicant_email": "anchor@example.com",
        "premises_name": "The Anchor", "premises_address": "1 Quay", "premises_postcode": "BH15 1AA",
        "authority_reference": "HC/123"})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["state"] == "consultation" and body["respond_by"] == (uk_today() + timedelta(days=28)).isoformat()
    early = client.post(f"/api/v1/liquor/cases/{body['reference']}/outcome", json={"outcome": "granted"},
                        headers=headers)
    assert early.status_code == 409 and early.json["reason"] == "wrong_state"
    bad = client.post(f"/api/v1/liquor/cases/{body['reference']}/outcome", json={"outcome": "maybe"}, headers=headers)
    assert bad.status_code == 422 and bad.json["code"] == 422


def test_a_personal_licence_has_fourteen_days(app, client, forces):
    response = client.post("/api/v1/liquor/applications", headers=_token(app, forces[0]), json={
        "kind": "personal", "applicant_name": "Al", "applicant_email": "al@example.com", "authority": "county",
        "unspent_convictions": True})
    assert response.status_code == 201
    assert response.json["respond_by"] == (uk_today() + timedelta(days=14)).isoformat()


def test_bad_applications_are_json_errors(app, client, forces):
    response = client.post("/api/v1/liquor/applications", headers=_token(app, forces[0]),
                           json={"kind": "pub", "applicant_email": "nope"})
    assert response.status_code == 422
    assert {"kind", "applicant_name", "applicant_email"} <= set(response.json["errors"])
    assert _cases(app, forces[0]) == 0


def test_check_a_notice_without_creating_it(app, client, forces):
    first = CAL.add_working_days(uk_today(), 6)
    response = client.post("/api/v1/liquor/notices/check", json=notice_values(first), headers=_token(app, forces[0]))
    assert response.status_code == 200
    assert (response.json["kind"], response.json["working_days"]) == ("late", 5)
    assert _cases(app, forces[0]) == 0


def test_the_api_is_documented_with_the_force_token(app, client, forces):
    spec = client.get("/api/openapi.json").json
    for path in ("/api/v1/liquor/notices", "/api/v1/liquor/applications", "/api/v1/liquor/cases/{reference}"):
        assert path in spec["paths"]
    assert spec["paths"]["/api/v1/liquor/notices"]["post"]["security"] == [{"ForceToken": []}]
