"""Tenancy: scoping is automatic and fails closed; the force travels into jobs."""

from __future__ import annotations

import pytest
from frontcounter.extensions import db
from frontcounter.tenancy import TenantScopeError, platform_wide, tenant_context
from frontcounter_sample.models import SamplePermit
from sqlalchemy import func


def _permits(force, *holders):
    with tenant_context(force):
        for holder in holders:
            db.session.add(SamplePermit(holder=holder, vehicle="X"))
        db.session.commit()


def test_query_on_tenant_owned_model_without_a_force_raises(ctx, forces):
    _permits(forces[0], "a1")
    with pytest.raises(TenantScopeError):
        db.session.scalars(db.select(SamplePermit)).all()
    with pytest.raises(TenantScopeError):
        db.session.scalar(db.select(func.count(SamplePermit.id)))


def test_queries_see_only_the_current_force(ctx, forces):
    alpha, bravo = forces
    _permits(alpha, "a1", "a2")
    _permits(bravo, "b1")
    with tenant_context(alpha):
        assert sorted(p.holder for p in db.session.scalars(db.select(SamplePermit))) == ["a1", "a2"]
        assert db.session.scalar(db.select(func.count(SamplePermit.id))) == 2
        bravo_id = db.session.execute(db.text("SELECT id FROM sample_permit WHERE holder='b1'")).scalar()
        assert db.session.get(SamplePermit, bravo_id) is None
    with tenant_context(bravo):
        assert [p.holder for p in db.session.scalars(db.select(SamplePermit))] == ["b1"]


def test_bulk_update_and_delete_are_scoped(ctx, forces):
    alpha, bravo = forces
    _permits(alpha, "a1")
    _permits(bravo, "b1")
    with tenant_context(alpha):
        db.session.execute(db.update(SamplePermit).values(vehicle="CHANGED"))
        db.session.execute(db.delete(SamplePermit).where(SamplePermit.holder == "b1"))
        db.session.commit()
    with tenant_context(bravo):
        rows = db.session.scalars(db.select(SamplePermit)).all()
        assert [(p.holder, p.vehicle) for p in rows] == [("b1", "X")]


def test_platform_wide_is_the_one_explicit_opt_out(ctx, forces):
    _permits(forces[0], "a1")
    _permits(forces[1], "b1")
    with platform_wide("test: count every force's permits"):
        assert db.session.scalar(db.select(func.count(SamplePermit.id))) == 2
    with pytest.raises(ValueError):
        with platform_wide(""):
            pass


def test_new_rows_get_the_current_force_and_cannot_be_written_elsewhere(ctx, forces):
    alpha, bravo = forces
    with pytest.raises(TenantScopeError):
        db.session.add(SamplePermit(holder="nobody", vehicle="X"))
    db.session.rollback()
    with tenant_context(alpha):
        permit = SamplePermit(holder="a1", vehicle="X")
        db.session.add(permit)
        db.session.commit()
        assert permit.tenant_id == alpha.id
        with pytest.raises(TenantScopeError):
            db.session.add(SamplePermit(holder="sneaky", vehicle="X", tenant_id=bravo.id))
        db.session.rollback()
        permit = db.session.scalars(db.select(SamplePermit)).one()
        permit.tenant_id = bravo.id
        with pytest.raises(TenantScopeError):
            db.session.commit()
        db.session.rollback()


def _count_permits() -> int:
    return db.session.scalar(db.select(func.count(SamplePermit.id)))


def _holders() -> list[str]:
    return sorted(p.holder for p in db.session.scalars(db.select(SamplePermit)))


def test_a_job_run_for_force_b_sees_only_b(ctx, forces):
    from frontcounter.jobs import enqueue, get_queue

    alpha, bravo = forces
    _permits(alpha, "a1", "a2")
    _permits(bravo, "b1")
    with tenant_context(bravo):
        job = enqueue(_holders)
    assert job.meta["tenant_id"] == bravo.id
    if ctx.config["REDIS_URL"]:
        from rq import SimpleWorker

        queue = get_queue()
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        job.refresh()
    assert job.get_status() == "finished"
    assert job.return_value() == ["b1"]


def test_a_job_with_no_force_cannot_read_tenant_data(ctx, forces):
    from frontcounter.jobs import enqueue, get_queue

    _permits(forces[0], "a1")
    job = enqueue(_count_permits)
    if ctx.config["REDIS_URL"]:
        from rq import SimpleWorker

        queue = get_queue()
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        job.refresh()
    assert job.get_status() == "failed"
    assert "TenantScopeError" in (job.latest_result().exc_string or "")


def test_force_resolved_from_path_and_unknown_force_is_404(client, forces):
    assert "Alpha Police" in client.get("/alpha/").get_data(as_text=True)
    assert client.get("/nowhere/").status_code == 404


def test_force_resolved_from_its_host_name(app, client):
    from tests.conftest import make_force

    with app.app_context():
        make_force("charlie", "CHA", {"sample": True}, hostnames=["charlie.example.test"])
    app.wsgi_app.reload()
    page = client.get("/", headers={"Host": "charlie.example.test"}).get_data(as_text=True)
    assert "Charlie Police online services" in page
    assert client.get("/sample/", headers={"Host": "charlie.example.test"}).status_code == 200
    # National paths stay national on a force's host.
    assert client.get("/healthz", headers={"Host": "charlie.example.test"}).status_code == 200
    assert "Find your police force" in client.get("/", headers={"Host": "other.test"}).get_data(as_text=True)


def test_shapes_scoping_cannot_filter_are_refused_not_leaked(ctx, forces):
    from frontcounter.tenancy import TenantService

    alpha, bravo = forces
    _permits(alpha, "a1")
    _permits(bravo, "b1", "b2")
    with tenant_context(alpha):
        with pytest.raises(TenantScopeError):  # bare select_from: no entity for the criteria to reach
            db.session.scalar(db.select(func.count()).select_from(SamplePermit))
        with pytest.raises(TenantScopeError):  # a subquery over tenant rows
            db.session.scalars(db.select(SamplePermit).where(SamplePermit.id.in_(db.select(SamplePermit.id)))).all()
        # Joined entities are scoped too.
        rows = db.session.execute(
            db.select(SamplePermit.holder, TenantService.service_key).join(
                TenantService, TenantService.tenant_id == SamplePermit.tenant_id)
        ).all()
        assert rows == [("a1", "sample")]
        # Pagination counts only this force's rows.
        page = db.paginate(db.select(SamplePermit), page=1, per_page=10)
        assert page.total == 1 and [p.holder for p in page.items] == ["a1"]


def test_get_never_returns_another_forces_row_from_the_identity_map(ctx, forces):
    alpha, bravo = forces
    _permits(bravo, "b1")
    with tenant_context(bravo):
        permit = db.session.scalars(db.select(SamplePermit)).one()
        assert db.session.get(SamplePermit, permit.id) is permit
    with tenant_context(alpha):
        assert db.session.get(SamplePermit, permit.id) is None
