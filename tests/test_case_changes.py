"""Every change to a case, or to a row of any table with a case_id (a plugin's too), is announced to every app
process by PostgreSQL NOTIFY on commit, so pages kept per case are remade; a rollback announces nothing."""

from __future__ import annotations

import psycopg
import pytest
from frontcounter.cases.engine import fire, open_case
from frontcounter.cases.models import Case, CaseTimer
from frontcounter.extensions import db
from frontcounter.payments.models import Payment
from frontcounter.tenancy import tenant_context
from frontcounter.tenancy.watch import CASES_CHANNEL

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def heard(backend_urls):
    """A LISTEN connection; call it to get the payloads heard since the last call."""
    url = backend_urls["database"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"LISTEN {CASES_CHANNEL}")

        def payloads() -> list[str]:
            return [n.payload for n in conn.notifies(timeout=0.3)]

        yield payloads


def _case(force) -> Case:
    with tenant_context(force):
        case = open_case("sample", applicant_email="ann@example.com", applicant_name="Ann Applicant")
        db.session.commit()
        return case


def test_a_transition_announces_its_case_once_on_commit(app, forces, heard):
    with app.app_context():
        case = _case(forces[0])
        heard()
        with tenant_context(forces[0]):
            fire(case, "withdraw", actor="system: test", as_system=True)  # the case, its history, its timers
            assert heard() == []  # nothing before the commit
            db.session.commit()
            assert heard() == [str(case.id)]


def test_a_statement_naming_its_case_announces_that_case_and_one_that_does_not_announces_any(app, forces, heard):
    with app.app_context():
        case = _case(forces[0])
        heard()
        with tenant_context(forces[0]):
            db.session.execute(db.update(CaseTimer).where(CaseTimer.case_id == case.id).values(cancelled_at=None))
            db.session.commit()
            assert heard() == [str(case.id)]
            db.session.execute(db.update(Payment).where(Payment.id == -1).values(state="failed"))
            db.session.commit()
            assert heard() == ["*"]


def test_a_payment_changing_state_announces_only_its_case(app, forces, heard):
    from frontcounter.payments.expiry import mark_expired

    with app.app_context():
        case = _case(forces[0])
        with tenant_context(forces[0]):
            payment = Payment(case_id=case.id, provider="sandbox", amount_pence=2500, state="created",
                              description="Fee")
            db.session.add(payment)
            db.session.commit()
            heard()
            assert mark_expired(payment, "the applicant never came back")
            db.session.commit()
            assert heard() == [str(case.id)]  # not "*": other cases' kept tracking pages stay


def test_a_rollback_announces_nothing(app, forces, heard):
    with app.app_context():
        case = _case(forces[0])
        heard()
        with tenant_context(forces[0]):
            fire(case, "withdraw", actor="system: test", as_system=True)
            db.session.flush()
            db.session.rollback()
        assert heard() == []
