"""The per-process caches of force settings and of public pages never show a stale or another visitor's page."""

from __future__ import annotations

import re

from frontcounter.extensions import db
from frontcounter.tenancy import Tenant, TenantService, tenant_context

from tests.conftest import PASSWORD, csrf_token, public_account, submit
from tests.support.settings import set_sample_fee

_NONCE = re.compile(r'nonce="([^"]+)"')




def test_a_service_settings_change_shows_at_once_on_a_cached_page(app, client, forces):
    for _ in range(2):
        assert "£25.00" in client.get("/alpha/sample/").get_data(as_text=True)
    set_sample_fee(app, "alpha", 4000)
    assert "£40.00" in client.get("/alpha/sample/").get_data(as_text=True)
    assert "£25.00" in client.get("/bravo/sample/").get_data(as_text=True)  # the other force is untouched


def test_switching_a_service_off_and_renaming_the_force_show_at_once(app, client, forces):
    page = client.get("/alpha/").get_data(as_text=True)
    assert "/alpha/start/sample" in page or "/alpha/sample/" in page
    with app.app_context():
        tenant = db.session.scalar(db.select(Tenant).filter_by(slug="alpha"))
        tenant.name = "Renamed Constabulary"
        tenant.branding = {"colour": "#123456", "logo_text": "Renamed Constabulary"}
        with tenant_context(tenant):
            db.session.scalar(db.select(TenantService).filter_by(service_key="sample")).enabled = False
        db.session.commit()
    page = client.get("/alpha/").get_data(as_text=True)
    assert "Renamed Constabulary" in page
    assert "/alpha/sample/" not in page and "/alpha/start/sample" not in page
    assert client.get("/alpha/sample/").status_code == 404


def test_each_response_of_a_cached_page_has_its_own_nonce(client, forces):
    seen = set()
    for _ in range(3):
        response = client.get("/alpha/")
        nonces = set(_NONCE.findall(response.get_data(as_text=True)))
        assert len(nonces) == 1
        (nonce,) = nonces
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
        seen.add(nonce)
    assert len(seen) == 3


def test_a_form_token_on_a_cached_page_belongs_to_the_visitor_who_gets_it(app, forces):
    first, second = app.test_client(), app.test_client()
    token_one = csrf_token(first.get("/alpha/sample/").get_data(as_text=True))
    token_two = csrf_token(second.get("/alpha/sample/").get_data(as_text=True))  # served from the cache
    assert token_one != token_two
    response = second.post("/alpha/sample/apply", data={"csrf_token": token_two, "email": "pat@example.com"})
    assert response.status_code == 302 and "/alpha/track/" in response.headers["Location"]
    refused = first.post("/alpha/sample/apply", data={"csrf_token": token_two, "email": "pat@example.com"})
    assert refused.status_code == 400  # another visitor's token is still refused


def test_a_signed_in_visitor_never_gets_the_anonymous_page(app, client, forces):
    anonymous = client.get("/alpha/").get_data(as_text=True)
    public_account(app)
    assert submit(client, "/account/sign-in", {"email": "pat@example.com", "password": PASSWORD}).status_code == 302
    signed_in = client.get("/alpha/").get_data(as_text=True)
    assert "Your account" in signed_in and "Your account" not in anonymous
    assert "Sign in" in anonymous and "Sign in</a>" not in signed_in


def test_the_national_page_shows_a_new_force_at_once(app, client, forces):
    assert "Charlie Police" not in client.get("/").get_data(as_text=True)
    from frontcounter.testing import make_force

    with app.app_context():
        make_force("charlie", "CHA", {"sample": True})
    assert "Charlie Police" in client.get("/").get_data(as_text=True)
