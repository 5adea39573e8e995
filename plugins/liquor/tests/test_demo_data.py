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


def test_every_demo_case_opens_for_staff_and_its_applicant(app, forces):
    from frontcounter.cases.tracking import tracking_token
    from frontcounter.testing import add_staff, staff_sign_in

    alpha, _bravo = forces
    with app.app_context(), tenant_context(alpha):
        seed(alpha)
        cases = [(c.reference, tracking_token(c)) for c in db.session.scalars(db.select(Case))]
    add_staff(app, alpha, "officer@alpha.police.example", ["caseworker"])
    staff = app.test_client()
    staff_sign_in(staff, app, "alpha", "officer@alpha.police.example")
    assert staff.get("/alpha/staff/liquor/").status_code == 200
    public = app.test_client()
    for reference, token in cases:
        assert staff.get(f"/alpha/staff/liquor/cases/{reference}").status_code == 200, reference
        core_page = staff.get(f"/alpha/staff/work/case/{reference}")
        assert core_page.status_code == 200 and 'id="liquor-detail"' in core_page.get_data(as_text=True), reference
        assert public.get(f"/alpha/track/{reference}?token={token}").status_code == 200, reference
