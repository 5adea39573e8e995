"""Prometheus metrics: requests, jobs, the queue, the outbox and payments, behind a token at /metrics.

Counters and histograms are kept per process; under gunicorn set PROMETHEUS_MULTIPROC_DIR (an empty
folder shared by the workers, see frontcounter.gunicorn_conf) and /metrics adds up every worker.
Gauges of what the database and Redis hold (queue depth, outbox backlog, payments by state) are read
at scrape time with a few grouped queries, whatever the size of the data.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REQUESTS = Counter("frontcounter_http_requests", "HTTP requests answered", ["endpoint", "status", "force"])
LATENCY = Histogram(
    "frontcounter_http_request_duration_seconds", "Time to answer an HTTP request", ["endpoint", "force"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
JOBS = Counter("frontcounter_jobs", "Background jobs run", ["function", "outcome"])
JOB_DURATION = Histogram("frontcounter_job_duration_seconds", "Time a background job took", ["function"])

bp = Blueprint("metrics", __name__)


def observe_job(function: str, started: float, failed: bool) -> None:
    """Count one finished job and its duration."""
    JOBS.labels(function=function, outcome="failed" if failed else "done").inc()
    JOB_DURATION.labels(function=function).observe(time.perf_counter() - started)


class StateCollector(Collector):
    """Gauges read at scrape time: queue depth, outbox backlog and age, payments and refunds by state."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Yield the gauges (an empty set when the database or Redis cannot be read)."""
        from frontcounter.extensions import db
        from frontcounter.jobs import get_queue
        from frontcounter.jobs.outbox import OutboxMessage
        from frontcounter.payments.models import Payment, Refund
        from frontcounter.tenancy.context import platform_wide

        with self.app.app_context():
            queue = GaugeMetricFamily("frontcounter_queue_depth", "Jobs waiting in the rq queue")
            try:
                queue.add_metric([], get_queue().count)
                yield queue
            except Exception:  # noqa: BLE001, S110 - Redis down: /healthz says so; no gauge rather than a wrong one
                pass
            try:
                with platform_wide("metrics: platform-wide counts by state"):
                    pending, oldest = db.session.execute(
                        db.select(db.func.count(OutboxMessage.id), db.func.min(OutboxMessage.created_at))
                        .where(OutboxMessage.done_at.is_(None))
                    ).one()
                    payments = db.session.execute(
                        db.select(Payment.provider, Payment.state, db.func.count(Payment.id))
                        .group_by(Payment.provider, Payment.state)
                    ).all()
                    refunds = db.session.execute(
                        db.select(Refund.state, db.func.count(Refund.id)).group_by(Refund.state)
                    ).all()
            except Exception:  # noqa: BLE001 - database down: no gauges this scrape
                db.session.rollback()
                return
            finally:
                db.session.remove()
        backlog = GaugeMetricFamily("frontcounter_outbox_pending", "Outbox messages not yet done")
        backlog.add_metric([], pending)
        yield backlog
        age = GaugeMetricFamily("frontcounter_outbox_oldest_pending_seconds", "Age of the oldest pending message")
        if oldest is not None:
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=UTC)
            age.add_metric([], max(0.0, (datetime.now(UTC) - oldest).total_seconds()))
        else:
            age.add_metric([], 0.0)
        yield age
        by_state = GaugeMetricFamily(
            "frontcounter_payments", "Payments by provider and state", labels=["provider", "state"]
        )
        for provider, state, count in payments:
            by_state.add_metric([provider, state], count)
        yield by_state
        refund_states = GaugeMetricFamily("frontcounter_refunds", "Refunds by state", labels=["state"])
        for state, count in refunds:
            refund_states.add_metric([state], count)
        yield refund_states


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        for collector in list(REGISTRY._collector_to_names):
            registry.register(collector)
    registry.register(StateCollector(current_app._get_current_object()))  # type: ignore[attr-defined]
    return registry


@bp.get("/metrics")
def metrics() -> Response:
    """The metrics in Prometheus' text format, for a scraper that sends `Authorization: Bearer <METRICS_TOKEN>`."""
    token = current_app.config.get("METRICS_TOKEN") or ""
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token:
        abort(404)  # never public: no token configured, no page
    if not hmac.compare_digest(given.encode(), token.encode()):
        abort(401)
    return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)


def _started() -> None:
    g._fc_metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.pop("_fc_metrics_started", None)
    if started is None or request.endpoint in (None, "metrics.metrics", "static", "assets.asset"):
        return response
    from frontcounter.tenancy.context import current_tenant_or_none

    tenant = current_tenant_or_none()
    force = tenant.slug if tenant else ""
    count_request(request.endpoint or "unknown", response.status_code, force, time.perf_counter() - started)
    return response


def count_request(endpoint: str, status: int, force: str, seconds: float) -> None:
    """Count one answered request and its time."""
    request_counter(endpoint, status, force)(seconds)


def request_counter(endpoint: str, status: int, force: str) -> Callable[[float], None]:
    """A function counting one answer of `endpoint` with `status` for `force` and its time (kept by a cache)."""
    counted = REQUESTS.labels(endpoint=endpoint, status=str(status), force=force)
    timed = LATENCY.labels(endpoint=endpoint, force=force)

    def count(seconds: float) -> None:
        counted.inc()
        timed.observe(seconds)

    return count


def init_app(app: Flask) -> None:
    """Count and time every request, and serve /metrics behind METRICS_TOKEN."""
    app.before_request(_started)
    app.after_request(_observe)
    app.register_blueprint(bp)
    from frontcounter.extensions import csrf

    csrf.exempt(bp)
