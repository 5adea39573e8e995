"""Run a workflow: open cases with references, fire transitions under roles and guards, keep the
history, schedule timers and deadlines, tell the applicant."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from frontcounter.audit import record as audit
from frontcounter.cases.models import Case, CaseEvent, CaseTimer, ReferenceCounter
from frontcounter.cases.periods import due_at
from frontcounter.cases.workflow import State, Transition, Workflow
from frontcounter.extensions import db
from frontcounter.integrations import emit
from frontcounter.plugins.manager import registry
from frontcounter.refusals import Refused
from frontcounter.tenancy.context import current_tenant


class TransitionRefused(Refused):
    """A transition that may not happen now (wrong_state, guard_failed, forbidden, note_required, ...)."""


# How a case came in: the public online, staff entering it (paper, post, counter), or a force system's API call.
CHANNELS = ("online", "staff", "api")


def _now() -> datetime:
    return datetime.now(UTC)


def request_channel() -> str:
    """The channel of a case opened in this request: "api" when an API token made the call, else "online"."""
    from flask import g, has_request_context

    return "api" if has_request_context() and g.get("_fc_api_client") is not None else "online"


def _judge_deadline(case: Case, now: datetime) -> None:
    """Leaving a state: a deadline that was running is met when it has not passed; one missed one stays missed."""
    deadline = case.deadline_at
    if deadline is None:
        return
    if deadline.tzinfo is None:  # SQLite hands back naive UTC
        deadline = deadline.replace(tzinfo=UTC)
    met = now <= deadline
    case.deadline_met = met if case.deadline_met is None else bool(case.deadline_met and met)


def workflow_for(service_key: str) -> Workflow:
    """Return the workflow the service's plugin declared."""
    service = registry().services[service_key]
    if service.workflow is None:
        raise LookupError(f"Service {service_key!r} declares no workflow")
    return service.workflow


def next_number(series: str, year: int) -> int:
    """Return the next number (1, 2, ...) of `series` for `year` in the current force.

    On PostgreSQL the number is taken in a short transaction of its own, committed at once, so the counter's
    row is locked for a moment instead of for the whole submission (concurrent submissions of a force no
    longer queue behind each other); a submission that fails afterwards leaves a gap, never a duplicate.
    Elsewhere (SQLite writes one at a time anyway) it is taken in the caller's transaction, not committed.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return _next_number_apart(series, year)
    for _attempt in range(5):
        number = db.session.execute(
            db.update(ReferenceCounter)
            .where(ReferenceCounter.service_key == series, ReferenceCounter.year == year)
            .values(last=ReferenceCounter.last + 1)
            .returning(ReferenceCounter.last)
        ).scalar()
        if number is not None:
            return number
        try:
            with db.session.begin_nested():
                db.session.add(ReferenceCounter(service_key=series, year=year, last=1))
            return 1
        except IntegrityError:
            continue  # another request created the counter first: increment it instead
    raise RuntimeError(f"Could not allocate a number in series {series!r}")


# One statement, committed on its own (autocommit): no BEGIN, SET or COMMIT round trips. set_config(..., true)
# makes this transaction's commit skip waiting for its disk flush: the submission's commit, later in the same
# WAL, flushes it too, so it is lost in a crash only with that submission, and no number is ever used twice.
_NEXT_NUMBER = text(
    "INSERT INTO reference_counter (tenant_id, service_key, year, last) "
    "SELECT :tenant_id, :series, :year, 1 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS no_wait "
    "ON CONFLICT (tenant_id, service_key, year) DO UPDATE SET last = reference_counter.last + 1 RETURNING last"
)


def _next_number_apart(series: str, year: int) -> int:
    tenant_id = current_tenant().id
    with db.session.get_bind().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        number = conn.execute(_NEXT_NUMBER, {"tenant_id": tenant_id, "series": series, "year": year}).scalar_one()
    return int(number)


def next_reference(service_key: str, when: datetime | None = None) -> str:
    """Return the next reference for the current force and service, e.g. DOR-FA-26-000123."""
    tenant = current_tenant()
    service = registry().services[service_key]
    year = (when or _now()).year
    number = next_number(service_key, year)
    return f"{tenant.code}-{service.code}-{year % 100:02d}-{number:06d}"


def open_case(
    service_key: str,
    *,
    applicant_email: str,
    applicant_name: str = "",
    account_id: int | None = None,
    data: dict[str, Any] | None = None,
    actor: str = "",
    language: str | None = None,
    channel: str | None = None,
) -> Case:
    """Create a case in the workflow's first state (added to the session, not committed).

    `language` is the applicant's ("en" or "cy"; by default the page's): every email about the case uses it.
    `channel` is how it came in ("online", "staff" or "api"; by default "api" in an API request, else "online").
    """
    from frontcounter.web.i18n import LANGUAGES, page_language

    workflow = workflow_for(service_key)
    case = Case(
        reference=next_reference(service_key),
        service_key=service_key,
        state=workflow.initial.name,
        applicant_email=applicant_email.strip().lower(),
        applicant_name=applicant_name,
        applicant_account_id=account_id,
        data=dict(data or {}),
        language=language if language in LANGUAGES else page_language(),
        channel=channel if channel in CHANNELS else request_channel(),
    )
    db.session.add(case)
    db.session.flush()
    from frontcounter.billing.ledger import case_opened

    _record(case, "opened", None, workflow.initial, actor or applicant_email, "")
    _enter(case, workflow, workflow.initial)
    case_opened(case.id, service_key)  # the platform's charge, if the service bills requests
    emit.case_created(case)
    return case


def may_fire(
    case: Case,
    transition: Transition,
    *,
    as_system: bool = False,
    as_applicant: bool = False,
    roles: Collection[str] | None = None,
) -> bool:
    """True when the person (or the system, or a holder of `roles` such as an API token) may fire `transition`."""
    if as_system:
        return True
    if as_applicant:
        return transition.by_applicant
    if not transition.roles:
        return False
    if roles is not None:
        return not set(roles).isdisjoint(transition.roles)
    from frontcounter.accounts.auth import has_role

    return has_role(*transition.roles)


def refusal(case: Case, transition: Transition) -> str | None:
    """Return why `transition` cannot happen now (wrong state or a failed guard), or None."""
    workflow = workflow_for(case.service_key)
    if case.state not in transition.source:
        return _(
            "You cannot %(action)s a case that is %(state)s.",
            action=transition.label.lower(),
            state=workflow.state(case.state).public_label.lower(),
        )
    for guard in transition.guards:
        reason = guard.check(case)
        if reason:
            return reason
    return None


def fire(
    case: Case,
    name: str,
    *,
    actor: str,
    note: str = "",
    as_system: bool = False,
    as_applicant: bool = False,
    public_note: bool = True,
    roles: Collection[str] | None = None,
) -> Case:
    """Fire `name` on `case` (checked against `roles`, e.g. an API token's, when given) or raise TransitionRefused."""
    workflow = workflow_for(case.service_key)
    try:
        transition = workflow.transition(name)
    except KeyError:
        raise TransitionRefused(_("There is no action called %(name)s.", name=name), "unknown_transition") from None
    if not may_fire(case, transition, as_system=as_system, as_applicant=as_applicant, roles=roles):
        raise TransitionRefused(
            _("Your role does not allow you to %(action)s.", action=transition.label.lower()), "forbidden"
        )
    reason = refusal(case, transition)
    if reason:
        code = "wrong_state" if case.state not in transition.source else "guard_failed"
        raise TransitionRefused(reason, code)
    if transition.needs_note and not note.strip():
        raise TransitionRefused(_("Enter a note to say why."), "note_required")
    before = case.state
    target = workflow.state(transition.target)
    _judge_deadline(case, _now())
    case.state = target.name
    _cancel_timers(case)
    _record(case, transition.name, before, target, actor, note, public=public_note)
    audit(
        "case.transition",
        target=f"case:{case.reference}",
        before={"state": before},
        after={"state": target.name, "transition": transition.name, "note": note},
        actor=actor,
    )
    _enter(case, workflow, target, note if public_note else "")
    # Only the plugin that provides the case's service hears of it.
    registry().hook_for_service(case.service_key, "case_transitioned")(
        case=case, transition=transition.name, from_state=before
    )
    emit.case_transitioned(case, transition.name, before)
    return case


def _record(
    case: Case, transition: str, before: str | None, target: State, actor: str, note: str, public: bool = True
) -> None:
    db.session.add(
        CaseEvent(
            case_id=case.id,
            at=_now(),
            actor=actor,
            transition=transition,
            from_state=before,
            to_state=target.name,
            note=note,
            public=public,
        )
    )


def _enter(case: Case, workflow: Workflow, state: State, note: str = "") -> None:
    now = _now()
    case.deadline_at = due_at(state.deadline, case, now)
    case.closed_at = now if state.terminal else None
    for timer in workflow.timers_for(state.name):
        due = due_at(timer.after, case, now)
        if due is not None:  # a period function may say "no timer for this case"
            db.session.add(CaseTimer(case_id=case.id, key=timer.key, state=state.name, due_at=due))
    if state.notify:
        from frontcounter.cases.notify import notify_state

        notify_state(case, state, note=note if state.email_note else "")


def _cancel_timers(case: Case) -> None:
    db.session.execute(
        db.update(CaseTimer)
        .where(CaseTimer.case_id == case.id, CaseTimer.fired_at.is_(None), CaseTimer.cancelled_at.is_(None))
        .values(cancelled_at=_now())
    )


def assign(case: Case, staff_member_id: int | None, *, actor: str) -> None:
    """Give the case to a member of staff (or nobody); audited."""
    before = case.assignee_id
    case.assignee_id = staff_member_id
    audit(
        "case.assigned",
        target=f"case:{case.reference}",
        before={"assignee_id": before},
        after={"assignee_id": staff_member_id},
        actor=actor,
    )


def find_case(reference: str) -> Case | None:
    """Return the current force's case with this reference, or None."""
    return db.session.scalar(db.select(Case).filter_by(reference=reference))
