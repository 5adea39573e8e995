"""Input no route can store is refused in one place with a clear 400/404/422, never a 500."""

from __future__ import annotations

import pytest

from tests.conftest import add_staff, staff_sign_in


@pytest.fixture
def admin(app, client, forces):
    add_staff(app, forces[0], "admin@alpha.example.com", ["force_admin", "caseworker", "supervisor"])
    staff_sign_in(client, app, "alpha", "admin@alpha.example.com")
    return client


def _token(app, force) -> str:
    from frontcounter.api.tokens import issue_token
    from frontcounter.extensions import db
    from frontcounter.tenancy import tenant_context

    with app.app_context(), tenant_context(force):
        _row, secret = issue_token("System", ["caseworker", "supervisor"], created_by="admin@alpha.example.com")
        db.session.commit()
    return secret


def test_a_nul_byte_in_a_path_matches_no_route(client, forces):
    assert client.get("/alpha%00/").status_code == 404
    assert client.get("/alpha/track/ALP%00").status_code == 404


def test_a_nul_byte_in_a_query_or_form_is_a_400_with_a_clear_message(client, forces):
    response = client.get("/alpha/?q=a%00b")
    assert response.status_code == 400
    assert "NUL byte" in response.get_data(as_text=True)
    response = client.post("/account/sign-in", data={"email": "a\x00@example.com", "password": "x"})
    assert response.status_code == 400


def test_the_api_refuses_nul_surrogates_and_deep_nesting_with_json(app, client, forces):
    headers = {"Authorization": f"Bearer {_token(app, forces[0])}"}
    url = "/api/v1/cases/ALP-SM-26-000001/transitions"
    for body in (b'{"transition": "a\\u0000b"}', b'{"transition": "\\ud800"}', b"[" * 100_000,
                 b"[" * 100 + b"]" * 100, b"\xff\xfe"):
        response = client.post(url, data=body, content_type="application/json", headers=headers)
        assert response.status_code == 400, body[:20]
        assert response.get_json()["code"] == 400 and response.get_json()["message"]


def test_integers_past_32_bits_are_refused_by_every_schema(app, client, forces):
    headers = {"Authorization": f"Bearer {_token(app, forces[0])}"}
    response = client.get("/api/v1/bookings?slot=2147483648", headers=headers)
    assert response.status_code == 422
    assert "slot" in str(response.get_json()["errors"])
    response = client.post("/api/v1/payments/1/refunds", json={"amount_pence": 2147483648, "reason": "x"},
                           headers=headers)
    assert response.status_code == 422
    assert "amount_pence" in str(response.get_json()["errors"])


def test_a_page_number_past_64_bits_is_a_page_past_the_end_not_an_error(admin):
    assert admin.get("/alpha/staff/payments/?page=99999999999999999999").status_code == 200
    assert admin.get("/alpha/staff/work/sample/?page=99999999999999999999&assignee=2147483648").status_code == 200
    assert admin.get("/alpha/staff/admin/staff/2147483648").status_code == 404


def test_an_api_query_parameter_the_document_does_not_list_is_a_400(app, client, forces):
    headers = {"Authorization": f"Bearer {_token(app, forces[0])}"}
    response = client.get("/api/v1/cases?servce=sample", headers=headers)
    assert response.status_code == 400
    assert "servce" in response.get_json()["message"]
    assert client.get("/api/v1/cases?service=sample&page=1", headers=headers).status_code == 200


def test_an_assignee_id_past_32_bits_matches_nobody_on_every_backend(app, admin, forces):
    from frontcounter.cases.engine import open_case
    from frontcounter.extensions import db
    from frontcounter.tenancy import tenant_context

    with app.app_context(), tenant_context(forces[0]):
        reference = open_case("sample", applicant_email="ann@example.com", applicant_name="Ann").reference
        db.session.commit()
    page = admin.get(f"/alpha/staff/work/case/{reference}").get_data(as_text=True)
    from tests.conftest import csrf_token

    response = admin.post(f"/alpha/staff/work/case/{reference}/assign",
                          data={"assignee": "2147483648", "csrf_token": csrf_token(page)})
    assert response.status_code == 404
