"""The queue by days remaining, the overdue dashboard with monthly compliance, demo data, and the plugin's own
answers to the data-protection hooks."""

from __future__ import annotations

from datetime import timedelta

from frontcounter.calendar import uk_today
from frontcounter.cases.models import Case
from frontcounter.dataprotection import PersonQuery
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter_subject_access import reports
from frontcounter_subject_access.dataprotection import erase_closed_before, erase_person, person_data
from frontcounter_subject_access.demo import seed
from frontcounter_subject_access.models import SarRequest

from .support import staff


def test_demo_data_has_every_stage_and_overdue_requests_and_seeds_once(app, sar_forces):
    alpha = sar_forces[0]
    with app.app_context(), tenant_context(alpha) as force:
        lines = seed(force)
        db.session.commit()
        assert seed(force) == []  # idempotent
        states = set(db.session.scalars(db.select(Case.state)))
        counts = reports.counts(uk_today())
    assert {"awaiting_identity", "identity_check", "searching", "review", "approval", "closed"} <= states
    assert counts.overdue >= 2 and counts.over_three_months >= 1
    assert counts.awaiting_identity == 2  # no proof yet, or proof being checked
    assert counts.open == 8 and len(lines) == 8


def test_the_queue_puts_fewest_days_remaining_first(app, sar_forces):
    alpha = sar_forces[0]
    with app.app_context(), tenant_context(alpha) as force:
        seed(force)
        db.session.commit()
        rows = reports.with_cases(list(db.session.scalars(reports.queue_query(uk_today()))))
    deadlines = [sar.deadline for sar, _case in rows if sar.deadline]
    assert deadlines == sorted(deadlines) and deadlines[0] < uk_today()  # the most overdue first
    assert rows[-1][0].deadline is None  # awaiting identity last: no clock yet


def test_the_dashboard_shows_figures_a_chart_and_a_table(app, sar_forces):
    alpha = sar_forces[0]
    with app.app_context(), tenant_context(alpha) as force:
        seed(force)
        db.session.commit()
        months = reports.compliance(uk_today())
    assert len(months) == 12 and any(m.answered for m in months)
    answered = [m for m in months if m.answered]
    assert any(m.percent < 100 for m in answered) and all(0 <= m.percent <= 100 for m in answered)
    worker = staff(app, alpha, "case@alpha.police.uk", ["caseworker"])
    html = worker.get("/alpha/staff/subject_access/dashboard").get_data(as_text=True)
    assert '<svg' in html and 'role="img"' in html and 'id="compliance"' in html and 'id="overdue"' in html
    queue = worker.get("/alpha/staff/subject_access/").get_data(as_text=True)
    assert "days overdue" in queue and "8 open requests" in queue
    assert worker.get("/alpha/staff/subject_access/?page=99").status_code == 200


def test_the_plugins_own_data_is_found_erased_and_kept_for_two_years(app, sar_forces):
    alpha, bravo = sar_forces
    with app.app_context(), tenant_context(alpha) as force:
        seed(force)
        db.session.commit()
        mine = PersonQuery(email="alex.morgan@example.com")
        found = person_data(mine)
        assert found and {r.service_key for r in found} == {"subject_access"}
        assert any(r.documents == [] or r.documents[0].content_type == "image/png" for r in found)
        closed = db.session.scalar(db.select(db.func.count(SarRequest.id)).filter(SarRequest.open.is_(False)))
        assert erase_closed_before(uk_today()) == 0  # nothing is two years old yet
        assert erase_closed_before(uk_today() + timedelta(days=3 * 365)) >= closed
        db.session.commit()
        result = erase_person(PersonQuery(email="sam.patel@example.com"))
        db.session.commit()
        assert result is not None and result.erased >= 1
        assert person_data(PersonQuery(email="sam.patel@example.com")) == []
    with app.app_context(), tenant_context(bravo):
        assert person_data(PersonQuery(email="alex.morgan@example.com")) == []  # another force's requests


def test_requests_are_assigned_and_the_queue_shows_mine(app, sar_forces):
    from frontcounter.testing import csrf_token

    alpha = sar_forces[0]
    with app.app_context(), tenant_context(alpha) as force:
        seed(force)
        db.session.commit()
        reference = db.session.scalar(db.select(SarRequest.reference).filter_by(full_name="Pat Hughes"))
    worker = staff(app, alpha, "case@alpha.police.uk", ["caseworker"])
    page = f"/alpha/staff/subject_access/r/{reference}"
    token = csrf_token(worker.get(page).get_data(as_text=True))
    response = worker.post(f"/alpha/staff/work/case/{reference}/assign",
                           data={"csrf_token": token, "assignee": "me", "back": page})
    assert response.status_code == 302 and response.headers["Location"].endswith(page)
    mine = worker.get("/alpha/staff/subject_access/?mine=yes").get_data(as_text=True)
    assert "1 open request" in mine and reference in mine
    with app.app_context(), tenant_context(alpha):
        from frontcounter.audit.models import AuditEvent

        assert db.session.scalar(db.select(AuditEvent.id).filter_by(action="case.assigned")) is not None
