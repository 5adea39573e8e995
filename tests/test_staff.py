"""Staff: sign-in with a TOTP second factor, roles, the force-admin pages, and force isolation."""

from __future__ import annotations

from tests.conftest import PASSWORD, add_staff, csrf_token, staff_sign_in, submit, totp_code_for


def test_first_sign_in_enrols_an_authenticator_with_a_qr_code(app, client, forces):
    add_staff(app, forces[0], "cw@alpha.example.com", ["caseworker"])
    assert (
        submit(client, "/alpha/staff/sign-in", {"email": "cw@alpha.example.com", "password": PASSWORD}).status_code
        == 302
    )
    page = client.get("/alpha/staff/two-factor").get_data(as_text=True)
    assert "Set up your authenticator app" in page and "<svg" in page and 'id="totp-secret"' in page
    # Password alone is not enough.
    assert client.get("/alpha/staff/").status_code == 302
    wrong = client.post("/alpha/staff/two-factor", data={"code": "000000", "csrf_token": csrf_token(page)})
    assert "The security code is wrong" in wrong.get_data(as_text=True)
    ok = client.post(
        "/alpha/staff/two-factor",
        data={"code": totp_code_for(app, "cw@alpha.example.com"), "csrf_token": csrf_token(page)},
    )
    assert ok.status_code == 302
    assert "Staff dashboard" in client.get("/alpha/staff/").get_data(as_text=True)


def test_a_used_code_cannot_be_replayed(app, forces):
    from frontcounter.accounts.service import find_account

    add_staff(app, forces[0], "replay@alpha.example.com", ["caseworker"])
    first = app.test_client()
    staff_sign_in(first, app, "alpha", "replay@alpha.example.com")
    with app.app_context():
        account = find_account("replay@alpha.example.com")
        import pyotp

        used = pyotp.TOTP(account.totp_secret).generate_otp(account.totp_last_step)
    second = app.test_client()
    submit(second, "/alpha/staff/sign-in", {"email": "replay@alpha.example.com", "password": PASSWORD})
    page = second.get("/alpha/staff/two-factor").get_data(as_text=True)
    response = second.post("/alpha/staff/two-factor", data={"code": used, "csrf_token": csrf_token(page)})
    assert "The security code is wrong" in response.get_data(as_text=True)


def test_staff_of_one_force_cannot_sign_in_to_another(app, client, forces):
    add_staff(app, forces[0], "cw@alpha.example.com", ["caseworker"])
    page = submit(client, "/bravo/staff/sign-in", {"email": "cw@alpha.example.com", "password": PASSWORD})
    assert "Enter a correct email address and password" in page.get_data(as_text=True)


def test_signed_in_staff_cannot_use_another_forces_staff_area(app, client, forces):
    add_staff(app, forces[0], "admin@alpha.example.com", ["force_admin"])
    staff_sign_in(client, app, "alpha", "admin@alpha.example.com")
    assert client.get("/alpha/staff/admin/services").status_code == 200
    for url in ("/bravo/staff/", "/bravo/staff/admin/services", "/bravo/staff/sample/"):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url


def test_members_of_the_public_cannot_use_the_staff_area(app, client, forces):
    from tests.conftest import public_account

    public_account(app, "pub@example.com")
    submit(client, "/account/sign-in", {"email": "pub@example.com", "password": PASSWORD})
    assert client.get("/alpha/staff/").status_code == 302
    page = submit(client, "/alpha/staff/sign-in", {"email": "pub@example.com", "password": PASSWORD})
    assert "Enter a correct email address and password" in page.get_data(as_text=True)


def test_only_force_admins_reach_the_admin_pages(app, client, forces):
    add_staff(app, forces[0], "cw@alpha.example.com", ["caseworker"])
    staff_sign_in(client, app, "alpha", "cw@alpha.example.com")
    assert client.get("/alpha/staff/admin/services").status_code == 403
    assert client.get("/alpha/staff/admin/staff").status_code == 403
    assert "Force administration" not in client.get("/alpha/staff/").get_data(as_text=True)


def test_force_admin_switches_a_service_off_and_its_pages_404(app, client, forces):
    add_staff(app, forces[0], "admin@alpha.example.com", ["force_admin"])
    staff_sign_in(client, app, "alpha", "admin@alpha.example.com")
    assert client.get("/alpha/sample/").status_code == 200
    response = submit(
        client, "/alpha/staff/admin/services/sample", {"enabled": "no", "permit_fee_pence": "25.00", "max_permits": "3"}
    )
    assert response.status_code == 302
    assert "Parking permits settings saved" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get("/alpha/sample/").status_code == 404
    assert client.get("/alpha/staff/sample/").status_code == 404
    assert "Parking permits" not in client.get("/alpha/").get_data(as_text=True)
    # Bravo is untouched.
    assert client.get("/bravo/sample/").status_code == 200


def test_service_settings_are_validated_and_shown_on_the_service(app, client, forces):
    add_staff(app, forces[0], "admin@alpha.example.com", ["force_admin"])
    staff_sign_in(client, app, "alpha", "admin@alpha.example.com")
    bad = submit(
        client,
        "/alpha/staff/admin/services/sample",
        {"enabled": "yes", "permit_fee_pence": "lots", "max_permits": "99"},
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "govuk-error-summary" in page
    assert 'href="#permit_fee_pence"' in page and 'href="#max_permits"' in page
    assert 'value="lots"' in page  # what was typed is kept
    assert "Enter permit fee in pounds, like 12.50" in page
    too_much = submit(
        client, "/alpha/staff/admin/services/sample", {"enabled": "yes", "permit_fee_pence": "£250", "max_permits": "2"}
    ).get_data(as_text=True)
    assert "Permit fee must be between £0.00 and £100.00" in too_much and 'value="£250"' not in too_much
    assert 'value="250.00"' in too_much and "£</div>" in too_much.replace("\n", "").replace(" ", "")
    assert "£25.00" in client.get("/alpha/sample/").get_data(as_text=True)
    good = submit(
        client, "/alpha/staff/admin/services/sample", {"enabled": "yes", "permit_fee_pence": "31.5", "max_permits": "2"}
    )
    assert good.status_code == 302
    assert "£31.50" in client.get("/alpha/sample/").get_data(as_text=True)
    assert "£25.00" in client.get("/bravo/sample/").get_data(as_text=True)


def test_settings_change_is_audited_with_before_and_after(app, client, forces):
    from frontcounter.audit.models import AuditEvent, AuditIsAppendOnly
    from frontcounter.extensions import db
    from frontcounter.tenancy import tenant_context

    add_staff(app, forces[0], "admin@alpha.example.com", ["force_admin"])
    staff_sign_in(client, app, "alpha", "admin@alpha.example.com")
    submit(
        client, "/alpha/staff/admin/services/sample", {"enabled": "yes", "permit_fee_pence": "1", "max_permits": "3"}
    )
    with app.app_context(), tenant_context(forces[0]):
        [event] = db.session.scalars(db.select(AuditEvent).filter_by(action="service.settings_changed")).all()
        assert event.actor == "admin@alpha.example.com"
        assert event.after["settings"]["permit_fee_pence"] == 100
        assert event.before == {"enabled": True, "settings": {}}
        assert event.before["enabled"] is True
        event.action = "tampered"
        try:
            db.session.commit()
            raise AssertionError("audit event was changed")
        except AuditIsAppendOnly:
            db.session.rollback()


def test_force_admin_adds_a_staff_member_who_is_emailed_a_link(app, client, forces):
    from tests.conftest import mailbox

    add_staff(app, forces[0], "admin@alpha.example.com", ["force_admin"])
    staff_sign_in(client, app, "alpha", "admin@alpha.example.com")
    response = submit(
        client,
        "/alpha/staff/admin/staff/new",
        {"full_name": "New Officer", "email": "new@alpha.example.com", "roles": ["field_officer"]},
    )
    assert response.status_code == 302
    assert "new@alpha.example.com" in client.get("/alpha/staff/admin/staff").get_data(as_text=True)
    assert mailbox(app, "new@alpha.example.com")[0].subject == "Reset your password"
    # The same email cannot join a second force.
    add_staff(app, forces[1], "admin@bravo.example.com", ["force_admin"])
    other = app.test_client()
    staff_sign_in(other, app, "bravo", "admin@bravo.example.com")
    page = submit(
        other,
        "/bravo/staff/admin/staff/new",
        {"full_name": "Dup", "email": "new@alpha.example.com", "roles": ["caseworker"]},
    ).get_data(as_text=True)
    assert "already used by another account" in page


def test_platform_admin_works_in_every_force(app, client, forces):
    from frontcounter.accounts.models import AccountKind
    from frontcounter.accounts.service import create_account
    from frontcounter.extensions import db

    with app.app_context():
        create_account("root@platform.example.com", PASSWORD, "Root", AccountKind.PLATFORM_ADMIN, verified=True)
        db.session.commit()
    submit(client, "/platform/sign-in", {"email": "root@platform.example.com", "password": PASSWORD})
    page = client.get("/platform/two-factor").get_data(as_text=True)
    client.post(
        "/platform/two-factor",
        data={"code": totp_code_for(app, "root@platform.example.com"), "csrf_token": csrf_token(page)},
    )
    forces_page = client.get("/platform/").get_data(as_text=True)
    assert "Alpha Police" in forces_page and "Bravo Police" in forces_page
    assert client.get("/bravo/staff/admin/services").status_code == 200
