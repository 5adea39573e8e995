"""Giving a notice: the authority from the postcode, the copies by email, the limits against held notices,
the decision within the objection window and the objection notice; after the window, refused."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from frontcounter.cases.models import Case, CaseEvent
from frontcounter.documents.models import Document
from frontcounter.extensions import db
from frontcounter.notifications.models import EmailMessage
from frontcounter.tenancy import tenant_context
from frontcounter_liquor.decisions import DecisionRefused, arrange_hearing, decide
from frontcounter_liquor.jobs import close_windows
from frontcounter_liquor.models import EventNotice
from frontcounter_liquor.notice_input import read_notice
from frontcounter_liquor.notices import NoticeRefused, give_notice

from plugins.liquor.tests.conftest import TEAM
from plugins.liquor.tests.support import give, notice_values

RECEIVED = date(2026, 11, 2)  # a Monday: the window ends on Thursday 5 November
EVENT = date(2026, 11, 27)


def _notice(force, reference):
    case = db.session.scalar(db.select(Case).filter_by(reference=reference))
    return case, db.session.scalar(db.select(EventNotice).filter_by(case_id=case.id))


def test_a_notice_goes_to_the_authority_of_its_postcode_and_the_team(ctx, forces):
    alpha, _bravo = forces
    reference = give(alpha, RECEIVED, EVENT, premises_postcode="dt1 1xj")
    with tenant_context(alpha):
        case, notice = _notice(alpha, reference)
        assert (notice.authority_name, notice.kind, notice.working_days) == ("County Council", "standard", 18)
        assert notice.objection_due == date(2026, 11, 5)
        assert case.state == "received" and case.deadline_at is not None
        to = sorted(m.to for m in db.session.scalars(db.select(EmailMessage)))
        assert to == sorted(["sam@example.com", "licensing@county.example", TEAM])


def test_an_out_of_time_notice_is_refused_and_nothing_is_written(ctx, forces):
    alpha, _bravo = forces
    with tenant_context(alpha):
        notice, errors = read_notice(notice_values(date(2026, 11, 6)), RECEIVED)
        assert not errors
        with pytest.raises(NoticeRefused) as refused:
            give_notice(notice, RECEIVED, source="online", actor="t")
        db.session.rollback()
        assert refused.value.code == "out_of_time" and "3 working days" in refused.value.message.replace(
            "only 3", "3")
        assert db.session.scalar(db.select(db.func.count(Case.id))) == 0


def test_the_sixth_notice_of_a_user_in_a_year_needs_a_counter_notice(ctx, forces):
    alpha, _bravo = forces
    for n in range(5):
        give(alpha, RECEIVED, date(2026, 12, 1 + 2 * n), premises_address=f"Hall {n}")
    reference = give(alpha, RECEIVED, date(2026, 12, 20), premises_address="Another hall")
    with tenant_context(alpha):
        _case, notice = _notice(alpha, reference)
        assert [b["code"] for b in notice.breaches] == ["user_notices"]
        assert notice.counter_notice_required


def test_notices_of_another_force_do_not_count(ctx, forces):
    alpha, bravo = forces
    for n in range(5):
        give(bravo, RECEIVED, date(2026, 12, 1 + 2 * n), premises_postcode="SO14 7LY", premises_address=f"Hall {n}")
    reference = give(alpha, RECEIVED, date(2026, 12, 20))
    with tenant_context(alpha):
        assert _notice(alpha, reference)[1].breaches == []


@pytest.mark.parametrize(("today", "allowed"), [(date(2026, 11, 5), True), (date(2026, 11, 6), False)])
def test_objection_on_the_last_day_of_the_window_and_not_the_day_after(ctx, forces, today, allowed):
    alpha, _bravo = forces
    reference = give(alpha, RECEIVED, EVENT)
    with tenant_context(alpha):
        case, notice = _notice(alpha, reference)
        if allowed:
            decide(case, notice, "objection", objectives=["public_safety"], reasons="Too many people for the hall.",
                   actor="pc@alpha", today=today)
            db.session.commit()
            assert case.state == "objected"
            assert db.session.scalar(db.select(Document).filter_by(case_id=case.id, kind="objection_notice"))
            mails = {m.to: m for m in db.session.scalars(db.select(EmailMessage).where(
                EmailMessage.subject.like("Police objection notice%")))}
            assert set(mails) == {"sam@example.com", "licensing@harbour.example", TEAM}
            assert "Public safety" in mails["licensing@harbour.example"].text_body
            assert "Too many people for the hall." in mails["licensing@harbour.example"].text_body
        else:
            with pytest.raises(DecisionRefused) as refused:
                decide(case, notice, "objection", objectives=["public_safety"], reasons="Late.", actor="pc@alpha",
                       today=today)
            db.session.rollback()
            assert refused.value.code == "window_closed"
            assert db.session.scalar(db.select(Document).filter_by(case_id=case.id)) is None


def test_objection_to_a_late_notice_is_a_counter_notice(ctx, forces):
    alpha, _bravo = forces
    reference = give(alpha, RECEIVED, date(2026, 11, 13))  # 8 working days: late
    with tenant_context(alpha):
        case, notice = _notice(alpha, reference)
        assert notice.kind == "late"
        with pytest.raises(DecisionRefused):
            decide(case, notice, "modifications", objectives=[], reasons="x", actor="pc", today=RECEIVED)
        decide(case, notice, "objection", objectives=["crime_and_disorder"], reasons="Fights last time.", actor="pc",
               today=RECEIVED)
        db.session.commit()
        assert case.state == "counter_notice"


def test_a_hearing_must_be_at_least_24_hours_before_the_event(ctx, forces):
    alpha, _bravo = forces
    reference = give(alpha, RECEIVED, EVENT)
    with tenant_context(alpha):
        case, notice = _notice(alpha, reference)
        decide(case, notice, "objection", objectives=["public_nuisance"], reasons="Noise.", actor="pc", today=RECEIVED)
        with pytest.raises(DecisionRefused) as refused:
            arrange_hearing(case, notice, datetime(2026, 11, 26, 18, 1), actor="pc")
        assert refused.value.code == "too_late"
        arrange_hearing(case, notice, datetime(2026, 11, 26, 18, 0), actor="pc")
        db.session.commit()
        assert case.state == "hearing_arranged" and notice.hearing_on == datetime(2026, 11, 26, 18, 0)


def test_a_window_that_ends_without_a_decision_means_no_objection(ctx, forces, monkeypatch):
    alpha, _bravo = forces
    reference = give(alpha, RECEIVED, EVENT)
    monkeypatch.setattr("frontcounter_liquor.jobs.uk_today", lambda: date(2026, 11, 5))
    assert close_windows() == 0
    monkeypatch.setattr("frontcounter_liquor.jobs.uk_today", lambda: date(2026, 11, 6))
    assert close_windows() == 1
    with tenant_context(alpha):
        case, _notice_row = _notice(alpha, reference)
        assert case.state == "no_objection"
        assert db.session.scalar(db.select(CaseEvent).filter_by(case_id=case.id, transition="window_closed"))
