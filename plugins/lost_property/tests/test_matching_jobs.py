"""Matching a lost report runs after the report has committed, as outbox work: once per report, skipped when
delivered twice, sent again by the relay when a worker died before finishing, and not at all for a closed report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from frontcounter.extensions import db
from frontcounter.jobs.outbox import OutboxMessage, execute, relay
from frontcounter.tenancy import tenant_context
from frontcounter.testing import mailbox, run_jobs
from frontcounter_lost_property.matching import match_report, match_reports
from frontcounter_lost_property.models import LostReport, Match

from .conftest import add_item
from .test_journeys import OWNER, TODAY, report_ring_lost

TARGET = "frontcounter_lost_property.matching:match_report"


def _state(app, force, reference: str) -> tuple[int, list[OutboxMessage], list[Match]]:
    with app.app_context(), tenant_context(force):
        report = db.session.scalar(db.select(LostReport).filter_by(reference=reference))
        messages = [m for m in db.session.scalars(db.select(OutboxMessage).filter_by(target=TARGET))
                    if m.args == [report.id]]
        matches = list(db.session.scalars(db.select(Match).filter_by(report_id=report.id)))
        db.session.expunge_all()
        return report.id, messages, matches


def test_a_report_is_matched_once_by_its_job_and_a_second_delivery_does_nothing(app, forces):
    alpha = forces[0]
    add_item(app, alpha, found_on=TODAY - timedelta(days=2))
    reference = report_ring_lost(app)[1]
    run_jobs(app)
    _id, [message], [match] = _state(app, alpha, reference)
    assert message.done_at is not None and message.attempts == 1 and match.status == "proposed"
    [email] = mailbox(app, OWNER)  # the acknowledgement, handed over in the same pipeline, went too
    assert reference in email.subject and email.status == "delivered"

    with app.app_context(), tenant_context(alpha):
        assert match_reports([message.id]) == 0  # already done: skipped
        assert execute(message.id) is None
        db.session.commit()
    _id, [again], matches = _state(app, alpha, reference)
    assert [m.id for m in matches] == [match.id] and again.attempts == 1


def test_matching_a_dead_worker_left_unfinished_is_sent_again_by_the_relay(app, forces):
    alpha = forces[0]
    add_item(app, alpha, found_on=TODAY - timedelta(days=2))
    reference = report_ring_lost(app)[1]
    run_jobs(app)
    report_id, [message], _matches = _state(app, alpha, reference)
    # What a worker killed mid-job leaves: its transaction rolled back, so no matches and the message not done.
    with app.app_context(), tenant_context(alpha):
        db.session.execute(db.delete(Match).where(Match.report_id == report_id))
        db.session.execute(db.update(OutboxMessage).where(OutboxMessage.id == message.id).values(
            done_at=None, attempts=0, dispatched_at=datetime.now(UTC) - timedelta(hours=1)))
        db.session.commit()
    with app.app_context():
        assert relay() == 1
    run_jobs(app)
    _id, [done], [match] = _state(app, alpha, reference)
    assert done.done_at is not None and match.status == "proposed"


def test_a_report_closed_before_its_job_runs_is_not_matched(app, forces):
    alpha = forces[0]
    add_item(app, alpha, found_on=TODAY - timedelta(days=2))
    reference = report_ring_lost(app)[1]
    run_jobs(app)
    report_id, _messages, _matches = _state(app, alpha, reference)
    with app.app_context(), tenant_context(alpha):
        db.session.execute(db.delete(Match).where(Match.report_id == report_id))
        db.session.get(LostReport, report_id).status = "expired"
        assert match_report(report_id) == 0
        db.session.commit()
    assert _state(app, alpha, reference)[2] == []
