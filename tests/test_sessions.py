"""Sessions are revocable server-side: a copied cookie stops working the moment a session is ended."""

from __future__ import annotations

import time

from tests.conftest import PASSWORD, add_staff, csrf_token, public_account, staff_sign_in, submit


def _copy(app, client):
    """A second browser holding a copy of `client`'s session cookie (what a thief would replay)."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def _sign_out(client, url: str, page: str) -> None:
    token = csrf_token(client.get(page).get_data(as_text=True))
    assert client.post(url, data={"csrf_token": token}).status_code == 302


def test_signing_out_ends_the_public_session_for_a_copied_cookie(app, client, forces):
    public_account(app)
    assert submit(client, "/account/sign-in", {"email": "pat@example.com", "password": PASSWORD}).status_code == 302
    thief = _copy(app, client)
    assert thief.get("/account/").status_code == 200
    _sign_out(client, "/account/sign-out", "/account/")
    assert thief.get("/account/").status_code == 302


def test_signing_out_ends_the_staff_session_for_a_copied_cookie(app, client, forces):
    add_staff(app, forces[0], "casey@alpha.example.com", ["caseworker"])
    staff_sign_in(client, app, "alpha", "casey@alpha.example.com")
    thief = _copy(app, client)
    assert thief.get("/alpha/staff/").status_code == 200
    _sign_out(client, "/alpha/staff/sign-out", "/alpha/staff/")
    assert thief.get("/alpha/staff/").status_code == 302


def test_a_password_change_ends_every_session(app, client, forces):
    from frontcounter.accounts.service import find_account, set_password

    add_staff(app, forces[0], "casey@alpha.example.com", ["caseworker"])
    staff_sign_in(client, app, "alpha", "casey@alpha.example.com")
    with app.app_context():
        set_password(find_account("casey@alpha.example.com"), "a different long passphrase")
    assert client.get("/alpha/staff/").status_code == 302


def _admin(app, forces):
    add_staff(app, forces[0], "admin@alpha.example.com", ["force_admin"])
    admin = app.test_client()
    staff_sign_in(admin, app, "alpha", "admin@alpha.example.com")
    return admin


def test_removing_a_role_or_the_member_ends_their_session_at_once(app, client, forces):
    member_id = add_staff(app, forces[0], "casey@alpha.example.com", ["caseworker", "supervisor"])
    staff_sign_in(client, app, "alpha", "casey@alpha.example.com")
    admin = _admin(app, forces)
    response = submit(admin, f"/alpha/staff/admin/staff/{member_id}",
                      {"full_name": "Casey", "email": "casey@alpha.example.com", "roles": ["caseworker"]})
    assert response.status_code == 302
    assert client.get("/alpha/staff/").status_code == 302

    staff_sign_in(client, app, "alpha", "casey@alpha.example.com")
    assert client.get("/alpha/staff/").status_code == 200
    page = admin.get(f"/alpha/staff/admin/staff/{member_id}").get_data(as_text=True)
    response = admin.post(f"/alpha/staff/admin/staff/{member_id}/remove", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert client.get("/alpha/staff/").status_code == 302
    assert admin.get(f"/alpha/staff/admin/staff/{member_id}").status_code == 404

    from frontcounter.audit.models import AuditEvent
    from frontcounter.extensions import db
    from frontcounter.tenancy import tenant_context

    with app.app_context(), tenant_context(forces[0]):
        assert db.session.scalar(db.select(AuditEvent).filter_by(action="staff.removed")) is not None


def test_staff_sessions_end_after_the_idle_timeout(app, client, forces):
    add_staff(app, forces[0], "casey@alpha.example.com", ["caseworker"])
    staff_sign_in(client, app, "alpha", "casey@alpha.example.com")
    idle = app.config["STAFF_IDLE_TIMEOUT_SECONDS"]
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - idle + 60  # active a minute inside the limit
    assert client.get("/alpha/staff/").status_code == 200  # and the request renews it
    with client.session_transaction() as session:
        assert session["seen"] >= int(time.time()) - 5
        session["seen"] = int(time.time()) - idle - 1
    response = client.get("/alpha/staff/")
    assert response.status_code == 302 and "/alpha/staff/sign-in" in response.headers["Location"]


def test_session_cookies_and_form_tokens_read_alike_by_flask_and_by_the_kept_key_signer(app):
    """Sessions signed before the kept-key signer (Flask's stock serializer) still open, and the other way round;
    a long session is still compressed, a short one no longer is."""
    from flask.sessions import SecureCookieSessionInterface
    from frontcounter.web.sessions import SessionSerializer

    ours = app.session_interface.get_signing_serializer(app)
    stock = SecureCookieSessionInterface().get_signing_serializer(app)
    for data in ({"csrf_token": "a" * 40, "lang": "cy"}, {"guest_services": ["x" * 30] * 20}):
        assert stock.loads(ours.dumps(data)) == data
        assert ours.loads(stock.dumps(data)) == data
    assert not ours.dumps({"lang": "cy"}).startswith(".")
    assert ours.dumps({"guest_services": ["x" * 30] * 20}).startswith(".")
    from itsdangerous import URLSafeTimedSerializer

    token = SessionSerializer(app.secret_key, salt="wtf-csrf-token").dumps("b" * 40)
    assert URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").loads(token) == "b" * 40
