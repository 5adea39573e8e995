"""The function every job runs: re-enter the app and the job's force, run the target, tidy up."""

from __future__ import annotations

import importlib
import time
from contextlib import nullcontext
from typing import Any

from flask import Flask, current_app, has_app_context

from frontcounter.extensions import db
from frontcounter.observability.metrics import observe_job
from frontcounter.observability.requestid import current_request_id, reset_request_id, set_request_id
from frontcounter.tenancy.context import tenant_context
from frontcounter.tenancy.models import Tenant

_worker_app: Flask | None = None


def _app() -> Flask:
    global _worker_app
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _worker_app is None:
        from frontcounter.app import create_app

        _worker_app = create_app()
    return _worker_app


def resolve(target: str) -> Any:
    """Import 'package.module:function' and return the function."""
    module, _, name = target.partition(":")
    obj: Any = importlib.import_module(module)
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _job_request_id() -> str | None:
    from rq import get_current_job

    job = get_current_job()
    return (job.meta or {}).get("request_id") if job is not None else None


def run(tenant_id: int | None, target: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """Run `target` inside the app, scoped to force `tenant_id`; commit on success, roll back on error."""
    app = _app()
    started, failed = time.perf_counter(), True
    request_token = set_request_id(_job_request_id() or current_request_id())
    try:
        result = _run_in_app(app, tenant_id, target, args, kwargs)
        failed = False
        return result
    finally:
        reset_request_id(request_token)
        observe_job(target, started, failed)


def _run_in_app(app: Flask, tenant_id: int | None, target: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    with app.app_context():
        tenant = db.session.get(Tenant, tenant_id) if tenant_id is not None else None
        if tenant_id is not None and tenant is None:
            raise LookupError(f"Job for force {tenant_id} which no longer exists")
        with tenant_context(tenant) if tenant is not None else nullcontext():
            try:
                result = resolve(target)(*args, **kwargs)
                db.session.commit()
                return result
            except BaseException:
                db.session.rollback()
                raise
            finally:
                db.session.remove()
