"""Cross-force route matrix, generated from the URL map so every new route is covered.

For every route under /<force>/ that takes an id, Alpha's force admin asks for Bravo's record
through Alpha's URL and must get 404. And Alpha's staff can use no staff route of Bravo's.
A route with a parameter this file does not know fails the test until the parameter is added
to ID_PARAMS (a row of another force) or PLAIN_PARAMS (not an id).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context

from tests.conftest import add_staff, csrf_token, staff_sign_in


def _sample_permit(force) -> int:
    from frontcounter_sample.models import SamplePermit

    with tenant_context(force):
        permit = SamplePermit(holder="Bravo's secret holder", vehicle="BR4V0")
        db.session.add(permit)
        db.session.commit()
        return permit.id


def _staff_member(force) -> int:
    from frontcounter.accounts.service import add_staff_member

    with tenant_context(force):
        member = add_staff_member("hidden@bravo.example.com", "Bravo Hidden", ["caseworker"], password="x" * 12)
        db.session.commit()
        return member.id


# Parameters that name a row owned by a force: how to make one in another force.
ID_PARAMS: dict[str, Callable[[Any], Any]] = {
    "member_id": _staff_member,
    "permit_id": _sample_permit,
}
# Parameters that are not ids of tenant-owned rows, with a value to use.
PLAIN_PARAMS: dict[str, str] = {
    "service_key": "sample",
}


def _force_rules(app):
    return [r for r in app.url_map.iter_rules() if "force" in r.arguments and not r.rule.startswith("/static")]


def test_every_force_route_parameter_is_known(app):
    unknown = {
        (rule.rule, arg)
        for rule in _force_rules(app)
        for arg in rule.arguments - {"force"}
        if arg not in ID_PARAMS and arg not in PLAIN_PARAMS
    }
    assert not unknown, f"Add these route parameters to ID_PARAMS or PLAIN_PARAMS: {sorted(unknown)}"


def _url(app, rule, force_slug: str, values: dict[str, Any]) -> str:
    with app.test_request_context():
        return app.url_for(rule.endpoint, force=force_slug, **{k: values[k] for k in rule.arguments - {"force"}})


def _request(client, rule, url: str):
    if "GET" in rule.methods:
        return client.get(url)
    token = csrf_token(client.get("/alpha/staff/").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token})


@pytest.fixture
def alpha_admin(app, client, forces):
    add_staff(app, forces[0], "admin@alpha.example.com", ["force_admin", "caseworker", "field_officer", "supervisor"])
    staff_sign_in(client, app, "alpha", "admin@alpha.example.com")
    return client


def test_alpha_cannot_reach_bravos_records_through_alpha_urls(app, alpha_admin, forces):
    _alpha, bravo = forces
    with app.app_context():
        values: dict[str, Any] = dict(PLAIN_PARAMS)
        values.update({name: make(bravo) for name, make in ID_PARAMS.items()})
    checked = []
    for rule in _force_rules(app):
        if not (rule.arguments & set(ID_PARAMS)):
            continue
        url = _url(app, rule, "alpha", values)
        response = _request(alpha_admin, rule, url)
        body = response.get_data(as_text=True)
        assert response.status_code == 404, f"{rule.rule} -> {response.status_code} for Bravo's id via {url}"
        assert "Bravo's secret holder" not in body and "hidden@bravo.example.com" not in body
        checked.append(rule.rule)
    assert len(checked) >= 2, checked


def test_alpha_staff_can_use_no_staff_route_of_bravo(app, alpha_admin, forces):
    _alpha, bravo = forces
    with app.app_context():
        values: dict[str, Any] = dict(PLAIN_PARAMS)
        values.update({name: make(bravo) for name, make in ID_PARAMS.items()})
    staff_rules = [
        r
        for r in _force_rules(app)
        if r.rule.startswith("/<force>/staff")
        and r.endpoint not in {"staff.sign_in", "staff.two_factor", "staff.sign_out"}
    ]
    assert len(staff_rules) >= 6
    for rule in staff_rules:
        url = _url(app, rule, "bravo", values)
        response = _request(alpha_admin, rule, url)
        assert response.status_code in (302, 403, 404), f"{rule.rule} -> {response.status_code} via {url}"
        if response.status_code == 302:
            assert "/bravo/staff/sign-in" in response.headers["Location"]
