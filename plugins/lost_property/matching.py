"""Proposing matches between found items and lost reports (scoring.py says how alike), and staff deciding:
a confirmed match invites the owner to claim; a dismissed one is not proposed again."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import gettext as _
from frontcounter.audit import record as audit
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.jobs.outbox import OutboxMessage, defer, finish_batch, register_batch
from frontcounter.tenancy.context import current_tenant_id
from frontcounter_lost_property.models import FoundItem, LostReport, Match
from frontcounter_lost_property.scoring import Found, Lost, Score, score

MATCHABLE_STATES = ("reported", "received")
CANDIDATE_LIMIT = 500


def found_facts(item: FoundItem) -> Found:
    """The facts of a found item that matching compares."""
    return Found(item.category, item.description, item.found_on, item.found_district, item.serial)


def lost_facts(report: LostReport) -> Lost:
    """The facts of a lost report that matching compares."""
    return Lost(report.category, report.description, report.lost_from, report.lost_to, report.lost_district,
                report.serial)


def _keep_all(pairs: list[tuple[FoundItem, LostReport, Score]]) -> list[tuple[Match, Score]]:
    """Record each fitting pair as a proposed match, or refresh a proposal already made (one query for all)."""
    if not pairs:
        return []
    item_ids = {item.id for item, _r, _s in pairs}
    report_ids = {report.id for _i, report, _s in pairs}
    existing = {
        (m.item_id, m.report_id): m
        for m in db.session.scalars(
            db.select(Match).where(Match.item_id.in_(item_ids), Match.report_id.in_(report_ids)))
    }
    kept = []
    for item, report, scored in pairs:
        reasons = {"parts": scored.parts, "km": scored.km}
        match = existing.get((item.id, report.id))
        if match is None:
            match = Match(item_id=item.id, report_id=report.id, score=scored.total, serial_match=scored.serial_match,
                          reasons=reasons, status="proposed", created_at=datetime.now(UTC))
            db.session.add(match)
        elif match.status == "proposed":
            match.score, match.serial_match, match.reasons = scored.total, scored.serial_match, reasons
        kept.append((match, scored))
    db.session.flush()
    return sorted(kept, key=lambda pair: pair[1].sort_key, reverse=True)


def propose_for_item(item: FoundItem) -> list[Match]:
    """Score the open lost reports against a found item; keep those that fit (best first)."""
    candidates = db.session.scalars(
        db.select(LostReport)
        .where(LostReport.status == "open",
               (LostReport.category == item.category)
               | ((LostReport.serial == item.serial) & (LostReport.serial != "")))
        .order_by(LostReport.id.desc())
        .limit(CANDIDATE_LIMIT)
    ).all()
    facts = found_facts(item)
    fitting = [(item, r, s) for r in candidates if (s := score(facts, lost_facts(r))) is not None]
    return [match for match, _s in _keep_all(fitting)]


def propose_for_report(report: LostReport) -> list[Match]:
    """Score the items in store (or on their way) against a lost report; keep those that fit (best first)."""
    candidates = db.session.scalars(
        db.select(FoundItem)
        .join(Case, Case.id == FoundItem.case_id)
        .where(Case.state.in_(MATCHABLE_STATES),
               (FoundItem.category == report.category)
               | ((FoundItem.serial == report.serial) & (FoundItem.serial != "")))
        .order_by(FoundItem.id.desc())
        .limit(CANDIDATE_LIMIT)
    ).all()
    facts = lost_facts(report)
    fitting = [(i, report, s) for i in candidates if (s := score(found_facts(i), facts)) is not None]
    return [match for match, _s in _keep_all(fitting)]


def propose_after_commit(report: LostReport) -> None:
    """Queue matching for a new report as outbox work: it runs once the report has committed."""
    defer(match_report, report.id)


def match_report(report_id: int) -> int:
    """Outbox job: propose matches for a lost report still open; returns how many fit."""
    report = db.session.get(LostReport, report_id)
    if report is None or report.status != "open":
        return 0
    return len(propose_for_report(report))


def match_reports(outbox_ids: list[int]) -> int:
    """Outbox batch job: match the reports of the force's messages still to do, each once; returns how many."""
    tenant_id = current_tenant_id()
    rows = db.session.execute(
        db.select(OutboxMessage.id, OutboxMessage.args)
        .where(OutboxMessage.id.in_(outbox_ids), OutboxMessage.done_at.is_(None),
               OutboxMessage.tenant_id == tenant_id)
        .order_by(OutboxMessage.id)
        .with_for_update(skip_locked=True)  # a message another worker is running is left to it
    ).all()
    for _outbox_id, args in rows:
        match_report(int(args[0]))
    finish_batch([outbox_id for outbox_id, _a in rows], {})
    return len(rows)


# Reports filed together (a busy hour, a relay after an outage) are matched by one job.
register_batch(match_report, match_reports)


class MatchRefused(Exception):
    """A decision that may not be made now; `message` says why."""

    def __init__(self, message: str, code: str = "wrong_state") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def dismiss(match: Match, *, actor: str) -> None:
    """Staff say the item is not the reported one."""
    if match.status != "proposed":
        raise MatchRefused(_("This match has already been decided."))
    match.status, match.decided_by, match.decided_at = "dismissed", actor, datetime.now(UTC)
    audit("lost_property.match_dismissed", target=f"match:{match.id}", after={"score": match.score})


def confirm(match: Match, questions: list[str], *, actor: str):  # type: ignore[no-untyped-def]
    """Staff think the item is the reported one: invite the owner to claim it with the questions they set."""
    from frontcounter_lost_property.claims import invite_owner

    if match.status != "proposed":
        raise MatchRefused(_("This match has already been decided."))
    if match.item.case.state != "received":
        raise MatchRefused(_("The item must be received into store before its owner is invited to claim it."))
    match.status, match.decided_by, match.decided_at = "confirmed", actor, datetime.now(UTC)
    audit("lost_property.match_confirmed", target=f"match:{match.id}", after={"questions": len(questions)})
    return invite_owner(match, questions, actor=actor)


def proposed(page: int, per_page: int = 25):  # type: ignore[no-untyped-def]
    """A page of matches waiting for a decision, serial matches first, then by score."""
    from frontcounter.bookings.queries import paginate

    query = (db.select(Match).where(Match.status == "proposed")
             .order_by(Match.serial_match.desc(), Match.score.desc(), Match.id))
    return paginate(query, page, per_page)


def matches_of_item(item: FoundItem) -> list[Match]:
    """An item's matches, best first."""
    return list(db.session.scalars(
        db.select(Match).where(Match.item_id == item.id).order_by(Match.serial_match.desc(), Match.score.desc())))
