"""Queues and the API case list stay as fast with a force's whole history as with a year's: open work by
default, counts stopping at a cap (shown as "more than"), and a fixed number of SQL statements a request."""

from __future__ import annotations

import json
import re

import pytest
from frontcounter import counting
from frontcounter.api.tokens import issue_token
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from sqlalchemy import event

from tests.conftest import add_staff, staff_sign_in
from tests.test_cases import _apply, _fire

LISTED = re.compile(r"/alpha/staff/work/case/([A-Z0-9-]+)")


def _reference(client, holder: str) -> str:
    return re.search(r"/track/([^?]+)", _apply(client, holder=holder)).group(1)


@pytest.fixture
def history(app, client, forces):
    """Three open cases and two closed ones in force Alpha, and a signed-in caseworker."""
    open_refs = [_reference(client, f"Open {i}") for i in range(3)]
    closed_refs = [_reference(client, f"Closed {i}") for i in range(2)]
    for reference in closed_refs:
        _fire(app, forces[0], reference, "pay")
        _fire(app, forces[0], reference, "start_check")
        _fire(app, forces[0], reference, "refuse", note="Not eligible")
    add_staff(app, forces[0], "cw@alpha.example.com", ["caseworker"])
    staff = app.test_client()
    staff_sign_in(staff, app, "alpha", "cw@alpha.example.com")
    return staff, open_refs, closed_refs


def test_the_queue_shows_open_work_by_default_says_so_and_links_to_all_cases(history):
    staff, open_refs, closed_refs = history
    page = staff.get("/alpha/staff/work/sample/").get_data(as_text=True)
    assert sorted(LISTED.findall(page)) == sorted(open_refs)
    assert "3 open cases" in page and "You are looking at open work only." in page
    assert 'href="/alpha/staff/work/sample/?state=all"' in page
    everything = staff.get("/alpha/staff/work/sample/?state=all").get_data(as_text=True)
    assert sorted(LISTED.findall(everything)) == sorted(open_refs + closed_refs)
    assert "5 cases" in everything and "open work only" not in everything
    refused = staff.get("/alpha/staff/work/sample/?state=refused").get_data(as_text=True)
    assert sorted(LISTED.findall(refused)) == sorted(closed_refs)  # a closed state can still be chosen


def test_counts_past_the_cap_say_more_than_and_the_pages_go_on(history, monkeypatch):
    staff, _open_refs, _closed_refs = history
    monkeypatch.setattr(counting, "COUNT_CAP", 2)
    page = staff.get("/alpha/staff/work/sample/?state=all").get_data(as_text=True)
    assert "More than 2 cases" in page
    assert "More than 2 open cases" in staff.get("/alpha/staff/work/sample/").get_data(as_text=True)
    monkeypatch.setattr(counting, "COUNT_CAP", 5)
    assert "5 cases" in staff.get("/alpha/staff/work/sample/?state=all").get_data(as_text=True)


def test_the_api_list_gives_total_over_and_next_page_past_the_cap(app, client, forces, history, monkeypatch):
    _staff, open_refs, closed_refs = history
    with app.app_context(), tenant_context(forces[0]):
        _row, secret = issue_token("Records", ["caseworker"], created_by="admin@example.com")
        db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    monkeypatch.setattr(counting, "COUNT_CAP", 3)
    seen, page = [], 1
    while True:
        response = client.get(f"/api/v1/cases?page={page}&page_size=2", headers=headers)
        meta = json.loads(response.headers["X-Pagination"])
        assert "total" not in meta and "last_page" not in meta and meta["total_over"] == 3 and meta["page"] == page
        seen += [case["reference"] for case in response.get_json()]
        if "next_page" not in meta:
            break
        page = meta["next_page"]
    assert sorted(seen) == sorted(open_refs + closed_refs) and page == 3  # every case, each once
    monkeypatch.setattr(counting, "COUNT_CAP", 10)
    meta = json.loads(client.get("/api/v1/cases?page=1&page_size=2", headers=headers).headers["X-Pagination"])
    assert meta["total"] == 5 and meta["last_page"] == 3


def test_the_openapi_documents_total_over(app, client):
    spec = client.get("/api/openapi.json").get_json()
    header = spec["paths"]["/api/v1/cases"]["get"]["responses"]["200"]["headers"]["X-Pagination"]
    assert "total_over" in header["description"]


@pytest.mark.parametrize("path", ["/alpha/staff/work/sample/", "/alpha/staff/work/sample/?state=all&page=2"])
def test_queue_and_api_list_cost_the_same_sql_statements_with_more_cases(app, client, forces, history, path):
    staff, _open_refs, _closed = history
    with app.app_context(), tenant_context(forces[0]):
        _row, secret = issue_token("Records", ["caseworker"], created_by="admin@example.com")
        db.session.commit()
        engine_ = db.engine
    statements: list[str] = []

    def count(*args, **kwargs):
        statements.append(args[2])

    def measure() -> tuple[int, int]:
        statements.clear()
        assert staff.get(path).status_code == 200
        queue = len(statements)
        statements.clear()
        api = client.get("/api/v1/cases?page=2&page_size=2", headers={"Authorization": f"Bearer {secret}"})
        assert api.status_code == 200
        return queue, len(statements)

    event.listen(engine_, "before_cursor_execute", count)
    try:
        measure()  # the token's first use is recorded once
        few = measure()
        for i in range(30):
            _reference(client, f"More {i}")
        many = measure()
    finally:
        event.remove(engine_, "before_cursor_execute", count)
    assert few == many, (few, many)
