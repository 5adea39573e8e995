"""The firearms demo data: a case in every state of the workflow, created once per force."""

from __future__ import annotations

import time

from frontcounter.accounts.service import add_staff_member
from frontcounter.cases.models import Case
from frontcounter.extensions import db
from frontcounter.tenancy import tenant_context
from frontcounter.tenancy.services import tenant_hooks
from frontcounter.testing import run_jobs
from frontcounter_firearms.demo import CASES
from frontcounter_firearms.models import Certificate
from frontcounter_firearms.workflow import WORKFLOW


def _seed(app, force) -> None:
    with app.app_context(), tenant_context(force) as ref:
        tenant_hooks().seed_demo_data(tenant=ref)
        db.session.commit()
    run_jobs(app)


def test_the_demo_seed_creates_a_case_in_every_state_once_per_force(app, firearms_forces):
    alpha, bravo = firearms_forces
    with app.app_context(), tenant_context(alpha):
        add_staff_member("officer@alpha.example.com", "Frankie Officer", ["field_officer"], password="x" * 12)
        db.session.commit()
    started = time.perf_counter()
    _seed(app, alpha)
    took = time.perf_counter() - started
    _seed(app, alpha)  # again: nothing more
    _seed(app, bravo)

    with app.app_context(), tenant_context(alpha):
        states = db.session.scalars(db.select(Case.state)).all()
        assert len(states) == len(CASES)
        assert set(states) == {state.name for state in WORKFLOW.states}
        numbers = db.session.scalars(db.select(Certificate.number).where(Certificate.case_id.is_not(None))).all()
        assert sorted(numbers) == sorted(n for n in numbers if n.startswith("ALP/"))
        assert len(numbers) == 2  # the coterminous grant's firearm and shotgun certificates
    with app.app_context(), tenant_context(bravo):
        assert len(db.session.scalars(db.select(Case.id)).all()) == len(CASES)
    assert took < 30, f"seeding one force took {took:.1f}s"
