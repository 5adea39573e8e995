"""Who may see what: for every installed service with cases and every staff role, the core queue, case page and
case API let in exactly the roles the service declares in `staff_roles` (and force admins), and no one else."""

from __future__ import annotations

import pytest
from frontcounter.accounts.models import Role
from frontcounter.api.tokens import GRANTABLE_ROLES, issue_token
from frontcounter.cases import engine
from frontcounter.extensions import db
from frontcounter.plugins.manager import PluginRegistry
from frontcounter.tenancy import tenant_context

from tests.conftest import add_staff, csrf_token, make_force, staff_sign_in


def _services() -> list[tuple[str, tuple[str, ...]]]:
    registry = PluginRegistry()
    return sorted((s.key, s.staff_roles) for s in registry.services.values() if s.workflow is not None)


SERVICES = _services()
CASES = [(key, role.value, role.value in declared or role == Role.FORCE_ADMIN)
         for key, declared in SERVICES for role in Role]


def test_every_service_with_cases_keeps_field_officers_out_unless_it_says_so():
    assert SERVICES, "no service with a workflow is installed"
    assert all("field_officer" not in roles for key, roles in SERVICES if key in ("firearms", "speed_awareness"))


def _setup(app, service_key: str, role: str) -> tuple[str, str]:
    with app.app_context():
        force = make_force("alpha", "ALP", {service_key: True})
    add_staff(app, force, "someone@example.com", [role])
    with app.app_context(), tenant_context(force):
        case = engine.open_case(service_key, applicant_email="pat@example.com", applicant_name="Pat Person")
        db.session.commit()
        return force, case.reference


@pytest.mark.parametrize(("service_key", "role", "allowed"), CASES)
def test_the_core_case_pages_let_in_only_the_declared_roles(app, service_key, role, allowed):
    force, reference = _setup(app, service_key, role)
    client = app.test_client()
    staff_sign_in(client, app, "alpha", "someone@example.com")
    expected = 200 if allowed else 403
    assert client.get(f"/alpha/staff/work/{service_key}/").status_code == expected
    assert client.get(f"/alpha/staff/work/case/{reference}").status_code == expected
    assert client.get(f"/alpha/staff/work/{service_key}/workflow").status_code == expected
    dashboard = client.get("/alpha/staff/").get_data(as_text=True)
    fired = client.post(f"/alpha/staff/work/case/{reference}/transition",
                        data={"transition": "x", "csrf_token": csrf_token(dashboard)})
    assert fired.status_code == (302 if allowed else 403)
    assert (f"/alpha/staff/work/{service_key}/" in dashboard) is allowed
    if role in GRANTABLE_ROLES:
        with app.app_context(), tenant_context(force):
            _row, secret = issue_token("system", [role], created_by="admin@example.com")
            db.session.commit()
        api = app.test_client()
        headers = {"Authorization": f"Bearer {secret}"}
        assert api.get(f"/api/v1/cases/{reference}", headers=headers).status_code == (200 if allowed else 404)
        listed = api.get("/api/v1/cases", headers=headers).get_json()
        assert [c["reference"] for c in listed] == ([reference] if allowed else [])


def test_a_field_officer_opens_a_case_assigned_to_them_but_not_the_queue(app):
    service_key = next(key for key, roles in SERVICES if "field_officer" not in roles)
    force, reference = _setup(app, service_key, "field_officer")
    with app.app_context(), tenant_context(force):
        from frontcounter.accounts.models import StaffMember

        engine.assign(engine.find_case(reference), db.session.scalar(db.select(StaffMember.id)), actor="test")
        db.session.commit()
    client = app.test_client()
    staff_sign_in(client, app, "alpha", "someone@example.com")
    assert client.get(f"/alpha/staff/work/case/{reference}").status_code == 200
    assert client.get(f"/alpha/staff/work/{service_key}/").status_code == 403


def test_the_bookings_api_lists_peoples_bookings_only_for_services_the_token_may_work(app):
    from datetime import UTC, datetime, time, timedelta

    from frontcounter.bookings import SlotSpec, book, create_slots

    force, reference = _setup(app, "sample", "caseworker")
    start = datetime.combine((datetime.now(UTC) + timedelta(days=5)).date(), time(10), tzinfo=UTC)
    with app.app_context(), tenant_context(force):
        (slot,) = create_slots("sample", [SlotSpec("visit", start, start + timedelta(hours=1), 2)], actor="test")
        book(slot, engine.find_case(reference), actor="test")
        secrets = {role: issue_token(role, [role], created_by="admin@example.com")[1]
                   for role in ("caseworker", "field_officer")}
        db.session.commit()
    api = app.test_client()
    listed = {role: api.get("/api/v1/bookings", headers={"Authorization": f"Bearer {secret}"}).get_json()
              for role, secret in secrets.items()}
    assert [b["case"] for b in listed["caseworker"]] == [reference]
    assert listed["field_officer"] == []
