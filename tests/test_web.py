"""Public pages: find your force, force home pages in their branding, accessibility basics, headers."""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_force


@pytest.fixture
def three_forces(app, forces):
    with app.app_context():
        make_force(
            "dorset",
            "DOR",
            {"sample": True},
            name="Dorset Police",
            area="Dorset",
            postcode_areas=["BH", "DT"],
            branding={"colour": "#0b0c0c", "logo_text": "Dorset Police"},
        )


def test_landing_lists_every_force(client, three_forces):
    page = client.get("/").get_data(as_text=True)
    for name in ("Alpha Police", "Bravo Police", "Dorset Police"):
        assert name in page


@pytest.mark.parametrize("query", ["BH1 1AA", "bh1", "BH", "dorset", "Dorset Police"])
def test_search_by_postcode_or_name_finds_the_force(client, three_forces, query):
    page = client.get("/", query_string={"q": query}).get_data(as_text=True)
    listed = re.findall(r'href="/(\w+)/"', page.split('id="forces"')[1])
    assert listed == ["dorset"]


def test_search_with_no_match_says_so_and_offers_the_full_list(client, three_forces):
    page = client.get("/", query_string={"q": "ZZ9 9ZZ"}).get_data(as_text=True)
    assert "0 police forces match" in page and "See every police force" in page


def test_force_home_shows_only_enabled_services_in_force_branding(app, client, three_forces):
    with app.app_context():
        make_force("echo", "ECH", {"sample": False}, branding={"colour": "#330033", "logo_text": "Echo Constab"})
    dorset = client.get("/dorset/").get_data(as_text=True)
    assert "Parking permits" in dorset and "#0b0c0c" in dorset
    echo = client.get("/echo/").get_data(as_text=True)
    assert "Parking permits" not in echo and "no online services switched on" in echo
    assert "Echo Constab" in echo and "#330033" in echo


PAGES = [
    "/",
    "/alpha/",
    "/account/sign-in",
    "/account/sign-up",
    "/account/password-reset",
    "/alpha/staff/sign-in",
    "/accessibility",
    "/alpha/start/sample",
    "/api/docs",
    "/platform/sign-in",
    "/_dev/mailbox",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_meet_basic_accessibility_rules(client, forces, url):
    response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert re.search(r'<html lang="(en|cy)"', page)
    assert len(re.findall(r"<h1[ >]", page)) == 1
    assert 'class="govuk-skip-link"' in page and 'id="main-content"' in page
    assert re.search(r"<title>[^<]+</title>", page)
    # Every visible input has a label that points at it.
    for input_id in re.findall(r'<input[^>]*\bid="([^"]+)"[^>]*>', page):
        tag = re.search(r'<input[^>]*\bid="' + re.escape(input_id) + r'"[^>]*>', page).group(0)
        if 'type="hidden"' in tag:
            continue
        assert f'for="{input_id}"' in page, f"{url}: input #{input_id} has no label"


def test_security_headers_and_script_nonce(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_page_is_a_friendly_404(client, forces):
    response = client.get("/alpha/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_local_mailbox_is_off_in_production(app, backend_urls):
    from frontcounter import create_app

    from tests.conftest import base_config

    prod = create_app({**base_config(backend_urls), "MAILBOX_PAGE": False})
    assert prod.test_client().get("/_dev/mailbox").status_code == 404
