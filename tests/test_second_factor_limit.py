"""The authenticator code is guessable only a few times: then a wait, an audit event, and an admin unlock."""

from __future__ import annotations

from tests.conftest import PASSWORD, add_staff, csrf_token, staff_sign_in, submit, totp_code_for

WRONG = "000000"


def _past_password(client, prefix: str, email: str) -> None:
    response = submit(client, f"{prefix}/sign-in", {"email": email, "password": PASSWORD})
    assert response.status_code == 302


def _code(client, prefix: str, code: str):
    page = client.get(f"{prefix}/two-factor").get_data(as_text=True)
    return client.post(f"{prefix}/two-factor", data={"code": code, "csrf_token": csrf_token(page)})


def _wrong_code(app, email: str) -> str:
    right = totp_code_for(app, email)
    return WRONG if right != WRONG else "111111"


def test_staff_code_locks_after_a_few_wrong_tries_even_for_the_right_code(app, client, forces):
    add_staff(app, forces[0], "casey@alpha.example.com", ["caseworker"])
    staff_sign_in(app.test_client(), app, "alpha", "casey@alpha.example.com")  # enrolled
    _past_password(client, "/alpha/staff", "casey@alpha.example.com")
    for _ in range(app.config["SIGN_IN_MAX_FAILURES"]):
        _code(client, "/alpha/staff", _wrong_code(app, "casey@alpha.example.com"))
    response = _code(client, "/alpha/staff", totp_code_for(app, "casey@alpha.example.com"))
    assert response.status_code == 429
    assert "Too many wrong security codes" in response.get_data(as_text=True)
    assert client.get("/alpha/staff/").status_code == 302

    from frontcounter.audit.models import AuditEvent
    from frontcounter.extensions import db
    from frontcounter.tenancy import tenant_context

    with app.app_context(), tenant_context(forces[0]):
        actions = db.session.scalars(db.select(AuditEvent.action)).all()
    assert "staff.second_factor_locked" in actions


def test_a_force_admin_unlocks_a_locked_staff_member(app, client, forces):
    member_id = add_staff(app, forces[0], "casey@alpha.example.com", ["caseworker"])
    staff_sign_in(app.test_client(), app, "alpha", "casey@alpha.example.com")
    _past_password(client, "/alpha/staff", "casey@alpha.example.com")
    for _ in range(app.config["SIGN_IN_MAX_FAILURES"]):
        _code(client, "/alpha/staff", _wrong_code(app, "casey@alpha.example.com"))

    add_staff(app, forces[0], "admin@alpha.example.com", ["force_admin"])
    admin = app.test_client()
    staff_sign_in(admin, app, "alpha", "admin@alpha.example.com")
    page = admin.get(f"/alpha/staff/admin/staff/{member_id}").get_data(as_text=True)
    assert "Sign-in is locked" in page
    response = admin.post(f"/alpha/staff/admin/staff/{member_id}/unlock", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302

    response = _code(client, "/alpha/staff", totp_code_for(app, "casey@alpha.example.com"))
    assert response.status_code == 302
    assert client.get("/alpha/staff/").status_code == 200
    from frontcounter.audit.models import AuditEvent
    from frontcounter.extensions import db
    from frontcounter.tenancy import tenant_context

    with app.app_context(), tenant_context(forces[0]):
        assert db.session.scalar(db.select(AuditEvent).filter_by(action="staff.unlocked")).actor == \
            "admin@alpha.example.com"


def test_platform_admin_code_locks_too(app, client, forces):
    from frontcounter.accounts.models import AccountKind
    from frontcounter.accounts.service import create_account
    from frontcounter.extensions import db

    with app.app_context():
        create_account("root@platform.example.com", PASSWORD, "Root", AccountKind.PLATFORM_ADMIN, verified=True)
        db.session.commit()
    _past_password(client, "/platform", "root@platform.example.com")
    client.get("/platform/two-factor")  # enrolment makes the secret
    for _ in range(app.config["SIGN_IN_MAX_FAILURES"]):
        assert _code(client, "/platform", _wrong_code(app, "root@platform.example.com")).status_code in (200, 429)
    response = _code(client, "/platform", totp_code_for(app, "root@platform.example.com"))
    assert response.status_code == 429
    assert client.get("/platform/").status_code == 302
