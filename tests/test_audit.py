"""The audit log: every staff action is recorded; a force admin reads and filters it; nobody edits it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from frontcounter.audit.models import AuditEvent, AuditIsAppendOnly
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from sqlalchemy import event

from tests.conftest import add_staff, staff_sign_in, submit

AUDIT = "/alpha/staff/admin/audit"


def _add_events(app, force, *events: dict) -> None:
    """Write audit events as record() does, with chosen times."""
    with app.app_context(), tenant_context(force):
        for e in events:
            db.session.add(
                AuditEvent(
                    **{
                        "actor": "sam@alpha.example.com",
                        "action": "case.transition",
                        "target": "case:ALP-SM-25-000001",
                        **e,
                    }
                )
            )
        db.session.commit()


def _rows(page_html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-event-id="(\d+)"', page_html)]


def _ids(app, force, **filters) -> list[int]:
    with app.app_context(), tenant_context(force):
        query = db.select(AuditEvent.id).filter_by(**filters).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        return list(db.session.scalars(query))


@pytest.fixture
def admin(app, forces):
    add_staff(app, forces[0], "admin@alpha.example.com", ["force_admin"])
    client = app.test_client()
    staff_sign_in(client, app, "alpha", "admin@alpha.example.com")
    return client


def test_only_force_admins_read_the_audit_log(app, forces):
    add_staff(app, forces[0], "sup@alpha.example.com", ["caseworker", "supervisor", "field_officer"])
    supervisor = app.test_client()
    staff_sign_in(supervisor, app, "alpha", "sup@alpha.example.com")
    assert supervisor.get(AUDIT).status_code == 403
    anonymous = app.test_client().get(AUDIT)
    assert anonymous.status_code == 302 and "/alpha/staff/sign-in" in anonymous.headers["Location"]


def test_a_staff_action_appears_with_who_what_and_before_and_after(app, admin, forces):
    response = submit(
        admin, "/alpha/staff/admin/services/sample", {"enabled": "yes", "permit_fee_pence": "31.00", "max_permits": "3"}
    )
    assert response.status_code == 302
    page = admin.get(AUDIT).get_data(as_text=True)
    [row] = re.findall(r'<tr class="govuk-table__row" data-event-id="\d+">(.*?)</tr>', page, re.S)
    assert "admin@alpha.example.com" in row and "service.settings_changed" in row and "service:sample" in row
    # The settings before (defaults, nothing stored) and after the change.
    assert re.search(r"<strong>settings</strong>: before <span class=\"fc-audit-before\">\{\}</span>", row)
    assert "&#34;permit_fee_pence&#34;: 3100" in row


def test_events_are_newest_first_and_only_this_forces(app, admin, forces):
    alpha, bravo = forces
    now = datetime.now(UTC)
    _add_events(
        app,
        alpha,
        {"at": now - timedelta(hours=2), "target": "case:OLD"},
        {"at": now - timedelta(hours=1), "target": "case:NEW"},
    )
    _add_events(app, bravo, {"at": now, "actor": "bob@bravo.example.com", "target": "case:BRAVO-SECRET"})
    page = admin.get(AUDIT).get_data(as_text=True)
    assert page.index("case:NEW") < page.index("case:OLD")
    assert "BRAVO-SECRET" not in page and "bob@bravo.example.com" not in page


def test_filters_by_actor_action_and_target(app, admin, forces):
    now = datetime.now(UTC)
    _add_events(
        app,
        forces[0],
        {"at": now - timedelta(minutes=4), "actor": "ann@alpha.example.com", "target": "case:ALP-SM-25-000007"},
        {"at": now - timedelta(minutes=3), "actor": "api:Records system", "target": "case:ALP-SM-25-000008"},
        {
            "at": now - timedelta(minutes=2),
            "actor": "ann@alpha.example.com",
            "action": "case.assigned",
            "target": "case:ALP-SM-25-000008",
        },
        {
            "at": now - timedelta(minutes=1),
            "actor": "ann@alpha.example.com",
            "action": "staff.changed",
            "target": "staff:4",
        },
    )
    ids = _ids(app, forces[0])  # newest first

    def shown(query: str) -> list[int]:
        response = admin.get(AUDIT + query)
        assert response.status_code == 200
        return _rows(response.get_data(as_text=True))

    assert shown("") == ids
    assert shown("?actor=ANN@alpha") == [ids[0], ids[1], ids[3]]
    assert shown("?actor=api:") == [ids[2]]
    assert shown("?action=case.") == [ids[1], ids[2], ids[3]]
    assert shown("?action=case.transition") == [ids[2], ids[3]]
    assert shown("?target=ALP-SM-25-000008") == [ids[1], ids[2]]
    assert shown("?actor=ann&action=case.&target=000008") == [ids[1]]
    # LIKE wildcards typed by the admin are taken literally.
    assert shown("?target=%25") == [] and shown("?actor=_") == []


def test_date_filters_are_uk_dates_inclusive(app, admin, forces):
    _add_events(
        app,
        forces[0],
        {"at": datetime(2025, 6, 29, 12, 0, tzinfo=UTC), "target": "case:JUNE-29"},
        # 23:30 UTC on 30 June is 00:30 on 1 July in the UK (summer time).
        {"at": datetime(2025, 6, 30, 23, 30, tzinfo=UTC), "target": "case:JULY-1-UK"},
        {"at": datetime(2025, 7, 2, 9, 0, tzinfo=UTC), "target": "case:JULY-2"},
    )

    def targets(query: str) -> list[str]:
        page = admin.get(AUDIT + query).get_data(as_text=True)
        return re.findall(r"case:(JUNE-29|JULY-1-UK|JULY-2)", page)

    assert targets("?from-day=1&from-month=7&from-year=2025") == ["JULY-2", "JULY-1-UK"]
    assert targets("?to-day=30&to-month=6&to-year=2025") == ["JUNE-29"]
    assert targets("?from-day=1&from-month=7&from-year=2025&to-day=1&to-month=7&to-year=2025") == ["JULY-1-UK"]
    # The filter's values stay in the form.
    page = admin.get(AUDIT + "?from-day=1&from-month=7&from-year=2025").get_data(as_text=True)
    assert 'id="from-day" name="from-day" type="text" value="1"' in page


@pytest.mark.parametrize(
    ("query", "message", "field"),
    [
        ("?from-day=31&from-month=2&from-year=2025", "Date from must be a real date", "from"),
        ("?to-day=1&to-month=&to-year=2025", "Date to must be a real date", "to"),
        ("?to-day=1&to-month=1&to-year=25", "Date to must be a real date", "to"),
        ("?from-day=x&from-month=1&from-year=2025", "Date from must be a real date", "from"),
        (
            "?from-day=2&from-month=1&from-year=2025&to-day=1&to-month=1&to-year=2025",
            "Date to must be the same as or after date from",
            "to",
        ),
    ],
)
def test_invalid_dates_are_shown_in_an_error_summary(app, admin, forces, query, message, field):
    _add_events(app, forces[0], {"at": datetime.now(UTC)})
    response = admin.get(AUDIT + query)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in page and message in page and f'href="#{field}-day"' in page
    assert page.count(message) == 2  # the summary and the field's own error message
    assert "<title>Error:" in page
    assert _rows(page) == []


def test_pages_of_fifty_one_query_each(app, admin, forces):
    start = datetime(2025, 1, 1, tzinfo=UTC)
    _add_events(app, forces[0], *({"at": start + timedelta(minutes=i), "target": f"case:N{i}"} for i in range(120)))
    ids = _ids(app, forces[0])
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "audit_event" in statement:
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        first = admin.get(AUDIT + "?action=case.").get_data(as_text=True)
        assert len(statements) == 1, statements
        third = admin.get(AUDIT + "?action=case.&page=3").get_data(as_text=True)
        assert len(statements) == 2
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert _rows(first) == ids[:50] and "Events 1 to 50, newest first" in first
    assert "page=2" in first and "action=case." in first and 'rel="prev"' not in first
    second = admin.get(AUDIT + "?action=case.&page=2").get_data(as_text=True)
    assert _rows(second) == ids[50:100]
    assert _rows(third) == ids[100:] and "Events 101 to 120" in third
    assert 'rel="next"' not in third and "page=2" in third
    beyond = admin.get(AUDIT + "?page=9").get_data(as_text=True)
    assert _rows(beyond) == [] and "No events match these filters." in beyond


def test_the_audit_log_cannot_be_changed_through_the_app(app, admin, forces):
    audit_rules = [r for r in app.url_map.iter_rules() if "/audit" in r.rule]
    assert audit_rules
    for rule in audit_rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    for method in ("post", "put", "patch", "delete"):
        assert getattr(admin, method)(AUDIT).status_code == 405
    _add_events(app, forces[0], {"at": datetime.now(UTC), "after": {"state": "issued"}})
    with app.app_context(), tenant_context(forces[0]):
        row = db.session.scalar(db.select(AuditEvent))
        row.after = {"state": "refused"}
        with pytest.raises(AuditIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.scalar(db.select(AuditEvent)))
        with pytest.raises(AuditIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(db.select(AuditEvent)).after == {"state": "issued"}


@pytest.mark.postgres_only
def test_the_page_query_reads_the_tenant_time_index(app, admin, forces):
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for force in forces:
        _add_events(app, force, *({"at": start + timedelta(seconds=i)} for i in range(3000)))
    statements: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "FROM audit_event" in statement:
            statements.append((statement, parameters))

    with app.app_context():
        engine = db.engine
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE audit_event")
        event.listen(engine, "before_cursor_execute", capture)
        try:
            admin.get(AUDIT + "?page=2")
        finally:
            event.remove(engine, "before_cursor_execute", capture)
        [(statement, parameters)] = statements
        with engine.connect() as conn:
            plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
    assert "ix_audit_event_tenant_at" in plan, plan


def test_a_page_far_beyond_the_end_is_empty_not_an_error(app, admin, forces):
    _add_events(app, forces[0], {"at": datetime.now(UTC)})
    response = admin.get(f"{AUDIT}?page={10**20}")
    assert response.status_code == 200 and _rows(response.get_data(as_text=True)) == []
