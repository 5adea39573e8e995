"""Public accounts: sign up, email verification, sign in and out, password reset, rate limiting, CSRF."""

from __future__ import annotations

from tests.conftest import PASSWORD, csrf_token, link_in, mailbox, public_account, submit


def test_sign_up_verify_and_sign_in(app, client):
    response = submit(
        client,
        "/account/sign-up",
        {"full_name": "Sam Smith", "email": "Sam@Example.com", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert "Check your email" in response.get_data(as_text=True)
    [email] = mailbox(app, "sam@example.com")
    assert email.subject == "Confirm your email address"
    assert "Confirm your email address" in email.html_body
    link = link_in(email, "/account/verify/")

    # Not yet confirmed: sign-in is refused and a fresh link is sent.
    page = submit(client, "/account/sign-in", {"email": "sam@example.com", "password": PASSWORD}).get_data(as_text=True)
    assert "Confirm your email address first" in page
    assert len(mailbox(app, "sam@example.com")) == 2

    assert client.get(link).status_code == 302
    response = submit(client, "/account/sign-in", {"email": "sam@example.com", "password": PASSWORD})
    assert response.status_code == 302
    home = client.get("/account/").get_data(as_text=True)
    assert "sam@example.com" in home and "Sam Smith" in home

    client.post("/account/sign-out", data={"csrf_token": csrf_token(home)})
    assert client.get("/account/").status_code == 302


def test_password_is_stored_as_argon2id(app):
    from frontcounter.accounts.service import find_account

    public_account(app, "hash@example.com")
    with app.app_context():
        assert find_account("hash@example.com").password_hash.startswith("$argon2id$")


def test_sign_up_form_errors_show_a_govuk_error_summary_and_keep_answers(client):
    response = submit(
        client,
        "/account/sign-up",
        {"full_name": "Sam", "email": "not-an-email", "password": "short", "confirm": "different"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "There is a problem" in page
    assert 'href="#email"' in page and "Enter an email address in the correct format" in page
    assert "Password must be 10 characters or more" in page
    assert 'value="Sam"' in page
    assert "<title>Error:" in page


def test_wrong_password_gives_one_message_for_unknown_and_known_emails(app, client):
    public_account(app, "known@example.com")
    known = submit(client, "/account/sign-in", {"email": "known@example.com", "password": "wrong password"})
    unknown = submit(client, "/account/sign-in", {"email": "nobody@example.com", "password": "wrong password"})
    for response in (known, unknown):
        assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_sign_in_is_rate_limited_even_with_the_right_password(app, client):
    public_account(app, "target@example.com")
    for _ in range(5):
        submit(client, "/account/sign-in", {"email": "target@example.com", "password": "guess guess"})
    response = submit(client, "/account/sign-in", {"email": "target@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    assert client.get("/account/").status_code == 302


def test_password_reset_link_works_once(app, client):
    public_account(app, "forgot@example.com")
    submit(client, "/account/password-reset", {"email": "forgot@example.com"})
    [email] = mailbox(app, "forgot@example.com")
    link = link_in(email, "/account/password-reset/")
    response = submit(client, link, {"password": "a brand new password", "confirm": "a brand new password"})
    assert response.status_code == 302
    assert client.get(link).status_code == 400  # used: the password it was tied to has changed
    ok = submit(client, "/account/sign-in", {"email": "forgot@example.com", "password": "a brand new password"})
    assert ok.status_code == 302


def test_reset_request_does_not_reveal_whether_an_account_exists(app, client):
    page = submit(client, "/account/password-reset", {"email": "ghost@example.com"}).get_data(as_text=True)
    assert "If ghost@example.com has an account" in page
    assert mailbox(app, "ghost@example.com") == []


def test_forms_without_a_csrf_token_are_refused(app, client):
    public_account(app, "csrf@example.com")
    response = client.post("/account/sign-in", data={"email": "csrf@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert "Your form has expired" in response.get_data(as_text=True)


def test_session_cookie_is_httponly_samesite_and_secure_in_production(app, client):
    public_account(app, "cookie@example.com")
    response = submit(client, "/account/sign-in", {"email": "cookie@example.com", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    import os

    from frontcounter import config

    os.environ["FRONTCOUNTER_ENV"] = "production"
    try:
        assert config.from_environment()["SESSION_COOKIE_SECURE"] is True
    finally:
        del os.environ["FRONTCOUNTER_ENV"]


def test_next_parameter_cannot_redirect_off_site(app, client):
    public_account(app, "next@example.com")
    html = client.get("/account/sign-in?next=https://evil.example/").get_data(as_text=True)
    response = client.post(
        "/account/sign-in?next=https://evil.example/",
        data={"email": "next@example.com", "password": PASSWORD, "csrf_token": csrf_token(html)},
    )
    assert response.headers["Location"] == "/account/"


def test_behind_a_trusted_proxy_each_client_address_is_limited_on_its_own(app, backend_urls):
    from frontcounter import create_app

    from tests.conftest import base_config

    proxied = create_app({**base_config(backend_urls), "TRUSTED_PROXIES": 1})
    client = proxied.test_client()
    page = client.get("/account/sign-in").get_data(as_text=True)
    token = csrf_token(page)
    for i in range(20):  # the per-address limit is four times the per-email one
        client.post(
            "/account/sign-in",
            data={"email": f"guess{i}@example.com", "password": "wrong wrong", "csrf_token": token},
            headers={"X-Forwarded-For": "198.51.100.7"},
        )
    locked = client.post(
        "/account/sign-in",
        data={"email": "new@example.com", "password": "wrong wrong", "csrf_token": token},
        headers={"X-Forwarded-For": "198.51.100.7"},
    )
    other = client.post(
        "/account/sign-in",
        data={"email": "new@example.com", "password": "wrong wrong", "csrf_token": token},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    assert locked.status_code == 429
    assert other.status_code == 200 and "Enter a correct email address and password" in other.get_data(as_text=True)
