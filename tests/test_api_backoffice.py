"""The back-office API: force API tokens (created and revoked by a force admin), bearer authentication that
decides the force, and the case endpoints (list with filters and pagination, detail, transitions)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from frontcounter.api.tokens import ApiToken, issue_token
from frontcounter.audit.models import AuditEvent
from frontcounter.cases import engine
from frontcounter.cases.models import Case, CaseEvent
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context

from tests.conftest import add_staff, base_config, csrf_token, staff_sign_in, submit


@pytest.fixture(scope="module")
def app(backend_urls, _schema):
    """The app with the API token pages registered, as app.py registers them once integrated."""
    from frontcounter import create_app
    from frontcounter.api import token_views

    app = create_app(base_config(backend_urls))
    if token_views.bp.name not in app.blueprints:
        app.register_blueprint(token_views.bp)
    return app


# -- helpers ------------------------------------------------------------------------------------


def _open(app, force, *, state="awaiting_payment", name="Ann Applicant", deadline=None, assignee=None, paid=None):
    """Open a sample permit case and move it (as the system) to `state`; returns its reference."""
    path = {"awaiting_payment": [], "submitted": ["pay"], "checking": ["pay", "start_check"]}[state]
    with app.app_context(), tenant_context(force):
        from frontcounter.payments.service import pay_in_sandbox, refund

        case = engine.open_case(
            "sample",
            applicant_email=f"{name.split()[0].lower()}@example.com",
            applicant_name=name,
        )
        payment = None
        for transition in path:
            if transition == "pay":
                payment = pay_in_sandbox(case, 2500, "Permit fee")
            else:
                engine.fire(case, transition, actor="test", as_system=True)
        if deadline is not None:
            case.deadline_at = deadline
        case.assignee_id = assignee
        db.session.commit()
        if paid is False and payment is not None:
            refund(payment, 2500, "Test: make the case unpaid", actor="test")
        return case.reference


def _token(app, force, roles=("caseworker",), name="Records system") -> str:
    with app.app_context(), tenant_context(force):
        _row, secret = issue_token(name, list(roles), created_by="admin@example.com")
        db.session.commit()
        return secret


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _state_and_events(app, force, reference):
    with app.app_context(), tenant_context(force):
        case = engine.find_case(reference)
        return case.state, [e.transition for e in case.events]


@pytest.fixture
def admin(app, forces):
    """Alpha's force admin, signed in."""
    add_staff(app, forces[0], "admin@alpha.example.com", ["force_admin"])
    client = app.test_client()
    staff_sign_in(client, app, "alpha", "admin@alpha.example.com")
    return client


# -- API tokens: the force admin's page ----------------------------------------------------------


def test_force_admin_creates_a_token_that_is_shown_once_and_stored_only_as_a_hash(app, admin, forces):
    created = submit(
        admin, "/alpha/staff/admin/api-tokens/new", {"name": "Records system", "roles": ["caseworker", "supervisor"]}
    )
    assert created.status_code == 200
    assert created.headers["Cache-Control"] == "no-store"
    page = created.get_data(as_text=True)
    secret = re.search(r'id="api-token">([^<]+)<', page).group(1)
    assert f"Authorization: Bearer {secret}" in page
    listing = admin.get("/alpha/staff/admin/api-tokens").get_data(as_text=True)
    assert "Records system" in listing and "Caseworker, Supervisor" in listing and secret not in listing
    with app.app_context(), tenant_context(forces[0]):
        [token] = db.session.scalars(db.select(ApiToken)).all()
        assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert token.roles == ["caseworker", "supervisor"] and token.created_by == "admin@alpha.example.com"
        [event] = db.session.scalars(db.select(AuditEvent).filter_by(action="api_token.created")).all()
        assert event.actor == "admin@alpha.example.com" and event.target == f"api_token:{token.id}"
        assert event.after == {"name": "Records system", "roles": ["caseworker", "supervisor"], "services": []}
    assert admin.get("/api/v1/cases", headers=_auth(secret)).status_code == 200


def test_token_form_needs_a_name_and_a_case_working_role(app, admin, forces):
    empty = submit(admin, "/alpha/staff/admin/api-tokens/new", {"name": " "})
    page = empty.get_data(as_text=True)
    assert empty.status_code == 200 and "There is a problem" in page
    assert "Enter a name for the token" in page and "Select at least one role" in page
    # Force administration is never granted to a system.
    admin_role = submit(admin, "/alpha/staff/admin/api-tokens/new", {"name": "Sneaky", "roles": ["force_admin"]})
    assert "There is a problem" in admin_role.get_data(as_text=True)
    with app.app_context(), tenant_context(forces[0]):
        assert db.session.scalars(db.select(ApiToken)).all() == []


def test_revoking_a_token_locks_its_system_out_and_is_audited(app, admin, client, forces):
    secret = _token(app, forces[0])
    assert client.get("/api/v1/cases", headers=_auth(secret)).status_code == 200
    with app.app_context(), tenant_context(forces[0]):
        token_id = db.session.scalar(db.select(ApiToken.id))
    page = admin.get("/alpha/staff/admin/api-tokens").get_data(as_text=True)
    response = admin.post(
        f"/alpha/staff/admin/api-tokens/{token_id}/revoke", data={"csrf_token": csrf_token(page)}, follow_redirects=True
    )
    assert "API token Records system revoked." in response.get_data(as_text=True)
    refused = client.get("/api/v1/cases", headers=_auth(secret))
    assert refused.status_code == 401 and refused.get_json()["reason"] == "token_revoked"
    with app.app_context(), tenant_context(forces[0]):
        [event] = db.session.scalars(db.select(AuditEvent).filter_by(action="api_token.revoked")).all()
        assert event.target == f"api_token:{token_id}" and event.after["revoked"] is True
    # An unknown token is a 404 (another force's tokens: see test_route_matrix).
    assert (
        admin.post("/alpha/staff/admin/api-tokens/999999/revoke", data={"csrf_token": csrf_token(page)}).status_code
        == 404
    )


def test_only_force_admins_manage_tokens(app, forces):
    add_staff(app, forces[0], "cw@alpha.example.com", ["caseworker", "supervisor"])
    caseworker = app.test_client()
    staff_sign_in(caseworker, app, "alpha", "cw@alpha.example.com")
    assert caseworker.get("/alpha/staff/admin/api-tokens").status_code == 403
    assert caseworker.get("/alpha/staff/admin/api-tokens/new").status_code == 403
    anonymous = app.test_client().get("/alpha/staff/admin/api-tokens")
    assert anonymous.status_code == 302 and "/alpha/staff/sign-in" in anonymous.headers["Location"]


# -- authentication -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "token_missing"),
        ("Bearer", "token_missing"),
        ("Basic YWxhZGRpbjpvcGVuc2VzYW1l", "token_missing"),
        ("Bearer fct_not-a-real-token", "token_invalid"),
        ("Bearer something-else", "token_invalid"),
    ],
)
def test_requests_without_a_valid_token_get_a_json_401(app, client, forces, header, reason):
    _token(app, forces[0])
    for method, url in [
        ("get", "/api/v1/cases"),
        ("get", "/api/v1/cases/ALP-SM-26-000001"),
        ("post", "/api/v1/cases/ALP-SM-26-000001/transitions"),
    ]:
        response = getattr(client, method)(
            url, headers={"Authorization": header} if header else {}, json={"transition": "start_check"}
        )
        assert response.status_code == 401, url
        body = response.get_json()
        assert body["code"] == 401 and body["status"] == "Unauthorized" and body["reason"] == reason
        assert body["message"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_works_only_for_its_own_force(app, client, forces):
    alpha, bravo = forces
    alpha_case = _open(app, alpha, name="Alice Alpha")
    bravo_case = _open(app, bravo, name="Bob Bravo")
    alpha_token, bravo_token = _token(app, alpha), _token(app, bravo)
    listed = client.get("/api/v1/cases", headers=_auth(alpha_token)).get_json()
    assert [c["reference"] for c in listed] == [alpha_case]
    assert client.get(f"/api/v1/cases/{alpha_case}", headers=_auth(alpha_token)).status_code == 200
    for url in (f"/api/v1/cases/{bravo_case}", f"/api/v1/cases/{bravo_case}/transitions"):
        response = (
            client.get(url, headers=_auth(alpha_token))
            if url.endswith(bravo_case)
            else client.post(url, headers=_auth(alpha_token), json={"transition": "lapse"})
        )
        assert response.status_code == 404, url
        assert response.get_json()["reason"] == "not_found" and "Bob" not in response.get_data(as_text=True)
    assert _state_and_events(app, bravo, bravo_case) == ("awaiting_payment", ["opened"])
    assert [c["reference"] for c in client.get("/api/v1/cases", headers=_auth(bravo_token)).get_json()] == [bravo_case]


def test_a_case_of_a_service_the_force_switched_off_is_not_served(app, client, forces):
    reference = _open(app, forces[0])
    secret = _token(app, forces[0])
    with app.app_context(), tenant_context(forces[0]):
        from frontcounter.tenancy import TenantService

        db.session.scalar(db.select(TenantService).filter_by(service_key="sample")).enabled = False
        db.session.commit()
    assert client.get(f"/api/v1/cases/{reference}", headers=_auth(secret)).status_code == 404
    assert client.get("/api/v1/cases", headers=_auth(secret)).get_json() == []


def test_using_a_token_records_when_it_was_last_used(app, client, forces):
    secret = _token(app, forces[0])
    before = datetime.now(UTC)
    client.get("/api/v1/cases", headers=_auth(secret))
    with app.app_context(), tenant_context(forces[0]):
        last = db.session.scalar(db.select(ApiToken.last_used_at))
    assert last is not None and last.replace(tzinfo=UTC) >= before.replace(microsecond=0) - timedelta(seconds=1)


# -- cases: list, filters, pagination ---------------------------------------------------------------


def test_case_list_filters_and_sorts_by_deadline(app, client, forces):
    alpha = forces[0]
    member = add_staff(app, alpha, "cw@alpha.example.com", ["caseworker"])
    now = datetime.now(UTC)
    late = _open(app, alpha, state="submitted", name="Late Lucy", deadline=now - timedelta(days=2))
    soon = _open(app, alpha, state="checking", name="Soon Sam", deadline=now + timedelta(days=1), assignee=member)
    later = _open(app, alpha, state="submitted", name="Later Liz", deadline=now + timedelta(days=4))
    unpaid = _open(app, alpha, name="Unpaid Ursula")  # no deadline: listed last
    secret = _token(app, alpha)

    def refs(query: str = "") -> list[str]:
        response = client.get(f"/api/v1/cases{query}", headers=_auth(secret))
        assert response.status_code == 200, response.get_json()
        return [c["reference"] for c in response.get_json()]

    assert refs() == [late, soon, later, unpaid]
    assert refs("?service=sample&state=submitted") == [late, later]
    assert refs(f"?assignee={member}") == [soon]
    assert refs("?assignee=none") == [late, later, unpaid]
    assert refs("?overdue=true") == [late]
    assert refs("?overdue=false") == [soon, later, unpaid]
    [first] = client.get("/api/v1/cases?overdue=true", headers=_auth(secret)).get_json()
    assert first["overdue"] is True and first["state"] == "submitted" and first["state_label"] == "Received"
    assert first["applicant_name"] == "Late Lucy" and first["assignee"] is None
    assert datetime.fromisoformat(first["deadline_at"]).tzinfo is not None
    [assigned] = client.get(f"/api/v1/cases?assignee={member}", headers=_auth(secret)).get_json()
    assert assigned["assignee"] == {"id": member, "name": "Cw"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?service=nope", "service"),
        ("?service=firearms", None),  # installed, but this force does not offer it
        ("?assignee=me", "assignee"),
        ("?overdue=maybe", "overdue"),
        ("?page_size=1000", "page_size"),
        ("?page=0", "page"),
    ],
)
def test_bad_case_filters_are_a_json_422(app, client, forces, query, field):
    secret = _token(app, forces[0])
    response = client.get(f"/api/v1/cases{query}", headers=_auth(secret))
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == 422
    if field:
        assert field in body["errors"]["query"]
    else:
        assert body["reason"] == "unknown_service"


def test_case_list_is_paginated_with_an_x_pagination_header(app, client, forces):
    references = [_open(app, forces[0], name=f"Person {i}") for i in range(5)]
    _open(app, forces[1], name="Bravo Person")  # another force's case is neither listed nor counted
    secret = _token(app, forces[0])
    pages = []
    for page in (1, 2, 3):
        response = client.get(f"/api/v1/cases?page={page}&page_size=2", headers=_auth(secret))
        pages.append([c["reference"] for c in response.get_json()])
        meta = json.loads(response.headers["X-Pagination"])
        assert meta["total"] == 5 and meta["total_pages"] == 3 and meta["page"] == page
    assert pages == [references[0:2], references[2:4], references[4:]]
    middle = client.get("/api/v1/cases?page=2&page_size=2", headers=_auth(secret))
    assert json.loads(middle.headers["X-Pagination"])["next_page"] == 3


# -- one case and its transitions -------------------------------------------------------------------


def test_case_detail_has_data_history_and_the_actions_the_token_may_take(app, client, forces):
    reference = _open(app, forces[0], state="submitted", name="Dee Detail")
    caseworker = _token(app, forces[0], roles=("caseworker",))
    body = client.get(f"/api/v1/cases/{reference}", headers=_auth(caseworker)).get_json()
    assert body["reference"] == reference and body["service"] == "sample" and body["state"] == "submitted"
    assert body["data"] == {} and body["applicant_email"] == "dee@example.com"
    assert [(h["transition"], h["from_state"], h["to_state"], h["actor"]) for h in body["history"]] == [
        ("opened", None, "awaiting_payment", "dee@example.com"),
        ("pay", "awaiting_payment", "submitted", "system: payments"),
    ]
    assert body["actions"] == [
        {"transition": "start_check", "label": "Start checking", "needs_note": False, "refusal": None}
    ]
    supervisor = _token(app, forces[0], roles=("supervisor",), name="Supervisor system")
    assert client.get(f"/api/v1/cases/{reference}", headers=_auth(supervisor)).get_json()["actions"] == []


def test_firing_a_transition_records_history_and_audit_under_the_tokens_name(app, client, forces):
    reference = _open(app, forces[0], state="submitted")
    secret = _token(app, forces[0], roles=("caseworker",), name="Records system")
    # No CSRF token: the bearer token is the credential.
    response = client.post(
        f"/api/v1/cases/{reference}/transitions",
        headers=_auth(secret),
        json={"transition": "start_check", "note": "Picked up by RMS"},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["state"] == "checking" and body["history"][-1]["actor"] == "api:Records system"
    assert body["history"][-1]["note"] == "Picked up by RMS"
    with app.app_context(), tenant_context(forces[0]):
        [event] = db.session.scalars(
            db.select(AuditEvent).filter_by(action="case.transition").where(AuditEvent.actor == "api:Records system")
        ).all()
        assert event.target == f"case:{reference}"
        assert event.before == {"state": "submitted"} and event.after["state"] == "checking"


@pytest.mark.parametrize(
    ("roles", "state", "paid", "body", "status", "reason"),
    [
        (("caseworker",), "checking", True, {"transition": "approve"}, 403, "forbidden"),
        (("supervisor",), "submitted", True, {"transition": "approve"}, 409, "wrong_state"),
        (("supervisor",), "checking", False, {"transition": "approve"}, 409, "guard_failed"),
        (("supervisor",), "checking", True, {"transition": "refuse", "note": "  "}, 422, "note_required"),
        # Another installed workflow's transition: the schema knows the name, this case's workflow does not.
        (("supervisor",), "checking", True, {"transition": "grant"}, 422, "unknown_transition"),
    ],
)
def test_refused_transitions_answer_with_a_status_and_reason_and_change_nothing(
    app, client, forces, roles, state, paid, body, status, reason
):
    reference = _open(app, forces[0], state=state, paid=paid)
    before = _state_and_events(app, forces[0], reference)
    secret = _token(app, forces[0], roles=roles)
    response = client.post(f"/api/v1/cases/{reference}/transitions", headers=_auth(secret), json=body)
    assert response.status_code == status
    problem = response.get_json()
    assert problem["code"] == status and problem["reason"] == reason and problem["message"]
    assert _state_and_events(app, forces[0], reference) == before


def test_refusal_messages_are_the_ones_staff_see(app, client, forces):
    reference = _open(app, forces[0], state="checking", paid=False)
    secret = _token(app, forces[0], roles=("supervisor",))
    response = client.post(
        f"/api/v1/cases/{reference}/transitions", headers=_auth(secret), json={"transition": "approve"}
    )
    assert response.get_json()["message"] == "The fee has not been paid."


@pytest.mark.parametrize("body", [{}, {"transition": ""}, {"transition": 5}, {"transition": "x", "extra": 1}])
def test_a_malformed_transition_body_is_a_json_422(app, client, forces, body):
    reference = _open(app, forces[0], state="submitted")
    secret = _token(app, forces[0])
    response = client.post(f"/api/v1/cases/{reference}/transitions", headers=_auth(secret), json=body)
    assert response.status_code == 422 and "json" in response.get_json()["errors"]
    assert _state_and_events(app, forces[0], reference)[0] == "submitted"


def test_a_refused_transition_can_then_succeed_with_a_supervisor_token(app, client, forces):
    reference = _open(app, forces[0], state="checking")
    secret = _token(app, forces[0], roles=("supervisor",))
    response = client.post(
        f"/api/v1/cases/{reference}/transitions",
        headers=_auth(secret),
        json={"transition": "refuse", "note": "Vehicle not registered here"},
    )
    assert response.status_code == 200 and response.get_json()["state"] == "refused"
    with app.app_context(), tenant_context(forces[0]):
        case = db.session.scalar(db.select(Case).filter_by(reference=reference))
        last = db.session.scalars(db.select(CaseEvent).filter_by(case_id=case.id).order_by(CaseEvent.id)).all()[-1]
        assert (last.transition, last.note) == ("refuse", "Vehicle not registered here")


# -- the OpenAPI document ---------------------------------------------------------------------------

BACKOFFICE_OPERATIONS = {
    ("get", "/api/v1/cases"),
    ("get", "/api/v1/cases/{reference}"),
    ("post", "/api/v1/cases/{reference}/transitions"),
    ("get", "/api/v1/cases/{reference}/payments"),
    ("post", "/api/v1/payments/{payment_id}/refunds"),
    ("get", "/api/v1/slots"),
    ("get", "/api/v1/bookings"),
}


def test_openapi_documents_every_backoffice_operation_with_the_bearer_scheme(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["ForceToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["ForceToken"]["description"],
    }
    documented = {
        (m, p)
        for p, ops in spec["paths"].items()
        if p.startswith("/api/v1/")
        for m in ops
        if m in ("get", "post", "put", "patch", "delete")
    }
    assert BACKOFFICE_OPERATIONS <= documented  # plugins add their own operations (e.g. loading offers)
    error_ref = {"$ref": "#/components/schemas/ApiError"}
    for method, path in documented:
        op = spec["paths"][path][method]
        assert op["security"] == [{"ForceToken": []}], (method, path)
        assert op["responses"]["401"]["content"]["application/json"]["schema"] == error_ref
        assert "summary" in op
    transitions = spec["paths"]["/api/v1/cases/{reference}/transitions"]["post"]["responses"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(transitions)
    assert transitions["409"]["content"]["application/json"]["schema"] == error_ref
    listing = spec["paths"]["/api/v1/cases"]["get"]
    assert {"service", "state", "assignee", "overdue", "page", "page_size"} <= {
        p["name"] for p in listing["parameters"]
    }
    assert "X-Pagination" in listing["responses"]["200"]["headers"]
    assert {"code", "status", "message", "reason"} <= set(spec["components"]["schemas"]["ApiError"]["properties"])
    page = client.get("/api/docs").get_data(as_text=True)
    assert "POST /api/v1/cases/{reference}/transitions" in page


# -- payments and refunds -----------------------------------------------------------------------------


def _paid_case(app, force, amount=2500) -> tuple[str, str]:
    """A case paid for in the sandbox: (reference, payment id)."""
    from frontcounter.payments.service import pay_in_sandbox

    with app.app_context(), tenant_context(force):
        case = engine.open_case("sample", applicant_email="payer@example.com", applicant_name="Pat Payer")
        payment = pay_in_sandbox(case, amount, "Parking permit", fulfil_transition=None)
        db.session.commit()
        return case.reference, payment.public_id


def test_a_cases_payments_are_listed_with_their_refunds(app, client, forces):
    reference, payment_id = _paid_case(app, forces[0])
    _other_case, bravo_payment = _paid_case(app, forces[1])
    secret = _token(app, forces[0])
    response = client.get(f"/api/v1/cases/{reference}/payments", headers=_auth(secret))
    assert response.status_code == 200
    [payment] = response.get_json()
    assert payment["id"] == payment_id and payment["case"] == reference and payment["state"] == "success"
    assert payment["purpose"] == "fee"
    assert (payment["amount_pence"], payment["refunded_pence"], payment["refundable_pence"]) == (2500, 0, 2500)
    assert payment["refunds"] == [] and bravo_payment not in response.get_data(as_text=True)


def test_a_supervisor_token_refunds_part_of_a_payment_once(app, client, forces):
    reference, payment_id = _paid_case(app, forces[0])
    secret = _token(app, forces[0], roles=("supervisor",), name="Finance system")
    request = {"amount_pence": 1000, "reason": "Permit for half the year", "expected_refundable_pence": 2500}
    response = client.post(f"/api/v1/payments/{payment_id}/refunds", headers=_auth(secret), json=request)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["amount_pence"] == 1000 and body["state"] == "success" and body["actor"] == "api:Finance system"
    assert body["payment"]["refundable_pence"] == 1500 and len(body["payment"]["refunds"]) == 1
    # The same request again (a retry) is refused: what is left is no longer 2500.
    again = client.post(f"/api/v1/payments/{payment_id}/refunds", headers=_auth(secret), json=request)
    assert again.status_code == 409 and again.get_json()["reason"] == "changed"
    too_much = client.post(
        f"/api/v1/payments/{payment_id}/refunds", headers=_auth(secret), json={"amount_pence": 1501, "reason": "x"}
    )
    assert too_much.status_code == 409 and too_much.get_json()["reason"] == "too_much"
    listed = client.get(f"/api/v1/cases/{reference}/payments", headers=_auth(secret)).get_json()
    assert listed[0]["refunded_pence"] == 1000
    with app.app_context(), tenant_context(forces[0]):
        actions = db.session.scalars(
            db.select(AuditEvent.action).where(AuditEvent.actor == "api:Finance system").order_by(AuditEvent.id)
        ).all()
        assert actions == ["payment.refund_submitted", "payment.refunded"]


@pytest.mark.parametrize(
    "body",
    [
        {"amount_pence": 0, "reason": "x"},
        {"amount_pence": "100", "reason": "x"},
        {"amount_pence": 1.5, "reason": "x"},
        {"amount_pence": 100},
        {"amount_pence": 100, "reason": ""},
    ],
)
def test_a_malformed_refund_is_a_json_422_and_refunds_nothing(app, client, forces, body):
    _reference, payment_id = _paid_case(app, forces[0])
    secret = _token(app, forces[0], roles=("supervisor",))
    response = client.post(f"/api/v1/payments/{payment_id}/refunds", headers=_auth(secret), json=body)
    assert response.status_code == 422 and "json" in response.get_json()["errors"]
    with app.app_context(), tenant_context(forces[0]):
        from frontcounter.payments.models import Refund

        assert db.session.scalars(db.select(Refund)).all() == []


def test_refunds_need_a_refunding_role_and_the_tokens_own_force(app, client, forces):
    _reference, payment_id = _paid_case(app, forces[0])
    _bravo_reference, bravo_payment = _paid_case(app, forces[1])
    caseworker = _token(app, forces[0], roles=("caseworker", "field_officer"))
    supervisor = _token(app, forces[0], roles=("supervisor",), name="Finance")
    body = {"amount_pence": 100, "reason": "Goodwill"}
    forbidden = client.post(f"/api/v1/payments/{payment_id}/refunds", headers=_auth(caseworker), json=body)
    assert forbidden.status_code == 403 and forbidden.get_json()["reason"] == "forbidden"
    elsewhere = client.post(f"/api/v1/payments/{bravo_payment}/refunds", headers=_auth(supervisor), json=body)
    assert elsewhere.status_code == 404 and elsewhere.get_json()["reason"] == "not_found"
    with app.app_context(), tenant_context(forces[1]):
        from frontcounter.payments.service import find_payment

        assert find_payment(bravo_payment).refunded_pence == 0


# -- slots and bookings ---------------------------------------------------------------------------------


def _slots(app, force, *starts: datetime, capacity: int = 2) -> list[int]:
    from frontcounter.bookings.slots import SlotSpec, create_slots

    with app.app_context(), tenant_context(force):
        slots = create_slots(
            "sample",
            [SlotSpec("appointment", s, s + timedelta(hours=1), capacity, location="Central station") for s in starts],
        )
        db.session.commit()
        return [s.id for s in slots]


def _book(app, force, slot_id: int, reference: str, *, confirm: bool = True) -> int:
    from frontcounter.bookings import service as bookings
    from frontcounter.bookings.models import Slot

    with app.app_context(), tenant_context(force):
        booking = bookings.hold(db.session.get(Slot, slot_id), engine.find_case(reference))
        if confirm:
            bookings.confirm(booking)
        db.session.commit()
        return booking.id


def test_slots_are_listed_soonest_first_with_filters(app, client, forces):
    base = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    first, second, third = _slots(app, forces[0], base, base + timedelta(days=1), base + timedelta(days=2), capacity=1)
    _slots(app, forces[1], base)
    _book(app, forces[0], second, _open(app, forces[0]))
    secret = _token(app, forces[0])

    def ids(query: str = "") -> list[int]:
        response = client.get(f"/api/v1/slots{query}", headers=_auth(secret))
        assert response.status_code == 200, response.get_json()
        return [s["id"] for s in response.get_json()]

    assert ids() == [first, second, third]
    assert ids("?available=true") == [first, third]
    assert ids("?available=false") == [second]
    day2 = quote((base + timedelta(days=1)).isoformat())  # the + of +00:00 must be encoded
    assert ids(f"?from={day2}") == [second, third]
    assert ids(f"?to={day2}") == [first]
    assert ids("?kind=visit") == []
    response = client.get("/api/v1/slots?page_size=1", headers=_auth(secret))
    assert json.loads(response.headers["X-Pagination"])["total"] == 3  # Bravo's slot is not counted
    slot = response.get_json()[0]
    assert slot["service"] == "sample" and slot["capacity"] == 1 and slot["places_left"] == 1
    assert datetime.fromisoformat(slot["starts_at"]) == base


def test_bookings_are_listed_with_their_slot_and_case(app, client, forces):
    base = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    early, late = _slots(app, forces[0], base, base + timedelta(days=1))
    ann, bob = _open(app, forces[0], name="Ann Early"), _open(app, forces[0], name="Bob Late")
    held = _book(app, forces[0], late, bob, confirm=False)
    booked = _book(app, forces[0], early, ann)
    [bravo_slot] = _slots(app, forces[1], base)
    _book(app, forces[1], bravo_slot, _open(app, forces[1], name="Zed Bravo"))
    secret = _token(app, forces[0])

    def ids(query: str = "") -> list[int]:
        response = client.get(f"/api/v1/bookings{query}", headers=_auth(secret))
        assert response.status_code == 200, response.get_json()
        return [b["id"] for b in response.get_json()]

    assert ids() == [booked, held]
    assert ids("?state=held") == [held]
    assert ids(f"?case={ann}") == [booked]
    assert ids(f"?slot={late}") == [held]
    assert ids(f"?from={quote((base + timedelta(hours=1)).isoformat())}") == [held]
    response = client.get(f"/api/v1/bookings?case={ann}", headers=_auth(secret))
    [booking] = response.get_json()
    assert booking["state"] == "confirmed" and booking["case"] == ann and booking["email"] == "ann@example.com"
    assert booking["slot"]["id"] == early and booking["slot"]["location"] == "Central station"
    assert json.loads(response.headers["X-Pagination"])["total"] == 1
    assert "zed@example.com" not in client.get("/api/v1/bookings", headers=_auth(secret)).get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/bookings?state=lost", "state"),
        ("/api/v1/bookings?slot=x", "slot"),
        ("/api/v1/slots?from=soon", "from"),
    ],
)
def test_bad_booking_filters_are_a_json_422(app, client, forces, url, field):
    response = client.get(url, headers=_auth(_token(app, forces[0])))
    assert response.status_code == 422 and field in response.get_json()["errors"]["query"]


def test_a_page_far_beyond_the_end_is_empty_not_an_error(app, client, forces):
    _open(app, forces[0])
    secret = _token(app, forces[0])
    for url in ("/api/v1/cases", "/api/v1/slots", "/api/v1/bookings"):
        response = client.get(f"{url}?page={10**9}", headers=_auth(secret))
        assert response.status_code == 200 and response.get_json() == [], url
        # Past what a 32-bit integer holds, the page number is refused like any bad filter.
        response = client.get(f"{url}?page={10**20}", headers=_auth(secret))
        assert response.status_code == 422 and "page" in response.get_json()["errors"]["query"], url
