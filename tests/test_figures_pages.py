"""The figures pages, CSV downloads and API: who may see them, each force only its own, the national page every
force's, the numbers of the fixed cases in tests/test_figures.py, validation, Welsh, statement counts."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from frontcounter.extensions import db
from frontcounter.figures import aggregation
from frontcounter.tenancy import Tenant
from frontcounter.testing import api_token
from sqlalchemy import event

from tests.conftest import add_staff, staff_sign_in
from tests.test_figures import add_case, add_payment, fixed  # noqa: F401 - the fixture of fixed cases

PERIOD = {"from-month": "1", "from-year": "2026", "to-month": "4", "to-year": "2026"}


@pytest.fixture
def supervisor(app, client, fixed):  # noqa: F811
    add_staff(app, fixed[0], "boss@alpha.example.com", ["supervisor"])
    staff_sign_in(client, app, "alpha", "boss@alpha.example.com")
    return client


def _platform_admin(app, client):
    from frontcounter.accounts.models import AccountKind
    from frontcounter.accounts.service import create_account

    from tests.conftest import PASSWORD, csrf_token, totp_code_for

    with app.app_context():
        create_account("root@platform.example.com", PASSWORD, "Root", AccountKind.PLATFORM_ADMIN, verified=True)
        db.session.commit()
    page = client.get("/platform/sign-in").get_data(as_text=True)
    client.post("/platform/sign-in", data={"email": "root@platform.example.com", "password": PASSWORD,
                                           "csrf_token": csrf_token(page)})
    page = client.get("/platform/two-factor").get_data(as_text=True)
    response = client.post("/platform/two-factor", data={
        "code": totp_code_for(app, "root@platform.example.com"), "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    return client


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _key(html: str, key: str) -> str:
    match = re.search(rf'id="key-{key}"><span[^>]*>([^<]*)</span>', html)
    assert match, key
    return match.group(1)


def test_the_force_page_shows_the_forces_figures_with_charts_and_tables(supervisor):
    html = supervisor.get("/alpha/staff/figures/", query_string=PERIOD).get_data(as_text=True)
    assert "Figures for January 2026 to April 2026" in html
    assert (_key(html, "applications"), _key(html, "online"), _key(html, "income"), _key(html, "open"),
            _key(html, "compliance")) == ("4", "50%", "£40.00", "2", "50%")
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 5
    for chart in ("applications", "income", "compliance", "backlog", "states"):
        assert f'aria-labelledby="chart-{chart}-title chart-{chart}-desc"' in html
        assert f'id="table-{chart}"' in html
    april = re.search(r"April 2026</th>(.*?)</tr>", html.split('id="table-applications"')[1], re.S).group(1)
    assert re.findall(r">(\d+)</td>", april) == ["0", "1", "1", "2"]
    assert "Bravo" not in html and "99.00" not in html


def test_the_csv_downloads_hold_the_same_figures(supervisor):
    rows = _rows(supervisor.get("/alpha/staff/figures/monthly.csv", query_string=PERIOD))
    assert rows[0][:3] == ["Month", "Service", "Applications online"]
    assert rows[1:] == [
        ["2026-01", "Parking permits", "1", "0", "0", "1", "0", "0.00", "0", "0.00", "0.00", "0", "0", "0", ""],
        ["2026-03", "Parking permits", "1", "0", "0", "1", "1", "25.00", "0", "0.00", "25.00", "1", "1", "1", "100"],
        ["2026-04", "Parking permits", "0", "1", "1", "2", "1", "25.00", "1", "10.00", "15.00", "1", "1", "0", "0"],
    ]
    backlog = _rows(supervisor.get("/alpha/staff/figures/backlog.csv"))
    assert backlog[0] == ["Service", "Up to 7 days", "8 to 30 days", "31 to 90 days", "Over 90 days", "Open cases",
                          "Overdue"]
    assert backlog[1][0] == "Parking permits" and backlog[1][5:] == ["2", "1"]
    states = {row[1]: row for row in _rows(supervisor.get("/alpha/staff/figures/states.csv", query_string=PERIOD))}
    assert states["Received"][2:] == ["2", "3.5", str(7 * 86400 // 2)]
    assert states["Waiting for payment"][2:] == ["2", "0.0", "450"]


def test_filters_are_checked_with_an_error_summary(supervisor):
    bad = {"from-month": "13", "from-year": "2026", "to-month": "", "to-year": "2026", "service": "nope"}
    response = supervisor.get("/alpha/staff/figures/", query_string=bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>Error:" in html
    assert 'href="#from-month">The start of the period must be a real month, like 4 2026' in html
    assert 'href="#to-month">The end of the period must include a month and a year' in html
    assert 'href="#service">Select a service from the list' in html
    backwards = {**PERIOD, "from-month": "4", "to-month": "1"}
    html = supervisor.get("/alpha/staff/figures/", query_string=backwards).get_data(as_text=True)
    assert "The end of the period must be the same as or after the start" in html
    too_long = {**PERIOD, "from-year": "2020"}
    assert "The period can be up to 36 months long" in supervisor.get(
        "/alpha/staff/figures/", query_string=too_long).get_data(as_text=True)
    only_sample = supervisor.get("/alpha/staff/figures/", query_string={**PERIOD, "service": "sample"})
    assert _key(only_sample.get_data(as_text=True), "applications") == "4"


def test_only_supervisors_and_force_admins_and_not_another_forces(app, client, fixed):  # noqa: F811
    alpha, bravo = fixed
    add_staff(app, alpha, "worker@alpha.example.com", ["caseworker"])
    staff_sign_in(client, app, "alpha", "worker@alpha.example.com")
    assert client.get("/alpha/staff/figures/").status_code == 403
    assert client.get("/alpha/staff/figures/monthly.csv").status_code == 403
    admin = app.test_client()
    add_staff(app, bravo, "admin@bravo.example.com", ["force_admin"])
    staff_sign_in(admin, app, "bravo", "admin@bravo.example.com")
    html = admin.get("/bravo/staff/figures/", query_string=PERIOD).get_data(as_text=True)
    assert _key(html, "applications") == "1" and _key(html, "income") == "£99.00"
    assert admin.get("/alpha/staff/figures/").status_code in (302, 403)
    assert admin.get("/alpha/staff/figures/monthly.csv").status_code in (302, 403)
    assert admin.get("/platform/figures/").status_code == 302
    assert app.test_client().get("/alpha/staff/figures/").status_code == 302


def test_the_national_page_adds_up_every_force(app, client, fixed):  # noqa: F811
    _platform_admin(app, client)
    html = client.get("/platform/figures/", query_string=PERIOD).get_data(as_text=True)
    assert (_key(html, "applications"), _key(html, "income"), _key(html, "open")) == ("5", "£139.00", "2")
    forces = html.split('id="table-forces"')[1]
    assert re.search(r"Alpha Police</a></th>\s*<td[^>]*>4</td>", forces)
    assert re.search(r"Bravo Police</a></th>\s*<td[^>]*>1</td>", forces)
    rows = _rows(client.get("/platform/figures/forces.csv", query_string=PERIOD))
    assert [row[0] for row in rows[1:]] == ["Alpha Police", "Bravo Police"]
    assert rows[2][rows[0].index("Income (£)")] == "99.00"
    assert len(_rows(client.get("/platform/figures/monthly.csv", query_string=PERIOD))) == 1 + 3  # Jan, Mar, Apr
    assert _rows(client.get("/platform/figures/backlog.csv"))[1][5] == "2"
    assert len(_rows(client.get("/platform/figures/states.csv", query_string=PERIOD))) == 1 + 3


def test_the_page_in_welsh(app, supervisor):
    with app.app_context():
        tenant = db.session.scalar(db.select(Tenant).filter_by(slug="alpha"))
        tenant.languages = ["en", "cy"]
        db.session.commit()
    supervisor.get("/language/cy?next=/alpha/staff/figures/")
    html = supervisor.get("/alpha/staff/figures/", query_string=PERIOD).get_data(as_text=True)
    assert 'lang="cy"' in html and "Gwybodaeth reoli" in html and "Ebrill 2026" in html


def test_the_api_gives_the_tokens_force_only(app, client, fixed):  # noqa: F811
    alpha, bravo = fixed
    secret = api_token(app, alpha, roles=("supervisor",))
    headers = {"Authorization": f"Bearer {secret}"}
    body = client.get("/api/v1/figures/monthly?from=2026-01&to=2026-04", headers=headers).get_json()
    assert (body["from"], body["to"]) == ("2026-01", "2026-04")
    april = body["months"][-1]
    assert april["month"] == "2026-04" and april["applications"] == {"online": 0, "staff": 1, "api": 1, "total": 2}
    assert (april["transactions"], april["net_income_pence"], april["deadline_compliance_percent"]) == (1, 1500, 0)
    assert sum(row["income_pence"] for row in body["months"]) == 5000  # not Bravo's 99.00
    backlog = client.get("/api/v1/figures/backlog", headers=headers).get_json()
    assert [(row["service"], row["total"]) for row in backlog["services"]] == [("sample", 2)]
    states = client.get("/api/v1/figures/states?from=2026-01&to=2026-04", headers=headers).get_json()["states"]
    assert {row["state"]: row["stays"] for row in states} == {"awaiting_payment": 2, "checking": 2, "submitted": 2}
    bravo_secret = api_token(app, bravo, roles=("supervisor", "caseworker"))
    theirs = client.get("/api/v1/figures/monthly?from=2026-01&to=2026-04",
                        headers={"Authorization": f"Bearer {bravo_secret}"}).get_json()
    assert [(row["month"], row["income_pence"]) for row in theirs["months"]] == [("2026-03", 9900)]


def test_the_api_refuses_what_it_cannot_answer(app, client, fixed):  # noqa: F811
    alpha, _bravo = fixed
    headers = {"Authorization": f"Bearer {api_token(app, alpha, roles=('supervisor',))}"}
    caseworker = {"Authorization": f"Bearer {api_token(app, alpha, roles=('caseworker',))}"}
    response = client.get("/api/v1/figures/monthly", headers=caseworker)
    assert response.status_code == 403 and response.get_json()["reason"] == "forbidden"
    assert client.get("/api/v1/figures/backlog").status_code == 401
    for query, reason in (("from=2026-13", None), ("from=2026-04&to=2026-01", "invalid_period"),
                          ("from=2020-01&to=2026-01", "invalid_period"), ("service=nope", None),
                          ("service=lost_property", "unknown_service")):  # installed, not switched on here
        response = client.get(f"/api/v1/figures/monthly?{query}", headers=headers)
        assert response.status_code == 422, query
        assert response.get_json()["code"] == 422
        if reason:
            assert response.get_json()["reason"] == reason
    spec = client.get("/api/openapi.json").get_json()
    assert {"/api/v1/figures/monthly", "/api/v1/figures/backlog", "/api/v1/figures/states"} <= set(spec["paths"])


def _count(app, client, url: str, **kwargs) -> int:
    seen = [0]

    def tick(*_args, **_kw):
        seen[0] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", tick)
    try:
        assert client.get(url, **kwargs).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", tick)
    return seen[0]


def test_page_and_api_statements_do_not_grow_with_the_data(app, supervisor, fixed):  # noqa: F811
    alpha, _bravo = fixed
    headers = {"Authorization": f"Bearer {api_token(app, alpha, roles=('supervisor',))}"}
    urls = [("/alpha/staff/figures/", {"query_string": PERIOD}), ("/alpha/staff/figures/monthly.csv", {}),
            ("/api/v1/figures/monthly", {"headers": headers}), ("/api/v1/figures/states", {"headers": headers}),
            ("/api/v1/figures/backlog", {"headers": headers})]
    supervisor.get("/alpha/staff/figures/")  # warm what is done once: caches, the token's last-used time
    supervisor.get("/api/v1/figures/backlog", headers=headers)
    before = [_count(app, supervisor, url, **kw) for url, kw in urls]
    with app.app_context():
        for n in range(10, 40):
            case = add_case(alpha, n, f"2026-02-{1 + n % 27:02d} 10:00", channel=("online", "staff")[n % 2],
                            history=[(f"2026-02-{1 + n % 27:02d} 12:00", "pay", "awaiting_payment", "submitted")])
            add_payment(alpha, case, 1000, f"2026-02-{1 + n % 27:02d} 10:10")
        aggregation.rebuild(date(2026, 1, 1), date(2026, 4, 30))
        db.session.commit()
    after = [_count(app, supervisor, url, **kw) for url, kw in urls]
    assert before == after
    html = supervisor.get("/alpha/staff/figures/", query_string=PERIOD).get_data(as_text=True)
    assert _key(html, "applications") == "34"
