"""What the staff case page shows: the core's context (actions, staff, state) and the service plugin's own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from frontcounter.accounts.queries import staff_choices
from frontcounter.cases import engine
from frontcounter.cases.models import Case
from frontcounter.plugins.manager import registry


def staff_case_templates(case: Case) -> list[str]:
    """The staff case page's templates, first found wins: the service's own, then the core's."""
    return [f"{case.service_key}/staff/case.html", "cases/case.html"]


def staff_case_context(case: Case) -> dict[str, Any]:
    """The staff case page's variables: the core's, then what the service's case_page_context hook adds."""
    workflow = engine.workflow_for(case.service_key)
    context: dict[str, Any] = {
        "case": case,
        "workflow": workflow,
        "actions": [
            {"transition": t, "refusal": engine.refusal(case, t)}
            for t in workflow.transitions_from(case.state)
            if engine.may_fire(case, t)
        ],
        "service": registry().services[case.service_key],
        "staff": staff_choices(),
        "state": workflow.state(case.state),
        "now": datetime.now(UTC),
    }
    for extra in registry().hook_for_service(case.service_key, "case_page_context")(case=case):
        clash = set(extra or {}) & set(context)
        if clash:
            raise ValueError(f"case_page_context may not replace the core's {sorted(clash)}")
        context.update(extra or {})
    return context
