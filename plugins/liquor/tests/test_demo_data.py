"""The demo seed gives every state of the licensing workflow, for the force's own authorities."""

from __future__ import annotations

from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter_liquor.demo import seed
from frontcounter_liquor.workflow import WORKFLOW


def test_demo_data_covers_every_state(ctx, forces):
    alpha, _bravo = forces
    with tenant_context(alpha):
        lines = seed(alpha)
        states = set(db.session.scalars(db.select(Case.state)))
        assert states == {s.name for s in WORKFLOW.states}
        assert any("counter notice required" in line for line in lines)
        assert seed(alpha) == []  # only once
