"""gunicorn settings for the app servers: `gunicorn -c python:frontcounter.gunicorn_conf "frontcounter:create_app()"`.

Every value can be changed by an environment variable (named below). The app servers are stateless,
so run as many as the load needs behind the load balancer.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from typing import Any

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# More than one thread makes each worker gunicorn's gthread worker: a connection that is open but has
# not sent its request yet (a slow phone, a client pausing on a kept-alive connection) waits in the
# worker's poller instead of holding the whole worker, as it would with the sync worker; with one
# thread, put a buffering proxy (nginx) in front. Measured in bench/README.md (P3).
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# A worker is replaced after this many requests (a guard against slow leaks). Starting one costs about
# 2 s of CPU (plugins, templates), so at 5,000 a worker under full load restarted every few seconds.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 100_000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 10_000))
preload_app = False  # each worker opens its own database connections
control_socket_disable = True  # no control socket: a container has no use for it (and a read-only home)
accesslog = None  # the app logs one JSON access line per request itself (ACCESS_LOG)


class AppWritesAccessLines(Logger):
    """gunicorn's logger without access lines (with a logging config it would build each one, then drop it)."""

    def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
        """The app writes the access line (ACCESS_LOG); nothing to do here."""


logger_class = AppWritesAccessLines
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# gunicorn's own lines (starting, booting workers, timeouts) as JSON too, like the app's (LOG_FORMAT).
_production = os.environ.get("FRONTCOUNTER_ENV", "development") == "production"
if os.environ.get("LOG_FORMAT", "json" if _production else "") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": os.environ.get("LOG_LEVEL", "INFO").upper(), "handlers": []},  # the app adds its own
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False, "qualname": "gunicorn.error"},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False, "qualname": "gunicorn.access"},
        },
        "handlers": {"json": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
    }

# Prometheus counters from every worker, added up at /metrics: a folder shared by the workers,
# emptied when the master starts.
_metrics_dir = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="frontcounter-metrics-"))


def on_starting(server: Any) -> None:
    """Start with an empty metrics folder (counters from a previous run would add up wrongly)."""
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    os.makedirs(_metrics_dir, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """Forget a dead worker's live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
