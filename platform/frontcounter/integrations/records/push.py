"""Queue and run pushes of a case to the force's records system (outbox work, retried while it is down)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from frontcounter.extensions import db
from frontcounter.integrations.records.adapter import RecordsUnavailable, records_adapters
from frontcounter.integrations.records.models import RecordsSetting
from frontcounter.jobs.outbox import RetryLater, defer
from frontcounter.observability.requestid import current_request_id
from frontcounter.tenancy.context import current_tenant, current_tenant_or_none

log = logging.getLogger(__name__)
DOCUMENT_VERSION = 1


def records_setting() -> RecordsSetting | None:
    """The current force's records adapter choice, or None."""
    return db.session.scalar(db.select(RecordsSetting).limit(1))


def schedule_push(case: Any) -> None:
    """Queue a push of `case` (in the caller's transaction) when the force has a records adapter."""
    if current_tenant_or_none() is None or records_setting() is None:
        return
    defer(push_case, case.id)


def case_document(case_id: int) -> dict[str, Any] | None:
    """The whole case as the records system receives it: details, answers and its history."""
    from frontcounter.cases.models import Case, CaseEvent

    case = db.session.get(Case, case_id)
    if case is None:
        return None
    history = db.session.scalars(db.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id))
    tenant = current_tenant()
    return {
        "document_version": DOCUMENT_VERSION,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "force": {"slug": tenant.slug, "code": tenant.code},
        "case": {
            "reference": case.reference,
            "service": case.service_key,
            "state": case.state,
            "version": case.version,
            "opened_at": case.created_at,
            "updated_at": case.updated_at,
            "closed_at": case.closed_at,
            "deadline_at": case.deadline_at,
            "language": case.language,
            "applicant": {"name": case.applicant_name, "email": case.applicant_email},
            "answers": case.data,
        },
        "history": [
            {"at": e.at, "transition": e.transition, "from_state": e.from_state, "to_state": e.to_state,
             "actor": e.actor, "note": e.note}
            for e in history
        ],
    }


def push_case(case_id: int) -> str:
    """Outbox work: push the case as it is now through the force's adapter; RetryLater while it cannot."""
    setting = records_setting()
    if setting is None:
        return "no records adapter"
    adapter_class = records_adapters().get(setting.adapter)
    if adapter_class is None:
        raise RetryLater(f"Records adapter {setting.adapter!r} is not installed")
    document = case_document(case_id)
    if document is None:
        return "case gone"
    try:
        where = adapter_class(current_tenant(), setting.options or {}).push_case(document)
    except RecordsUnavailable as exc:
        log.warning("Records push of case %s failed: %s", case_id, exc, extra={"request_id": current_request_id()})
        raise RetryLater(str(exc)) from exc
    log.info("Case %s pushed to records (%s)", case_id, where,
             extra={"records_adapter": setting.adapter, "request_id": current_request_id()})
    return where
